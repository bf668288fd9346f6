// Static checks of the observability profile (`docker compose --profile observability up`): nothing
// is started. docker-compose validates the profile; the collector, Prometheus and Grafana files of
// deploy/observability are checked against the compose file, the services' real /metrics output and
// the alert rules of docs/operations.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { ConfigSpec } from '@pedidos/platform/config';
import { identityConfigSpec } from '../../services/identity/src/config';
import { inventoryConfigSpec } from '../../services/inventory/src/config';
import { ordersConfigSpec } from '../../services/orders/src/config';
import { paymentsConfigSpec } from '../../services/payments/src/config';
import { REPO_ROOT, dockerCompose, resolvedCompose, type ComposeService } from './compose-config';
import { markdownParts, promqlLabelNames, promqlMetricNames } from './doc-mentions';
import { useServiceMetrics } from './service-metrics';

const PROFILE = 'observability';
const DIR = 'deploy/observability';
const OBSERVABILITY = ['grafana', 'jaeger', 'otel-collector', 'prometheus'];
/** The services Prometheus scrapes, by compose service name, with the port each listens on by default. */
const SERVICES: Record<string, ConfigSpec> = {
  identity: identityConfigSpec, inventory: inventoryConfigSpec, orders: ordersConfigSpec, payments: paymentsConfigSpec,
};
/** Series Prometheus adds to every scrape target itself, and the labels it attaches to them. */
const PROMETHEUS_OWN = { metrics: new Set(['up']), labels: new Set(['job', 'instance']) };

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');
const yamlOf = <T>(path: string) => parseYaml(read(path)) as T;
const defaultPort = (spec: ConfigSpec) => spec.PORT?.fallback?.value as number;

const withProfile = resolvedCompose('', undefined, [PROFILE]);
const service = (name: string): ComposeService => {
  const found = withProfile.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name} in the ${PROFILE} profile`);
  return found;
};
const environment = (s: ComposeService) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v ?? ''])) as Record<string, string>;
/** Where a bind mount of `name` puts `path` (relative to the repository) in its container. */
const mountTarget = (name: string, path: string) =>
  service(name).volumes?.find((v) => v.type === 'bind' && relative(REPO_ROOT, v.source) === path)?.target;
/** The host and port of a `host:port` address or a URL. */
const hostPort = (address: string) => {
  const [, host = '', port = ''] = /^(?:[a-z]+:\/\/)?([^:/]+):(\d+)/.exec(address) ?? [];
  return { host, port: Number(port) };
};

interface Panel { type: string; title: string; datasource?: { type: string; uid: string }; targets?: Target[]; panels?: Panel[] }
interface Target { refId: string; datasource?: { type: string; uid: string }; expr?: string }
/** Every panel of a dashboard, those inside rows included. */
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);

interface RuleFile { groups: { name: string; rules: { alert: string; expr: string }[] }[] }
/** The rules files of docs/operations.md: its ```yaml blocks with `groups`. */
const documentedRules = () => markdownParts(read('docs/operations.md')).fences
  .filter((f) => f.lang === 'yaml' || f.lang === 'yml')
  .map((f) => parseYaml(f.body) as Partial<RuleFile> | null)
  .filter((file): file is RuleFile => Array.isArray(file?.groups));

const dashboards = readdirSync(join(REPO_ROOT, DIR, 'grafana/dashboards')).filter((n) => n.endsWith('.json'))
  .map((name) => ({ name, dashboard: JSON.parse(read(`${DIR}/grafana/dashboards/${name}`)) as { uid: string; title: string; panels: Panel[] } }));
const datasources = yamlOf<{ datasources: { name: string; uid: string; type: string; url: string }[] }>(`${DIR}/grafana/provisioning/datasources/datasources.yml`).datasources;
const rules = yamlOf<RuleFile>(`${DIR}/alert-rules.yml`);
const prometheus = yamlOf<{
  rule_files?: string[];
  scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
}>(`${DIR}/prometheus.yml`);

describe('the observability profile of docker-compose.yml', () => {
  it('is valid, and adds its services only when asked for', () => {
    const run = dockerCompose(['--profile', PROFILE, 'config', '-q'], '');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const without = Object.keys(resolvedCompose('').services);
    expect(without.filter((n) => OBSERVABILITY.includes(n))).toEqual([]);
    expect(Object.keys(withProfile.services).sort()).toEqual([...without, ...OBSERVABILITY].sort());
    for (const name of OBSERVABILITY) expect(service(name).profiles, name).toEqual([PROFILE]);
  });

  it('pulls pinned image versions', () => {
    for (const name of OBSERVABILITY) expect(service(name).image, name).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
  });

  it("publishes its consoles on the host's loopback only, on ports no other service takes", () => {
    const published = (name: string) => (service(name).ports ?? []).map((p) => ({ published: p.published, target: p.target, host_ip: p.host_ip }));
    expect(published('grafana')).toEqual([{ published: 3001, target: 3000, host_ip: '127.0.0.1' }]);
    expect(published('jaeger')).toEqual([{ published: 16686, target: 16686, host_ip: '127.0.0.1' }]);
    expect(published('prometheus')).toEqual([{ published: 9090, target: 9090, host_ip: '127.0.0.1' }]);
    expect(published('otel-collector')).toEqual([{ published: 4318, target: 4318, host_ip: '127.0.0.1' }]);
    const all = Object.values(withProfile.services).flatMap((s) => (s.ports ?? []).map((p) => p.published));
    expect(all.length).toBe(new Set(all).size);
  });

  it('mounts its configuration from deploy/observability, every file of which some container reads', () => {
    const mounted = OBSERVABILITY.flatMap((name) => (service(name).volumes ?? []).filter((v) => v.type === 'bind').map((v) => relative(REPO_ROOT, v.source)));
    for (const path of mounted) {
      expect(path.startsWith(`${DIR}/`), path).toBe(true);
      expect(existsSync(join(REPO_ROOT, path)), `${path} exists`).toBe(true);
    }
    const files = (dir: string): string[] => readdirSync(join(REPO_ROOT, dir), { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? files(`${dir}/${e.name}`) : [`${dir}/${e.name}`]));
    const unread = files(DIR).filter((f) => !mounted.some((m) => f === m || f.startsWith(`${m}/`)));
    expect(unread, 'files no container mounts').toEqual([]);
  });

  it('leaves tracing off unless .env sets OTEL_EXPORTER_OTLP_ENDPOINT, which then reaches the collector', () => {
    for (const name of Object.keys(SERVICES)) expect(environment(service(name)).OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('');
    const traced = resolvedCompose('OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318\n', undefined, [PROFILE]);
    const endpoints = Object.keys(SERVICES).map((name) => environment(traced.services[name]!).OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(new Set(endpoints)).toEqual(new Set(['http://otel-collector:4318']));
    // The OTLP/HTTP receiver of the collector listens on that port.
    const collector = yamlOf<{ receivers: { otlp: { protocols: { http: { endpoint: string } } } } }>(`${DIR}/otel-collector.yaml`);
    expect(hostPort(collector.receivers.otlp.protocols.http.endpoint).port).toBe(4318);
  });
});

describe('the OpenTelemetry Collector', () => {
  const config = yamlOf<{
    receivers: Record<string, unknown>; processors?: Record<string, unknown>; exporters: Record<string, { endpoint?: string }>;
    service: { pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
  }>(`${DIR}/otel-collector.yaml`);

  it('reads the file compose mounts, as its command says', () => {
    const target = mountTarget('otel-collector', `${DIR}/otel-collector.yaml`);
    expect(target).toBeDefined();
    expect(service('otel-collector').command).toEqual([`--config=${target}`]);
  });

  it('has a traces pipeline from OTLP to the OTLP port of Jaeger, made of components it defines', () => {
    const { traces } = config.service.pipelines;
    expect(traces?.receivers).toContain('otlp');
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      for (const r of pipeline.receivers) expect(Object.keys(config.receivers), `${name} receiver ${r}`).toContain(r);
      for (const p of pipeline.processors ?? []) expect(Object.keys(config.processors ?? {}), `${name} processor ${p}`).toContain(p);
      for (const e of pipeline.exporters) expect(Object.keys(config.exporters), `${name} exporter ${e}`).toContain(e);
    }
    const endpoints = (traces?.exporters ?? []).map((e) => hostPort(config.exporters[e]?.endpoint ?? ''));
    // Jaeger all-in-one receives OTLP over gRPC on 4317 when COLLECTOR_OTLP_ENABLED is true.
    expect(endpoints).toEqual([{ host: 'jaeger', port: 4317 }]);
    expect(environment(service('jaeger')).COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(service('otel-collector').depends_on?.jaeger).toBeDefined();
  });
});

describe('prometheus.yml', () => {
  const pedidos = prometheus.scrape_configs.find((c) => c.job_name === 'pedidos');

  it('is the file Prometheus reads, and loads the rules file compose mounts beside it', () => {
    expect(mountTarget('prometheus', `${DIR}/prometheus.yml`)).toBe('/etc/prometheus/prometheus.yml');
    expect(prometheus.rule_files).toEqual([mountTarget('prometheus', `${DIR}/alert-rules.yml`)]);
  });

  it("scrapes every service's /metrics on the port it listens on, under the job the alert rules name", () => {
    const jobs = documentedRules().flatMap((f) => f.groups).flatMap((g) => g.rules)
      .flatMap((r) => [...r.expr.matchAll(/\bjob="([^"]+)"/g)].map((m) => m[1]!));
    expect(jobs.length).toBeGreaterThan(0);
    expect(new Set(jobs)).toEqual(new Set([pedidos?.job_name]));
    expect(pedidos?.metrics_path ?? '/metrics').toBe('/metrics');
    const targets = prometheus.scrape_configs.flatMap((c) => c.static_configs.flatMap((s) => s.targets)).map(hostPort);
    expect(targets.toSorted((a, b) => a.host.localeCompare(b.host)))
      .toEqual(Object.entries(SERVICES).map(([host, spec]) => ({ host, port: defaultPort(spec) })).sort((a, b) => a.host.localeCompare(b.host)));
    for (const { host, port } of targets) {
      expect(environment(service(host)).PORT, `${host} listens on ${port}`).toBe(String(port));
    }
  });
});

describe('alert-rules.yml', () => {
  it('holds the rules of docs/operations.md, rule for rule', () => {
    const documented = documentedRules();
    expect(documented).toHaveLength(1);
    expect(rules).toEqual(documented[0]);
  });
});

describe('Grafana', () => {
  it('provisions Prometheus and Jaeger at their compose addresses, each under a fixed uid', () => {
    expect(mountTarget('grafana', `${DIR}/grafana/provisioning/datasources`)).toBe('/etc/grafana/provisioning/datasources');
    expect(datasources.map((d) => [d.type, d.uid, d.url]).sort()).toEqual([
      ['jaeger', 'jaeger', 'http://jaeger:16686'],
      ['prometheus', 'prometheus', 'http://prometheus:9090'],
    ]);
    for (const d of datasources) {
      const { host, port } = hostPort(d.url);
      expect(service(host).ports?.map((p) => p.target), `${d.name} answers on ${port}`).toContain(port);
      expect(service('grafana').depends_on?.[host], `grafana starts after ${host}`).toBeDefined();
    }
  });

  it('loads the dashboards from the folder compose mounts where its provider looks', () => {
    expect(mountTarget('grafana', `${DIR}/grafana/provisioning/dashboards`)).toBe('/etc/grafana/provisioning/dashboards');
    const providers = yamlOf<{ providers: { type: string; options: { path: string } }[] }>(`${DIR}/grafana/provisioning/dashboards/dashboards.yml`).providers;
    expect(providers.map((p) => [p.type, p.options.path])).toEqual([['file', mountTarget('grafana', `${DIR}/grafana/dashboards`)]]);
    expect(dashboards.map((d) => d.name)).toEqual(['pedidos.json']);
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length);
  });

  it.each(dashboards)('$name: every panel and query names a provisioned datasource of its type', ({ dashboard }) => {
    const panels = allPanels(dashboard.panels);
    expect(panels.length).toBeGreaterThan(0);
    const provisioned = new Map(datasources.map((d) => [d.uid, d.type]));
    for (const panel of panels) {
      if (panel.type === 'row') continue;
      expect(provisioned.get(panel.datasource?.uid ?? ''), `${panel.title}: datasource`).toBe(panel.datasource?.type);
      expect(panel.targets?.length, `${panel.title}: queries`).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource ?? panel.datasource, `${panel.title} ${target.refId}`).toEqual(panel.datasource);
        if (panel.datasource?.type === 'prometheus') expect(target.expr, `${panel.title} ${target.refId}: PromQL`).toMatch(/\S/);
      }
    }
    expect(new Set(panels.map((p) => p.datasource?.type))).toEqual(new Set(['prometheus', 'jaeger']));
  });
});

describe('the PromQL of the dashboards and the alert rules', () => {
  const scraped = useServiceMetrics();

  const dashboardExpressions = () => dashboards.flatMap(({ dashboard }) => allPanels(dashboard.panels))
    .filter((p) => p.datasource?.type === 'prometheus')
    .flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  const ruleExpressions = () => rules.groups.flatMap((g) => g.rules).map((r) => r.expr);

  it.each([['the dashboards', dashboardExpressions], ['the alert rules', ruleExpressions]] as const)(
    '%s select only metrics and labels the services export',
    (_, expressions) => {
      const exprs = expressions();
      expect(exprs.length).toBeGreaterThan(0);
      const metrics = exprs.flatMap(promqlMetricNames);
      const labels = exprs.flatMap(promqlLabelNames);
      expect(metrics.filter((m) => !scraped().exposition.samples.has(m) && !PROMETHEUS_OWN.metrics.has(m)), 'metrics no service exports').toEqual([]);
      expect(labels.filter((l) => !scraped().exposition.labels.has(l) && !PROMETHEUS_OWN.labels.has(l)), 'labels no series has').toEqual([]);
    },
  );

  it('the dashboards show orders placed and decided, their accept and created → confirmed latencies, the outbox, the queues, their depth and dead letters and the batch sizes', () => {
    const exprs = dashboardExpressions();
    const metrics = new Set(exprs.flatMap(promqlMetricNames));
    for (const name of [
      'outbox_backlog', 'outbox_oldest_age_seconds', 'messages_processed_total', 'dead_letter_queue_messages', 'queue_messages',
      'messages_dead_lettered_total', 'payment_answers_per_transaction_bucket', 'consumer_batch_size_sum', 'consumer_batch_size_count',
      'order_decision_seconds_count',
    ]) expect(metrics, name).toContain(name);
    const confirmation = exprs.filter((e) => e.includes('order_decision_seconds_bucket') && /status="confirmed"/.test(e));
    expect(confirmation.some((e) => e.includes('histogram_quantile(0.99'))).toBe(true);
    expect(exprs.some((e) => e.includes('order_decision_seconds_count') && promqlLabelNames(e).includes('status'))).toBe(true);
    const placeOrder = exprs.filter((e) => /route="\/api\/orders"/.test(e) && /method="POST"/.test(e));
    expect(placeOrder.some((e) => e.includes('http_request_duration_seconds_bucket') && e.includes('histogram_quantile'))).toBe(true);
    expect(placeOrder.some((e) => e.includes('http_request_duration_seconds_count') && promqlLabelNames(e).includes('status_code'))).toBe(true);
    // The route label holds the pattern the orders service registers.
    expect(scraped().ordersPlacedAt).toBe(true);
  });
});
