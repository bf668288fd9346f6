import { describe, expect, it } from 'vitest';
import { commandLine, parseOptions, runLabel } from '../src/options';

/** The one-line message bad arguments produce. */
function failure(argv: string[]): string {
  try {
    parseOptions(argv);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

const EXTERNAL = ['--url', 'http://127.0.0.1:5000', '--inventory-url', 'http://127.0.0.1:5001', '--token', 'abc'];

describe('bench options', () => {
  it('without options: one embedded and one real run, one process of each service', () => {
    expect(parseOptions([]).runs).toEqual([{ shape: 'embedded', replicas: 1 }, { shape: 'real', replicas: 1 }]);
  });

  it('--replicas alone selects the real shape', () => {
    expect(parseOptions(['--replicas', '2']).runs).toEqual([{ shape: 'real', replicas: 2 }]);
  });

  it('--replicas 1,2,3: one real run per count, in the order given', () => {
    expect(parseOptions(['--replicas', '1,2,3', '--shape', 'real']).runs).toEqual([1, 2, 3].map((replicas) => ({ shape: 'real', replicas })));
    expect(parseOptions(['--replicas', '3, 1']).runs.map((r) => r.replicas)).toEqual([3, 1]);
  });

  it.each([['0'], ['-1'], ['two'], ['1.5'], ['1,,2'], [''], ['1,2,']])('--replicas "%s" is refused naming the option and the value', (value) => {
    expect(failure([`--replicas=${value}`])).toBe(`--replicas must be a positive integer or a comma-separated list of them (e.g. 1,2,3), got "${value}"`);
  });

  it('--replicas with another shape than real is refused', () => {
    expect(failure(['--replicas', '2', '--shape', 'embedded'])).toBe('--replicas applies to the real shape only, not --shape embedded');
    expect(failure(['--replicas', '2', '--shape', 'both'])).toBe('--replicas applies to the real shape only, not --shape both');
  });

  it('--replicas with --url is refused: the bench cannot start processes of a system it did not start', () => {
    expect(failure(['--replicas', '2', ...EXTERNAL])).toBe('--replicas needs a system the bench starts itself, not one given with --url');
  });

  it('fewer connections than orders processes is refused, since some would get no load', () => {
    expect(failure(['--replicas', '1,4', '--connections', '3'])).toBe('--connections must be at least the largest --replicas (4) so every orders process gets load, got 3');
    expect(parseOptions(['--replicas', '4', '--connections', '4']).connections).toBe(4);
  });

  it('--url measures the given system once, with no replica count', () => {
    const options = parseOptions([...EXTERNAL, '--shape', 'real']);
    expect(options.runs).toEqual([{ shape: 'real', replicas: null }]);
    expect(options.external).toMatchObject({ ordersUrl: 'http://127.0.0.1:5000', inventoryUrl: 'http://127.0.0.1:5001' });
  });

  it('other options keep their checks', () => {
    expect(failure(['--shape', 'cloud'])).toBe('--shape must be one of embedded, real, one-process, both, all, got "cloud"');
    expect(failure(['--connections', '0'])).toBe('--connections must be a positive integer, got "0"');
    expect(failure(['--duration', '2.5'])).toBe('--duration must be a positive whole number of seconds, got "2.5"');
    expect(failure(['--url', 'http://127.0.0.1:5000'])).toBe('--url and --inventory-url go together');
  });
});

describe('the open loop and the ceiling', () => {
  it('without --rate the load is closed-loop, and pgbench runs', () => {
    expect(parseOptions([])).toMatchObject({ rate: undefined, maxInFlight: 1000, pgbench: true });
  });

  it('--rate N sends N requests per second, with a cap on unanswered ones', () => {
    expect(parseOptions(['--rate', '600'])).toMatchObject({ rate: 600, maxInFlight: 1000, connections: 32 });
    expect(parseOptions(['--rate=100', '--max-in-flight', '50', '--connections', '8'])).toMatchObject({ rate: 100, maxInFlight: 50, connections: 8 });
  });

  it('keeps working with --replicas and --url', () => {
    expect(parseOptions(['--rate', '200', '--replicas', '1,2'])).toMatchObject({ rate: 200, runs: [{ shape: 'real', replicas: 1 }, { shape: 'real', replicas: 2 }] });
    expect(parseOptions([...EXTERNAL, '--rate', '50'])).toMatchObject({ rate: 50, runs: [{ shape: 'external', replicas: null }] });
  });

  it.each([['0'], ['-5'], ['1.5'], ['fast'], ['']])('--rate "%s" is refused naming the option and the value', (value) => {
    expect(failure([`--rate=${value}`])).toBe(`--rate must be a positive integer of requests per second, got "${value}"`);
  });

  it('--max-in-flight needs --rate and a positive integer', () => {
    expect(failure(['--max-in-flight', '10'])).toBe('--max-in-flight applies to an open-loop load only: give --rate too');
    expect(failure(['--rate', '10', '--max-in-flight', '0'])).toBe('--max-in-flight must be a positive integer, got "0"');
  });

  it('--no-pgbench leaves the ceiling out', () => {
    expect(parseOptions(['--no-pgbench']).pgbench).toBe(false);
  });
});

describe('run labels', () => {
  it('name the replica count only when there is more than one process of each service', () => {
    expect(runLabel({ shape: 'real', replicas: 1 })).toBe('real');
    expect(runLabel({ shape: 'real', replicas: 3 })).toBe('real-3x');
    expect(runLabel({ shape: 'external', replicas: null })).toBe('external');
  });
});

describe('the command line in the report', () => {
  it('is the one to type again', () => {
    expect(commandLine([])).toBe('npm run bench');
    expect(commandLine(['--replicas', '1,2,3', '--duration', '10'])).toBe('npm run bench -- --replicas 1,2,3 --duration 10');
    expect(commandLine(['--out', "it's here.json"])).toBe(`npm run bench -- --out 'it'\\''s here.json'`);
  });

  it('never holds the access token', () => {
    expect(commandLine([...EXTERNAL])).toBe('npm run bench -- --url http://127.0.0.1:5000 --inventory-url http://127.0.0.1:5001 --token "$TOKEN"');
    expect(commandLine(['--token=abc'])).toBe('npm run bench -- --token="$TOKEN"');
  });
});
