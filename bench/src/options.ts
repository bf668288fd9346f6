import { parseArgs } from 'node:util';

export const SHAPE_CHOICES = ['embedded', 'real', 'both'] as const;
export type ShapeChoice = (typeof SHAPE_CHOICES)[number];

export interface BenchOptions {
  shapes: ('embedded' | 'real')[];
  connections: number;
  durationS: number;
  /** Set when measuring a system someone else started: base URLs, no trailing slash. */
  external?: { ordersUrl: string; inventoryUrl: string; token: string; label: string };
  out: string;
}

export const USAGE = `usage: npm run bench -- [--shape embedded|real|both] [--connections N] [--duration SECONDS]
                        [--url ORDERS_URL --inventory-url INVENTORY_URL --token ADMIN_JWT] [--out FILE]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      shape: { type: 'string', default: 'both' },
      connections: { type: 'string', default: '32' },
      duration: { type: 'string', default: '10' },
      url: { type: 'string' },
      'inventory-url': { type: 'string' },
      token: { type: 'string' },
      out: { type: 'string', default: 'bench/results/latest.json' },
    },
  });
  const shape = values.shape as ShapeChoice;
  if (!SHAPE_CHOICES.includes(shape)) throw new Error(`--shape must be one of ${SHAPE_CHOICES.join(', ')}, got "${values.shape}"`);
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`--connections must be a positive integer, got "${values.connections}"`);
  const durationS = Number(values.duration);
  if (!Number.isInteger(durationS) || durationS < 1) throw new Error(`--duration must be a positive whole number of seconds, got "${values.duration}"`);
  if ((values.url === undefined) !== (values['inventory-url'] === undefined)) throw new Error('--url and --inventory-url go together');
  if (values.url !== undefined && values.token === undefined) throw new Error('--url needs --token: an admin access token of the running system');

  const shapes = shape === 'both' ? (['embedded', 'real'] as const) : ([shape] as const);
  return {
    shapes: [...shapes],
    connections,
    durationS,
    external: values.url && values['inventory-url']
      ? { ordersUrl: baseUrl(values.url, '/api/orders'), inventoryUrl: baseUrl(values['inventory-url'], '/api/products'), token: values.token!, label: shape === 'both' ? 'external' : shape }
      : undefined,
    out: values.out,
  };
}

/** Accepts either a service's origin or its collection URL. */
function baseUrl(raw: string, collection: string): string {
  if (!URL.canParse(raw)) throw new Error(`not a URL: "${raw}"`);
  return raw.replace(/\/+$/, '').replace(new RegExp(`${collection}$`), '');
}
