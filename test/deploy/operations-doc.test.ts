// Keeps docs/operations.md true: every npm script, metric, environment variable, repository path
// and Kubernetes name it mentions must exist in the code, the services' real /metrics output, the
// configuration specs and the deployment files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import type { ConfigSpec } from '@pedidos/platform/config';
import { MIGRATIONS_TABLE } from '@pedidos/platform/db';
import { OTEL_SDK_VARIABLES, TRACE_LOG_FIELDS } from '@pedidos/platform/tracing';
import { identityConfigSpec } from '../../services/identity/src/config';
import { inventoryConfigSpec } from '../../services/inventory/src/config';
import { ordersConfigSpec } from '../../services/orders/src/config';
import { launcherConfigSpec } from '../../launcher/src/system';
import { webConfigSpec } from '../../launcher/src/web-server';
import { REPO_ROOT } from './compose-config';
import {
  deploymentNames, envVariables, markdownParts, npmScripts, pathExists, pathMentions,
  promqlExpressions, promqlLabelNames, promqlMetricNames, snakeCaseNames,
} from './doc-mentions';
import { useServiceMetrics } from './service-metrics';

const DOC = 'docs/operations.md';
const K8S_DIR = join(REPO_ROOT, 'deploy/k8s');

/** Series Prometheus adds to every scrape target itself, and the labels it attaches to them. */
const PROMETHEUS_OWN = { metrics: new Set(['up']), labels: new Set(['job', 'instance']) };
/** Snake-case names the document uses that are PostgreSQL's, not the system's. */
const POSTGRES_SETTINGS = new Set(['autovacuum_naptime', 'max_connections']);

const doc = readFileSync(join(REPO_ROOT, DOC), 'utf8');
const parts = markdownParts(doc);
const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

/** Every file under `dir` (recursively) whose name passes `keep`. */
function files(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, keep) : keep(name) ? [path] : [];
  });
}

/** Every key of a parsed YAML value, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => [key, ...keysOf(v)]);
}

/** `NAME=value` lines of a dotenv file. */
const dotenvNames = (text: string) => [...text.matchAll(/^\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

/** The workspaces' package.json files, by package name. */
function workspacePackages(): Map<string, { scripts?: Record<string, string> }> {
  const root = JSON.parse(read('package.json')) as { workspaces: string[] };
  const dirs = root.workspaces.flatMap((pattern) =>
    pattern.endsWith('/*')
      ? readdirSync(join(REPO_ROOT, pattern.slice(0, -2))).map((name) => join(pattern.slice(0, -2), name))
      : [pattern]);
  return new Map(dirs
    .filter((dir) => existsSync(join(REPO_ROOT, dir, 'package.json')))
    .map((dir) => JSON.parse(read(join(dir, 'package.json'))) as { name: string; scripts?: Record<string, string> })
    .map((pkg) => [pkg.name, pkg]));
}

const composeFile = parseYaml(read('docker-compose.yml'), { merge: true }) as { services: Record<string, { build?: unknown }> };

describe(DOC, () => {
  describe('metrics', () => {
    const scraped = useServiceMetrics();

    it('selects in its alert rules and queries only metrics and labels the services export', () => {
      const expressions = promqlExpressions(parts);
      expect(expressions.length, 'PromQL expressions found').toBeGreaterThan(0);
      const metrics = expressions.flatMap(promqlMetricNames);
      const labels = expressions.flatMap(promqlLabelNames);
      expect(metrics.filter((m) => !scraped().exposition.samples.has(m) && !PROMETHEUS_OWN.metrics.has(m)), 'metrics no service exports').toEqual([]);
      expect(labels.filter((l) => !scraped().exposition.labels.has(l) && !PROMETHEUS_OWN.labels.has(l) && l !== 'le'), 'labels no series has').toEqual([]);
    });

    it('gives every rule a name, an expression and a well-formed duration', () => {
      const rules = parts.fences
        .filter((f) => f.lang === 'yaml')
        .map((f) => parseYaml(f.body) as { groups?: { name: string; rules: Record<string, unknown>[] }[] })
        .flatMap((file) => file.groups ?? [])
        .flatMap((group) => group.rules);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        expect(rule, JSON.stringify(rule)).toMatchObject({ alert: expect.stringMatching(/^[A-Z][A-Za-z]+$/), expr: expect.any(String) });
        if ('for' in rule) expect(rule.for).toMatch(/^\d+[smhd]$/);
      }
    });

    it('names in inline code only exported metrics, or tables, columns, labels and queues that exist', () => {
      const sql = files(join(REPO_ROOT, 'services'), (name) => name.endsWith('.sql'))
        .flatMap((path) => [...readFileSync(path, 'utf8').matchAll(/"([a-z_][a-z0-9_]*)"/g)].map((m) => m[1]!));
      const known = new Set([
        ...scraped().exposition.samples,
        ...scraped().exposition.labels.keys(),
        ...(scraped().exposition.labels.get('queue') ?? []),
        ...sql,
        MIGRATIONS_TABLE,
        ...keysOf(composeFile),
        ...POSTGRES_SETTINGS,
        ...TRACE_LOG_FIELDS,
      ]);
      // A name ending in `_` is a prefix (`pedidos_`): some exported metric must start with it.
      const isKnown = (n: string) => (n.endsWith('_') ? [...scraped().exposition.samples].some((s) => s.startsWith(n)) : known.has(n));
      const names = snakeCaseNames(parts.inline);
      expect(names).toContain('outbox_backlog');
      expect(names.filter((n) => !isKnown(n)), 'neither a metric the services export nor a table, column, label, queue or compose key').toEqual([]);
    });

    it('documents every metric the services add to the runtime defaults', () => {
      const own = [...scraped().exposition.families.keys()].filter((name) => !name.startsWith('pedidos_'));
      expect(own).toContain('outbox_backlog');
      expect(own.filter((name) => !new RegExp(`\\b${name}\\b`).test(doc)), 'exported but not documented').toEqual([]);
    });
  });

  it('runs only npm scripts that exist', () => {
    const root = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const packages = workspacePackages();
    const mentions = npmScripts(doc);
    expect(mentions.map((m) => m.script)).toContain('dlq');
    const missing = mentions.filter(({ script, workspace }) => {
      const scripts = workspace ? packages.get(workspace)?.scripts : root.scripts;
      return scripts?.[script] === undefined;
    });
    expect(missing, 'scripts not in package.json').toEqual([]);
  });

  it('mentions only environment variables a configuration reads', () => {
    const specs: ConfigSpec[] = [identityConfigSpec, inventoryConfigSpec, ordersConfigSpec, webConfigSpec, launcherConfigSpec];
    // Besides the services' specs: what compose reads from .env, and the Kubernetes secrets file.
    const deployment = [
      ...dotenvNames(read('.env.example')),
      ...[...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
      ...(existsSync(join(K8S_DIR, 'secrets.env.example')) ? dotenvNames(read('deploy/k8s/secrets.env.example')) : []),
    ];
    // And the OpenTelemetry SDK's own variables, which it reads without a spec.
    const known = new Set([...specs.flatMap((spec) => Object.keys(spec)), ...deployment, ...OTEL_SDK_VARIABLES]);
    const mentioned = envVariables(doc);
    expect(mentioned).toContain('WEB_CONCURRENCY');
    expect(mentioned.filter((v) => !known.has(v)), 'variables no configuration reads').toEqual([]);
  });

  it('mentions only repository paths that exist (or are made from a committed .example)', () => {
    const topLevel = new Set(readdirSync(REPO_ROOT).filter((name) => name !== 'node_modules' && name !== '.git'));
    const paths = pathMentions(parts, 'docs', topLevel);
    expect(paths).toContain('deploy/Dockerfile');
    const missing = paths.filter((p) => !pathExists(REPO_ROOT, p) && !pathExists(REPO_ROOT, `${p}.example`));
    expect(missing, 'paths that do not exist').toEqual([]);
  });

  it('names as Deployments only the components docker-compose.yml runs', () => {
    const components = Object.entries(composeFile.services).filter(([, s]) => s.build !== undefined).map(([name]) => name);
    const named = deploymentNames(doc);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !components.includes(n)), 'not a component of docker-compose.yml').toEqual([]);
  });

  it('names the namespace, Deployments and clusters that deploy/k8s defines', () => {
    expect(existsSync(K8S_DIR), 'deploy/k8s exists').toBe(true);
    const objects = files(K8S_DIR, (name) => /\.ya?ml$/.test(name))
      .flatMap((path) => parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as unknown))
      .filter((o): o is { kind?: string; metadata?: { name?: string }; namespace?: string } => typeof o === 'object' && o !== null);
    const named = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata?.name ?? '');
    const namespaces = [...named('Namespace'), ...objects.map((o) => (o.kind === undefined ? o.namespace : undefined)).filter((n) => n !== undefined)];

    expect(deploymentNames(doc).filter((n) => !named('Deployment').includes(n)), 'Deployments deploy/k8s lacks').toEqual([]);
    const usedNamespaces = [...new Set([...doc.matchAll(/(?:^|\s)(?:-n|--namespace)[ =]([a-z0-9-]+)/g)].map((m) => m[1]!))];
    expect(usedNamespaces.length).toBeGreaterThan(0);
    expect(usedNamespaces.filter((n) => !namespaces.includes(n)), 'namespaces deploy/k8s does not set').toEqual([]);
    // The operators name what they create after their cluster: pedidos-db-rw, pedidos-rabbitmq-default-user...
    const clusters = [...named('Cluster'), ...named('RabbitmqCluster')];
    const clusterNames = [...new Set([...doc.matchAll(/(?<![\w-])pedidos-[a-z0-9][a-z0-9-]*/g)].map((m) => m[0]))];
    expect(clusterNames.filter((n) => !clusters.some((c) => n === c || n.startsWith(`${c}-`))), 'names of no Cluster or RabbitmqCluster').toEqual([]);
  });
});

describe('finding what a document mentions', () => {
  it('takes metric names from PromQL, not functions, labels, strings or durations', () => {
    const expr = 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{route="/api/x"}[5m]))) > 1 and on(service) up == 0';
    expect(promqlMetricNames(expr)).toEqual(['http_request_duration_seconds_bucket', 'up']);
    expect(promqlLabelNames(expr)).toEqual(['route', 'le', 'service']);
  });

  it('takes PromQL from rule files and promql blocks', () => {
    const text = '```yaml\ngroups:\n  - rules:\n      - alert: A\n        expr: made_up_total > 0\n```\n```promql\nrate(other_total[5m])\n```\n';
    expect(promqlExpressions(markdownParts(text)).flatMap(promqlMetricNames)).toEqual(['made_up_total', 'other_total']);
  });

  it('takes variables with an underscore or an assignment, not dotted error codes or option placeholders', () => {
    expect(envVariables('`ORDER.NOT_FOUND`, `ORDER_TIMEOUT_MS`, PORT=5000 npm start, ${RABBITMQ_URL}, replay q --id EVENT_ID').sort())
      .toEqual(['ORDER_TIMEOUT_MS', 'PORT', 'RABBITMQ_URL']);
  });

  it('takes npm scripts with their workspace, not the arguments after --', () => {
    expect(npmScripts('npm run dlq -- replay q -w x\nnpm run db:generate -w @pedidos/orders\n`npm start`')).toEqual([
      { script: 'dlq' }, { script: 'db:generate', workspace: '@pedidos/orders' }, { script: 'start' },
    ]);
  });

  it('takes paths from code and links, and matches <placeholders> against what exists', () => {
    const text = 'See `services/<name>/migrations`, [it](architecture.md), [web](https://x.test/a) and:\n```sh\ncp .env.example .env\n```\n';
    const paths = pathMentions(markdownParts(text), 'docs', new Set(['services', 'docs', '.env.example']));
    expect(paths).toEqual(['services/<name>/migrations', '.env.example', 'docs/architecture.md']);
    expect(pathExists(REPO_ROOT, 'services/<name>/migrations')).toBe(true);
    expect(pathExists(REPO_ROOT, 'services/<name>/no-such-folder')).toBe(false);
  });

  it('takes snake_case names from inline code, and Deployments from kubectl arguments', () => {
    expect(snakeCaseNames(['outbox_backlog', 'queue', 'up{job="x"}', 'made_up_total{queue="q"}', 'a b_c'])).toEqual(['outbox_backlog', 'made_up_total']);
    expect(deploymentNames('rollout restart deployment/orders; scale deployments/web')).toEqual(['orders', 'web']);
  });
});
