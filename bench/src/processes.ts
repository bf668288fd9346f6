import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, compiledPath, PRODUCTION_NODE_FLAGS } from '../../scripts/compile';

export interface ServiceProcess {
  name: string;
  pid: number;
  logPath: string;
  /** Throws when the process has exited without being asked to. */
  assertRunning(): void;
  /** SIGTERM, then SIGKILL to its process group if it is still there after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
const LIFELINE = fileURLToPath(new URL('./lifeline.js', import.meta.url));
let compiling: Promise<unknown> | undefined;

// Children run in their own process group (so a terminal's Ctrl-C reaches only the bench,
// which then stops them gracefully); this is the last resort when the bench exits anyway.
process.on('exit', () => {
  for (const child of running) killGroup(child, 'SIGKILL');
});

/** Compiles the entry points (as `npm run build` does) once per bench run, so that the figures are those of what production runs. */
export function compileServices(): Promise<unknown> {
  return (compiling ??= compile());
}

/**
 * Runs the compiled JavaScript of a TypeScript entry point (`services/orders/src/main.ts` runs
 * `services/orders/dist/main.js`; compileServices() first) in one plain node process, as production does.
 */
export function startService(opts: { name: string; script: string; cwd: string; env: Record<string, string>; logPath: string; cpuProfile?: { dir: string; name: string } }): ServiceProcess {
  const entry = compiledPath(opts.script);
  if (!existsSync(join(opts.cwd, entry))) throw new Error(`${opts.name}: ${entry} is missing; compile first (npm run build:services)`);
  const log = openSync(opts.logPath, 'w');
  // Written when the process exits: the bench stops every service with SIGTERM.
  const profile = opts.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfile.dir}`, `--cpu-prof-name=${opts.cpuProfile.name}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, ...PRODUCTION_NODE_FLAGS, '--import', LIFELINE, entry], {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`${opts.name}: could not start ${opts.script}`);
  running.add(child);

  let stopping = false;
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      exit = signal ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
  });

  return {
    name: opts.name,
    pid: child.pid,
    logPath: opts.logPath,
    assertRunning() {
      if (exit !== undefined && !stopping) throw new Error(`${opts.name} exited unexpectedly (${exit}); see ${opts.logPath}`);
    },
    async stop(graceMs = 20_000) {
      stopping = true;
      if (exit !== undefined) return;
      child.kill('SIGTERM');
      if (await settlesWithin(exited, graceMs)) {
        if (exit !== 'code 0') throw new Error(`${opts.name} stopped on SIGTERM with ${exit}; see ${opts.logPath}`);
        return;
      }
      killGroup(child, 'SIGKILL');
      await exited;
      throw new Error(`${opts.name} ignored SIGTERM for ${graceMs} ms and was killed; see ${opts.logPath}`);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  const settled = await Promise.race([promise.then(() => true as const), timeout]);
  clearTimeout(timer);
  return settled;
}

/** A port nobody listens on right now (another process could still take it before the service does). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

export interface ProcessMemory {
  pid: number;
  command: string;
  peakRssKiB: number;
}

/** VmHWM of `pid` and every descendant; Linux only, else empty. */
export async function peakRss(pid: number): Promise<ProcessMemory[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const parents = new Map<number, number>();
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    // The command name may hold spaces and parentheses; the fields after the last ')' do not.
    const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : NaN;
    if (Number.isInteger(ppid)) parents.set(Number(entry), ppid);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  const memory: ProcessMemory[] = [];
  for (const p of tree) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => undefined);
    const hwm = status?.match(/^VmHWM:\s+(\d+) kB$/m)?.[1];
    const command = status?.match(/^Name:\s+(.*)$/m)?.[1] ?? '?';
    if (hwm !== undefined) memory.push({ pid: p, command, peakRssKiB: Number(hwm) });
  }
  return memory;
}

/** User + system CPU seconds `pid` has used so far (Linux; USER_HZ is 100 there); undefined when unreadable. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, i.e. 12 and 13 after the command name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
