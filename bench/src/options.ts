import { parseArgs } from 'node:util';

export const SHAPE_CHOICES = ['embedded', 'real', 'one-process', 'both', 'all'] as const;
export type ShapeChoice = (typeof SHAPE_CHOICES)[number];

/** One measured run: a fresh system of `shape`, with `replicas` processes each of orders and inventory (null: not the bench's to know). */
export interface BenchRun {
  shape: string;
  replicas: number | null;
}

export interface BenchOptions {
  /** In order; a run starts its own system and tears it down before the next. */
  runs: BenchRun[];
  /** Closed loop: each connection sends its next request when the last is answered. Open loop: the keep-alive connections of the sender. */
  connections: number;
  durationS: number;
  /** Set for an open-loop load: requests/s, each sent at its scheduled time whatever came back. */
  rate?: number;
  /** Open loop: requests unanswered at once beyond which a due request is not sent (counted as missed). */
  maxInFlight: number;
  /** Whether to run pgbench after each run on PostgreSQL for the ceiling. */
  pgbench: boolean;
  /** Where each service process writes a V8 CPU profile of its whole life (`node --cpu-prof`); unset: none. */
  cpuProfileDir?: string;
  /** Set when measuring a system someone else started: base URLs, no trailing slash. */
  external?: { ordersUrl: string; inventoryUrl: string; token: string; label: string };
  out: string;
}

export const USAGE = `usage: npm run bench -- [--shape embedded|real|both] [--replicas N[,N...]] [--connections N] [--duration SECONDS]
                        [--rate REQUESTS_PER_S [--max-in-flight N]] [--no-pgbench] [--cpu-prof DIR]
                        [--url ORDERS_URL --inventory-url INVENTORY_URL --token ADMIN_JWT] [--out FILE]`;

export const DEFAULT_MAX_IN_FLIGHT = 1000;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      shape: { type: 'string' },
      replicas: { type: 'string' },
      connections: { type: 'string', default: '32' },
      duration: { type: 'string', default: '10' },
      rate: { type: 'string' },
      'max-in-flight': { type: 'string' },
      'no-pgbench': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      url: { type: 'string' },
      'inventory-url': { type: 'string' },
      token: { type: 'string' },
      out: { type: 'string', default: 'bench/results/latest.json' },
    },
  });
  // --replicas alone means the real shape: it is the only one with processes to multiply.
  const shape = (values.shape ?? (values.replicas === undefined ? 'both' : 'real')) as ShapeChoice;
  if (!SHAPE_CHOICES.includes(shape)) throw new Error(`--shape must be one of ${SHAPE_CHOICES.join(', ')}, got "${values.shape}"`);
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`--connections must be a positive integer, got "${values.connections}"`);
  const durationS = Number(values.duration);
  if (!Number.isInteger(durationS) || durationS < 1) throw new Error(`--duration must be a positive whole number of seconds, got "${values.duration}"`);
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (rate !== undefined && !(Number.isInteger(rate) && rate >= 1)) throw new Error(`--rate must be a positive integer of requests per second, got "${values.rate}"`);
  if (values['max-in-flight'] !== undefined && rate === undefined) throw new Error('--max-in-flight applies to an open-loop load only: give --rate too');
  const maxInFlight = Number(values['max-in-flight'] ?? DEFAULT_MAX_IN_FLIGHT);
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new Error(`--max-in-flight must be a positive integer, got "${values['max-in-flight']}"`);
  if ((values.url === undefined) !== (values['inventory-url'] === undefined)) throw new Error('--url and --inventory-url go together');
  if (values.url !== undefined && values.token === undefined) throw new Error('--url needs --token: an admin access token of the running system');

  const replicas = values.replicas === undefined ? [1] : replicaCounts(values.replicas);
  if (values.replicas !== undefined) {
    if (values.url !== undefined) throw new Error('--replicas needs a system the bench starts itself, not one given with --url');
    if (shape !== 'real') throw new Error(`--replicas applies to the real shape only, not --shape ${shape}`);
    const most = Math.max(...replicas);
    if (connections < most) throw new Error(`--connections must be at least the largest --replicas (${most}) so every orders process gets load, got ${connections}`);
  }

  const external = values.url && values['inventory-url']
    ? { ordersUrl: baseUrl(values.url, '/api/orders'), inventoryUrl: baseUrl(values['inventory-url'], '/api/products'), token: values.token!, label: shape === 'both' || shape === 'all' ? 'external' : shape }
    : undefined;
  // both: the two shapes of a first run and of a deployment; all: also npm start on PostgreSQL and RabbitMQ.
  const shapes = shape === 'both' ? (['embedded', 'real'] as const) : shape === 'all' ? (['embedded', 'real', 'one-process'] as const) : ([shape] as const);
  return {
    runs: external
      ? [{ shape: external.label, replicas: null }]
      : shapes.flatMap((s): BenchRun[] => (s === 'real' ? replicas.map((n) => ({ shape: s, replicas: n })) : [{ shape: s, replicas: 1 }])),
    connections,
    durationS,
    rate,
    maxInFlight,
    pgbench: !values['no-pgbench'],
    ...(values['cpu-prof'] === undefined ? {} : { cpuProfileDir: values['cpu-prof'] }),
    external,
    out: values.out,
  };
}

/** `2` or `1,2,3`: one real-shape run per count, in the order given. */
function replicaCounts(raw: string): number[] {
  const parts = raw.split(',').map((part) => part.trim());
  if (!parts.every((part) => /^[1-9]\d*$/.test(part))) {
    throw new Error(`--replicas must be a positive integer or a comma-separated list of them (e.g. 1,2,3), got "${raw}"`);
  }
  return parts.map(Number);
}

/** Accepts either a service's origin or its collection URL. */
function baseUrl(raw: string, collection: string): string {
  if (!URL.canParse(raw)) throw new Error(`not a URL: "${raw}"`);
  return raw.replace(/\/+$/, '').replace(new RegExp(`${collection}$`), '');
}

/** How a run is named in progress lines and log file names: `real`, `real-2x`, … */
export function runLabel(run: BenchRun): string {
  return run.replicas !== null && run.replicas > 1 ? `${run.shape}-${run.replicas}x` : run.shape;
}

/**
 * `npm run bench -- <args>` for the report, each argument quoted only where a shell needs it.
 * The access token is replaced by a placeholder: the report is meant to be committed.
 */
export function commandLine(args: string[]): string {
  const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  const shown = args.map((arg, i) => (args[i - 1] === '--token' ? '"$TOKEN"' : arg.startsWith('--token=') ? '--token="$TOKEN"' : quote(arg)));
  return shown.length === 0 ? 'npm run bench' : `npm run bench -- ${shown.join(' ')}`;
}
