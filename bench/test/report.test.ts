import { describe, expect, it } from 'vitest';
import { cells, COLUMNS, markdown, textTable, type RunResult } from '../src/report';

const figures = { tps: 1800.4, transactions: 18004, failed: 0, latencyAvgMs: 17.8 };

function run(overrides: Partial<RunResult> = {}): RunResult {
  return {
    shape: 'real', replicas: 1, connections: 32, durationS: 10, rate: null, measuredS: 10, accepted: 900, ordersPerSecond: 90, non2xx: 0,
    statusCodes: { 201: 900 }, errors: 0, timeouts: 0, latencyMs: { p50: 342, p90: 400, p99: 482, max: 510, mean: 350 },
    confirmLatencyMs: { orders: 900, complete: true, confirmed: 900, unconfirmed: 0, p50: 41.2, p90: 80, p99: 123.6, max: 140 },
    ceiling: { server: '127.0.0.1:5432', pgbench: 'pgbench (PostgreSQL) 15.20', clients: 32, threads: 2, durationS: 10, accept: figures, reserve: { ...figures, tps: 950.2 } },
    ceilingPercent: 4.998,
    drain: { seconds: 0.65, drained: true }, cpuPercent: {}, warmup: { durationS: 2, accepted: 150, non2xx: 0, drain: { seconds: 0.3, drained: true } },
    peakRssMiB: 450.2, memory: {},
    ...overrides,
  };
}

const column = (r: RunResult, name: string) => cells(r)[COLUMNS.indexOf(name)];

describe('the results table', () => {
  it('has the ceiling and created → confirmed columns', () => {
    expect(COLUMNS).toEqual([
      'shape', 'replicas', 'connections', 'rate/s', 'duration s', 'orders/s', 'non-2xx', 'p50 ms', 'p99 ms',
      'confirm p50 ms', 'confirm p99 ms', 'drain s', 'peak RSS MiB', 'pgbench TPS', '% of ceiling', 'reserve TPS',
    ]);
  });

  it('shows a closed-loop run on PostgreSQL with its ceiling', () => {
    expect(cells(run())).toEqual(['real', '1', '32', 'closed', '10', '90', '0', '342', '482', '41', '124', '0.65', '450', '1800', '5.0', '950']);
  });

  it('shows an open-loop run at its rate, with missed requests next to the errors', () => {
    const open = run({
      rate: 600, errors: 3, latencyMs: { p50: 4.26, p90: 9, p99: 48.9, max: 60, mean: 6 },
      openLoop: { rate: 600, maxInFlight: 1000, scheduled: 6000, sent: 5988, missed: 12, achievedRate: 598.8, peakInFlight: 1000, sendLagMs: { p50: 0.2, p99: 3, max: 9 } },
    });
    expect(column(open, 'rate/s')).toBe('600');
    expect(column(open, 'non-2xx')).toBe('0 (+3 errors, 12 missed)');
    expect([column(open, 'p50 ms'), column(open, 'p99 ms')]).toEqual(['4.3', '49']);
  });

  it('leaves the ceiling empty where it was not measured, and says nothing of confirmation it could not read', () => {
    const embedded = run({ shape: 'embedded', ceiling: { skipped: 'the embedded shape runs on PGlite, not on a PostgreSQL server' }, ceilingPercent: null, confirmLatencyMs: null });
    expect(['pgbench TPS', '% of ceiling', 'reserve TPS', 'confirm p50 ms', 'confirm p99 ms'].map((name) => column(embedded, name))).toEqual(['', '', '', '', '']);
  });

  it('lines the columns up in text and in Markdown', () => {
    const runs = [run(), run({ shape: 'embedded', replicas: 1, ceiling: { skipped: 'pgbench not found on the PATH' }, ceilingPercent: null })];
    const [header, rule, ...rows] = textTable(runs).split('\n');
    expect(header).toMatch(/^shape +replicas +connections +rate\/s .* pgbench TPS  % of ceiling  reserve TPS$/);
    expect(rule!.length).toBe(header!.length);
    expect(rows).toHaveLength(2);
    const md = markdown({ command: 'npm run bench', machine: { cpus: 2, model: 'EPYC', totalMemGiB: 23.5, node: 'v20' }, date: '2026-11-29T00:00:00Z', runs }).split('\n');
    expect(md).toContain(`| ${COLUMNS.join(' | ')} |`);
    expect(md).toContain('| real | 1 | 32 | closed | 10 | 90 | 0 | 342 | 482 | 41 | 124 | 0.65 | 450 | 1800 | 5.0 | 950 |');
    expect(md).toContain('| embedded | 1 | 32 | closed | 10 | 90 | 0 | 342 | 482 | 41 | 124 | 0.65 | 450 |  |  |  |');
  });
});
