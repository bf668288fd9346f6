import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parsePgbenchOutput, pgbenchVersion } from '../src/pgbench';

const PG15 = `pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: accept.sql
scaling factor: 1
query mode: extended
number of clients: 32
number of threads: 2
maximum number of tries: 1
duration: 10 s
number of transactions actually processed: 16358
number of failed transactions: 0 (0.000%)
latency average = 19.563 ms
initial connection time = 61.345 ms
tps = 1635.810582 (without initial connection time)
`;

// PostgreSQL 13 and older: two tps lines, and no failed-transactions line.
const PG13 = `transaction type: reserve.sql
scaling factor: 1
query mode: extended
number of clients: 4
number of threads: 2
duration: 2 s
number of transactions actually processed: 1468
latency average = 5.442 ms
tps = 731.002144 (including connections establishing)
tps = 735.045602 (excluding connections establishing)
`;

describe("pgbench's summary", () => {
  it('gives the tps without the time spent connecting, and the counts around it', () => {
    expect(parsePgbenchOutput(PG15)).toEqual({ tps: 1635.810582, transactions: 16358, failed: 0, latencyAvgMs: 19.563 });
  });

  it('takes the "excluding connections" line of older versions, not the "including" one', () => {
    expect(parsePgbenchOutput(PG13)).toEqual({ tps: 735.045602, transactions: 1468, failed: null, latencyAvgMs: 5.442 });
  });

  it('reads a summary with Windows line ends, and a lone tps line with no remark', () => {
    expect(parsePgbenchOutput(PG15.replaceAll('\n', '\r\n'))?.tps).toBe(1635.810582);
    expect(parsePgbenchOutput('tps = 12.5\n')).toEqual({ tps: 12.5, transactions: null, failed: null, latencyAvgMs: null });
  });

  it('is null when there is no tps line, as when every client aborted', () => {
    expect(parsePgbenchOutput('pgbench: error: client 0 aborted in command 4 (SQL) of script 0\n')).toBeNull();
    expect(parsePgbenchOutput('')).toBeNull();
    // Two lines that do not say which leaves connecting out: no guessing.
    expect(parsePgbenchOutput('tps = 1 (a)\ntps = 2 (b)\n')).toBeNull();
  });
});

it('finds no pgbench on a PATH without one', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'no-pgbench-'));
  vi.stubEnv('PATH', empty);
  try {
    expect(await pgbenchVersion()).toBeNull();
  } finally {
    vi.unstubAllEnvs();
    await rm(empty, { recursive: true });
  }
});
