import { cpus, totalmem } from 'node:os';
import type { ConfirmLatency } from './confirm-latency';
import type { OpenLoopFigures } from './open-loop';
import type { Ceiling, NoCeiling } from './pgbench';
import type { ProcessMemory } from './processes';

export interface RunResult {
  shape: string;
  /** Processes each of orders and inventory, the load spread over the orders ones; null for a system the bench did not start. */
  replicas: number | null;
  connections: number;
  durationS: number;
  /** Open loop: the arrival rate asked for (requests/s); null for the closed loop. */
  rate: number | null;
  /** How long the load actually ran (open loop: until the last answer). */
  measuredS: number;
  accepted: number;
  ordersPerSecond: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts seen by the load generator. */
  errors: number;
  timeouts: number;
  /** Latency of `POST /api/orders`; in the open loop from each request's scheduled send time. */
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The open loop's own figures: missed requests, achieved rate, the sender's lag. */
  openLoop?: OpenLoopFigures;
  /** From each order's `pending` history entry to its `confirmed` one, over the orders the measured load placed. */
  confirmLatencyMs: ConfirmLatency | null;
  /** pgbench running the service's statements alone (bench/pgbench/*.sql), after the run, with as many clients as connections. */
  ceiling: Ceiling | NoCeiling;
  /** orders/s as a percentage of the ceiling's accept TPS; null without a ceiling. */
  ceilingPercent: number | null;
  drain: { seconds: number; drained: boolean };
  /** CPU during the measured load, % of one core: each service process, and the bench (load generator) itself. */
  cpuPercent: Record<string, number>;
  warmup: { durationS: number; accepted: number; non2xx: number; drain: { seconds: number; drained: boolean } };
  /** Sum of the per-process peaks (an upper bound: the peaks need not coincide); null when not measured. */
  peakRssMiB: number | null;
  memory: Record<string, ProcessMemory[]>;
  /** Every order in the system after the run, by status (bench-started systems only). */
  ordersByStatus?: Record<string, number>;
  /** Lines the services wrote at LOG_LEVEL=warn, per service (bench-started systems only). */
  serviceLogLines?: Record<string, number>;
}

export interface Report {
  /** The command line that produced the report, as one would type it again. */
  command: string;
  machine: { cpus: number; model: string; totalMemGiB: number; node: string };
  date: string;
  runs: RunResult[];
}

export function machine(): Report['machine'] {
  const cores = cpus();
  return {
    cpus: cores.length,
    model: cores[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
  };
}

export const COLUMNS = [
  'shape', 'replicas', 'connections', 'rate/s', 'duration s', 'orders/s', 'non-2xx', 'p50 ms', 'p99 ms',
  'confirm p50 ms', 'confirm p99 ms', 'drain s', 'peak RSS MiB', 'pgbench TPS', '% of ceiling', 'reserve TPS',
];

export function cells(run: RunResult): string[] {
  const ceiling = 'accept' in run.ceiling ? run.ceiling : null;
  const failures = [...(run.errors > 0 ? [`+${run.errors} errors`] : []), ...(run.openLoop?.missed ? [`${run.openLoop.missed} missed`] : [])];
  return [
    run.shape,
    run.replicas === null ? 'n/a' : String(run.replicas),
    String(run.connections),
    run.rate === null ? 'closed' : String(run.rate),
    String(run.durationS),
    run.ordersPerSecond.toFixed(0),
    failures.length > 0 ? `${run.non2xx} (${failures.join(', ')})` : String(run.non2xx),
    ms(run.latencyMs.p50),
    ms(run.latencyMs.p99),
    run.confirmLatencyMs ? ms(run.confirmLatencyMs.p50) : '',
    run.confirmLatencyMs ? ms(run.confirmLatencyMs.p99) : '',
    run.drain.drained ? run.drain.seconds.toFixed(2) : `> ${run.drain.seconds.toFixed(0)} (not drained)`,
    run.peakRssMiB === null ? 'n/a' : run.peakRssMiB.toFixed(0),
    ceiling ? ceiling.accept.tps.toFixed(0) : '',
    run.ceilingPercent === null ? '' : run.ceilingPercent.toFixed(1),
    ceiling ? ceiling.reserve.tps.toFixed(0) : '',
  ];
}

/** Whole milliseconds, with a tenth below 10 ms. */
const ms = (value: number) => (!Number.isFinite(value) ? 'n/a' : value < 10 ? value.toFixed(1) : value.toFixed(0));

export function textTable(runs: RunResult[]): string {
  const rows = [COLUMNS, ...runs.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...runs.map((r) => line(cells(r)))].join('\n');
}

export function markdown(report: Report): string {
  const m = report.machine;
  return [
    `<!-- written by npm run bench on ${report.date}; do not edit by hand -->`,
    `\`${report.command}\` on ${m.cpus} × ${m.model}, ${m.totalMemGiB} GiB, Node ${m.node}, ${report.date.slice(0, 10)}:`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `| ${COLUMNS.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...report.runs.map((r) => `| ${cells(r).join(' | ')} |`),
    '',
    'replicas: processes each of orders and inventory on the one database and vhost, the connections dealt out over the orders ones; ' +
      'rate/s: `closed` for the closed loop (each connection waits for its answer), else the open loop\'s fixed arrival rate; ' +
      'orders/s: 2xx responses per second; non-2xx: other responses (socket errors and timeouts, and in the open loop requests not sent because too many were unanswered, shown apart); ' +
      'p50/p99: latency of `POST /api/orders` as seen by the client, in the open loop from each request\'s scheduled send time; ' +
      'confirm: from an order\'s `pending` history entry to its `confirmed` one, over the orders the load placed; ' +
      'drain: from the end of the load until no order is `pending`; peak RSS: sum of the service processes\' VmHWM (PostgreSQL and RabbitMQ not included); ' +
      'pgbench TPS: the accept statements alone (bench/pgbench/accept.sql) run by pgbench with as many clients as connections, after the run; % of ceiling: orders/s as a percentage of it; ' +
      'reserve TPS: the same for reserving one order\'s stock (bench/pgbench/reserve.sql); empty where not measured (embedded shape, no pgbench, --no-pgbench).',
    '',
  ].join('\n');
}
