import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { confirmLatency, readPlacedOrders } from './confirm-latency';
import { describe } from './http';
import { closedLoopFigures, fireOrders, type LoadFigures } from './load';
import { fireOpenLoop, type OpenLoopFigures } from './open-loop';
import { commandLine, parseOptions, runLabel, USAGE, type BenchOptions, type BenchRun } from './options';
import { measureCeiling, PGBENCH_MAX_S, pgbenchVersion, type Ceiling, type NoCeiling } from './pgbench';
import { machine, markdown, textTable, type Report, type RunResult } from './report';
import { external, startEmbedded, startOneProcess, startReal, type SystemUnderTest } from './system-under-test';
import { countOrders, createBenchProducts, orderBodies, waitDrained, waitUntilOrdersKnow } from './workload';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const resultsDir = join(repoRoot, 'bench/results');
const WARMUP_S = 2;
const BODY_POOL = 400;
const DRAIN_TIMEOUT_MS = 300_000;

const interrupt = new AbortController();
let firstSignalAt: number | undefined;
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => {
    const now = performance.now();
    if (firstSignalAt === undefined) {
      firstSignalAt = now;
      console.error(`\n${name}: stopping the load and tearing down (press Ctrl-C again to force)`);
      interrupt.abort(new Error(`interrupted by ${name}`));
      return;
    }
    // tsx's CLI re-sends a signal it thinks went unnoticed (~30 ms later): the same Ctrl-C, not a second one.
    // A real second one gives up on a graceful teardown; the exit hook kills the services.
    if (now - firstSignalAt > 1000) process.exit(130);
  });
}

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${describe(error)}\n${USAGE}`);
  process.exit(2);
}

const pgbench = options.pgbench ? await pgbenchVersion() : null;
if (options.pgbench && pgbench === null) console.error('pgbench not found on the PATH (`pgbench --version` failed): the pgbench TPS, % of ceiling and reserve TPS columns stay empty');

const report: Report = { command: commandLine(process.argv.slice(2)), machine: machine(), date: new Date().toISOString(), runs: [] };
let failed = false;
for (const run of options.runs) {
  try {
    report.runs.push(await benchRun(run, options, interrupt.signal));
  } catch (error) {
    failed = true;
    console.error(`${runLabel(run)}: ${describe(error)}`);
    if (interrupt.signal.aborted) break;
  }
}

if (report.runs.length > 0) {
  console.log(`\n${textTable(report.runs)}\n`);
  const out = resolve(repoRoot, options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  const snippet = out.replace(/\.json$/, '') + '.md';
  await writeFile(snippet, markdown(report));
  console.log(`wrote ${out} and ${snippet}`);
}
process.exit(interrupt.signal.aborted ? 130 : failed ? 1 : 0);

async function benchRun(target: BenchRun, opts: BenchOptions, signal: AbortSignal): Promise<RunResult> {
  const label = runLabel(target);
  const say = (message: string) => console.error(`[${label}] ${message}`);
  say(opts.external ? `using ${opts.external.ordersUrl}` : `starting the system${target.replicas !== null && target.replicas > 1 ? ` with ${target.replicas} processes each of orders and inventory` : ''}`);
  const startedAt = performance.now();
  const ctx = { repoRoot, logDir: join(resultsDir, 'logs'), label, signal, say, ...(opts.cpuProfileDir ? { cpuProfileDir: resolve(opts.cpuProfileDir) } : {}) };
  const sut: SystemUnderTest =
    opts.external ? external(opts.external.ordersUrl, opts.external.inventoryUrl, opts.external.token)
    : target.shape === 'embedded' ? await startEmbedded(ctx)
    : target.shape === 'one-process' ? await startOneProcess(ctx)
    : await startReal(ctx, target.replicas ?? 1);
  if (!opts.external) say(`ready in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);

  let measured: Omit<RunResult, 'ceiling' | 'ceilingPercent'>;
  try {
    measured = await measure(target, sut, opts, signal, say);
  } finally {
    if (!opts.external) say('tearing down');
    await sut.stop().catch((error: unknown) => {
      // A failed teardown must not pass silently, but it does not void the figures.
      console.error(`[${label}] ${describe(error)}`);
      failed = true;
    });
  }
  // After the teardown, so that pgbench has the CPU the system had.
  const ceiling = await measureCeilingFor(target, opts, signal, say);
  return { ...measured, ceiling, ceilingPercent: 'accept' in ceiling ? (measured.ordersPerSecond / ceiling.accept.tps) * 100 : null };
}

async function measureCeilingFor(target: BenchRun, opts: BenchOptions, signal: AbortSignal, say: (m: string) => void): Promise<Ceiling | NoCeiling> {
  if (!opts.pgbench) return { skipped: '--no-pgbench' };
  if (target.shape === 'embedded') return { skipped: 'the embedded shape runs on PGlite, not on a PostgreSQL server' };
  if (pgbench === null) return { skipped: 'pgbench not found on the PATH' };
  try {
    return await measureCeiling({ repoRoot, version: pgbench, clients: opts.connections, durationS: Math.min(opts.durationS, PGBENCH_MAX_S), signal, say });
  } catch (error) {
    if (signal.aborted) throw error;
    say(`no ceiling: ${describe(error)}`);
    return { skipped: describe(error) };
  }
}

async function measure(target: BenchRun, sut: SystemUnderTest, opts: BenchOptions, signal: AbortSignal, say: (m: string) => void): Promise<Omit<RunResult, 'ceiling' | 'ceilingPercent'>> {
  const guard = () => sut.assertRunning();
  const skus = await createBenchProducts(sut.inventoryUrl, randomBytes(3).toString('hex').toUpperCase(), sut.authorization, signal);
  for (const ordersUrl of sut.ordersUrls) await waitUntilOrdersKnow(ordersUrl, skus, { authorization: sut.authorization, signal, guard });
  const bodies = orderBodies(skus, BODY_POOL);
  const urls = sut.ordersUrls.map((ordersUrl) => `${ordersUrl}/api/orders`);
  const fire = async (durationS: number): Promise<LoadFigures & { openLoop?: OpenLoopFigures }> =>
    opts.rate === undefined
      ? closedLoopFigures(await fireOrders({ urls, authorization: sut.authorization, connections: opts.connections, durationS, bodies, signal }))
      : fireOpenLoop({ urls, authorization: sut.authorization, rate: opts.rate, durationS, connections: opts.connections, maxInFlight: opts.maxInFlight, bodies, signal });

  say(`warm-up ${WARMUP_S} s`);
  const warm = await fire(WARMUP_S);
  const warmDrain = await waitDrained(sut.ordersUrl, performance.now(), { authorization: sut.authorization, timeoutMs: DRAIN_TIMEOUT_MS, signal, guard });
  if (!warmDrain.drained) throw new Error(`warm-up orders still pending after ${DRAIN_TIMEOUT_MS / 1000} s`);

  const over = urls.length > 1 ? ` over ${urls.length} orders processes` : '';
  say(opts.rate === undefined
    ? `load: ${opts.connections} connections${over} for ${opts.durationS} s`
    : `load: ${opts.rate} requests/s, open loop (at most ${opts.maxInFlight} unanswered), on ${opts.connections} connections${over} for ${opts.durationS} s`);
  const cpuBefore = { services: await sut.cpuSeconds(), bench: process.cpuUsage(), at: performance.now() };
  // The services stamp history entries with the same machine's clock.
  const loadStartedAt = Date.now();
  const run = await fire(opts.durationS);
  const loadStopped = performance.now();
  const cpu = await cpuPercent(sut, cpuBefore);
  guard();
  say('waiting for the orders to drain');
  const drain = await waitDrained(sut.ordersUrl, loadStopped, { authorization: sut.authorization, timeoutMs: DRAIN_TIMEOUT_MS, signal, guard });
  say('reading the orders placed, for created → confirmed');
  const placed = await readPlacedOrders(sut.ordersUrl, { since: loadStartedAt, skus, authorization: sut.authorization, signal });
  const memory = await sut.memory();
  const peaks = Object.values(memory).flat().map((p) => p.peakRssKiB);

  const result: Omit<RunResult, 'ceiling' | 'ceilingPercent'> = {
    shape: target.shape,
    replicas: target.replicas,
    connections: opts.connections,
    durationS: opts.durationS,
    rate: opts.rate ?? null,
    measuredS: run.measuredS,
    accepted: run.accepted,
    ordersPerSecond: run.accepted / run.measuredS,
    non2xx: run.non2xx,
    statusCodes: run.statusCodes,
    errors: run.errors,
    timeouts: run.timeouts,
    latencyMs: run.latencyMs,
    ...(run.openLoop ? { openLoop: run.openLoop } : {}),
    confirmLatencyMs: confirmLatency(placed.orders, placed.complete),
    drain,
    cpuPercent: cpu,
    warmup: { durationS: WARMUP_S, accepted: warm.accepted, non2xx: warm.non2xx, drain: warmDrain },
    peakRssMiB: peaks.length > 0 ? peaks.reduce((a, b) => a + b, 0) / 1024 : null,
    memory,
  };
  if (!opts.external) {
    const statuses = ['pending', 'confirmed', 'rejected', 'cancelled'];
    result.ordersByStatus = Object.fromEntries(await Promise.all(statuses.map(async (s) => [s, await countOrders(sut.ordersUrl, s, sut.authorization, signal)] as const)));
    result.serviceLogLines = Object.fromEntries(await Promise.all(Object.entries(sut.logs).map(async ([name, path]) => [name, await lineCount(path)] as const)));
  }
  return result;
}

/** CPU used since `before` as a percentage of one core, per service process and for the bench itself. */
async function cpuPercent(sut: SystemUnderTest, before: { services: Record<string, number>; bench: NodeJS.CpuUsage; at: number }) {
  const seconds = (performance.now() - before.at) / 1000;
  const percent = (cpuSeconds: number) => Math.round((cpuSeconds / seconds) * 100);
  const after = await sut.cpuSeconds();
  const bench = process.cpuUsage(before.bench);
  return {
    ...Object.fromEntries(Object.entries(after).map(([name, s]) => [name, percent(s - (before.services[name] ?? 0))])),
    bench: percent((bench.user + bench.system) / 1e6),
  };
}

async function lineCount(path: string): Promise<number> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim() !== '').length;
}
