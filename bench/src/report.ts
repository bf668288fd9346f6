import { cpus, totalmem } from 'node:os';
import type { ProcessMemory } from './processes';

export interface RunResult {
  shape: string;
  /** Processes each of orders and inventory, the load spread over the orders ones; null for a system the bench did not start. */
  replicas: number | null;
  connections: number;
  durationS: number;
  /** How long autocannon actually ran. */
  measuredS: number;
  accepted: number;
  ordersPerSecond: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts seen by the load generator. */
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
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

const COLUMNS = ['shape', 'replicas', 'connections', 'duration s', 'orders/s', 'non-2xx', 'p50 ms', 'p99 ms', 'drain s', 'peak RSS MiB'];

function cells(run: RunResult): string[] {
  return [
    run.shape,
    run.replicas === null ? 'n/a' : String(run.replicas),
    String(run.connections),
    String(run.durationS),
    run.ordersPerSecond.toFixed(0),
    run.errors > 0 ? `${run.non2xx} (+${run.errors} errors)` : String(run.non2xx),
    String(run.latencyMs.p50),
    String(run.latencyMs.p99),
    run.drain.drained ? run.drain.seconds.toFixed(2) : `> ${run.drain.seconds.toFixed(0)} (not drained)`,
    run.peakRssMiB === null ? 'n/a' : run.peakRssMiB.toFixed(0),
  ];
}

export function textTable(runs: RunResult[]): string {
  const rows = [COLUMNS, ...runs.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
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
      'orders/s: 2xx responses per second; non-2xx: other responses (socket errors and timeouts shown apart); latency of `POST /api/orders` as seen by the client; ' +
      'drain: from the end of the load until no order is `pending`; peak RSS: sum of the service processes\' VmHWM (PostgreSQL and RabbitMQ not included).',
    '',
  ].join('\n');
}
