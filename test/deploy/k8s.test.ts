// Static checks of deploy/k8s against the code: there is no cluster (nor kubectl) here, so the
// kustomization is built by test/deploy/kustomize.ts, every object is validated against its
// Kubernetes or CloudNativePG schema, and each container's environment is resolved as the kubelet
// would and loaded with the service's own config spec.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { Cluster, Database } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { checkDevelopmentSecrets, loadConfig, type ConfigSpec } from '@pedidos/platform/config';
import { identityConfigSpec, loadIdentityConfig } from '../../services/identity/src/config';
import { inventoryConfigSpec } from '../../services/inventory/src/config';
import { ordersConfigSpec } from '../../services/orders/src/config';
import { paymentsConfigSpec } from '../../services/payments/src/config';
import { webConfigSpec } from '../../launcher/src/web-server';
import { compiledPath, ENTRIES } from '../../scripts/compile';
import { REPO_ROOT, resolvedCompose } from './compose-config';
import { build, containersOf, imageName, parseEnvFile, readYamlDocuments, type Manifest } from './kustomize';

const K8S_DIR = join(REPO_ROOT, 'deploy/k8s');
const NAMESPACE = 'pedidos';
const SERVICE_IMAGE = 'pedidos';
const WEB_IMAGE = 'pedidos-web';

interface Component {
  spec: ConfigSpec;
  /** Beyond the spec: a rule across variables, as the entry file applies it. */
  load?: (env: Record<string, string>) => unknown;
  image: string;
  /** The Node services' entry file, whose compiled JavaScript the image runs; the web image runs nginx and takes no arguments. */
  entry?: string;
}

const COMPONENTS: Record<string, Component> = {
  identity: { spec: identityConfigSpec, load: loadIdentityConfig, image: SERVICE_IMAGE, entry: 'services/identity/src/main.ts' },
  inventory: { spec: inventoryConfigSpec, image: SERVICE_IMAGE, entry: 'services/inventory/src/main.ts' },
  orders: { spec: ordersConfigSpec, image: SERVICE_IMAGE, entry: 'services/orders/src/main.ts' },
  payments: { spec: paymentsConfigSpec, image: SERVICE_IMAGE, entry: 'services/payments/src/main.ts' },
  web: { spec: webConfigSpec, image: WEB_IMAGE },
};
const NODE_SERVICES = ['identity', 'inventory', 'orders', 'payments'];
/** URLs that leave the cluster, by component: over HTTPS, to a third party no Service stands for. */
const EXTERNAL_URLS: Record<string, string[]> = { payments: ['PAYMENT_PROVIDER_URL'] };
const AUTOSCALED = ['inventory', 'orders'];

/** Each kind the deployment may hold, with the model that validates it; a StatefulSet of our own is not among them. */
const MODELS: Record<string, { apiVersion: string; validate: (object: Manifest) => void }> = {
  Namespace: model(Namespace),
  ConfigMap: model(ConfigMap),
  Secret: model(Secret),
  Deployment: model(Deployment),
  Service: model(Service),
  HorizontalPodAutoscaler: model(HorizontalPodAutoscaler),
  PodDisruptionBudget: model(PodDisruptionBudget),
  Ingress: model(Ingress),
  NetworkPolicy: model(NetworkPolicy),
  Cluster: model(Cluster),
  Database: model(Database),
  RabbitmqCluster: { apiVersion: 'rabbitmq.com/v1beta1', validate: validateRabbitmqCluster },
};

function model(Model: { apiVersion: string; new (data: never): { validate(): void } }) {
  return { apiVersion: Model.apiVersion, validate: (object: Manifest) => new Model(object as never).validate() };
}

// No model exists for RabbitmqCluster: its spec fields (rabbitmq.com/v1beta1) and the types we use, by hand.
const RABBITMQ_SPEC_FIELDS = new Set([
  'replicas', 'image', 'imagePullSecrets', 'service', 'persistence', 'resources', 'affinity', 'tolerations', 'rabbitmq',
  'tls', 'override', 'skipPostDeploySteps', 'terminationGracePeriodSeconds', 'delayStartSeconds', 'secretBackend',
  'autoEnableAllFeatureFlags',
]);
const RABBITMQ_CONFIG_FIELDS = new Set(['additionalPlugins', 'additionalConfig', 'advancedConfig', 'envConfig', 'erlangInetConfig']);

function validateRabbitmqCluster(object: Manifest): void {
  const spec = object.spec as Record<string, unknown>;
  const unknown = [
    ...Object.keys(spec).filter((k) => !RABBITMQ_SPEC_FIELDS.has(k)),
    ...Object.keys((spec.rabbitmq ?? {}) as object).filter((k) => !RABBITMQ_CONFIG_FIELDS.has(k)).map((k) => `rabbitmq.${k}`),
  ];
  if (unknown.length > 0) throw new Error(`RabbitmqCluster ${object.metadata.name}: unknown spec fields ${unknown.join(', ')}`);
  if (!Number.isInteger(spec.replicas)) throw new Error('RabbitmqCluster spec.replicas must be an integer');
  const persistence = spec.persistence as { storage?: unknown } | undefined;
  if (persistence && typeof persistence.storage !== 'string') throw new Error('RabbitmqCluster spec.persistence.storage must be a quantity string');
  const config = spec.rabbitmq as Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(config ?? {})) {
    if (k === 'additionalPlugins' ? !Array.isArray(v) : typeof v !== 'string') throw new Error(`RabbitmqCluster spec.rabbitmq.${k} has the wrong type`);
  }
}

// The secrets.env a user makes from the committed example.
const secretsExample = readFileSync(join(K8S_DIR, 'secrets.env.example'), 'utf8');
const { kustomization, objects, sources } = build(K8S_DIR, { 'secrets.env': secretsExample });

const all = (kind: string) => objects.filter((o) => o.kind === kind);
const one = (kind: string, name: string): Manifest => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`deploy/k8s has no ${kind} ${name}`);
  return found;
};

interface PodSpec {
  containers: ContainerSpec[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: object }[];
}
interface ContainerSpec {
  name: string;
  image: string;
  args?: string[];
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string }; prefix?: string }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: KeyRef; secretKeyRef?: KeyRef };
}
interface KeyRef {
  name: string;
  key: string;
}
interface Probe {
  httpGet?: { path: string; port: number | string };
}
type Selector = { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };

const podSpec = (deployment: Manifest) => (deployment.spec as { template: { spec: PodSpec } }).template.spec;
const podLabels = (deployment: Manifest) => (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
const theContainer = (name: string): ContainerSpec => {
  const containers = podSpec(one('Deployment', name)).containers;
  if (containers.length !== 1) throw new Error(`the ${name} Deployment must run exactly one container`);
  return containers[0]!;
};

function selects(selector: Selector | Record<string, string>, labels: Record<string, string>): boolean {
  const s = selector as Selector;
  if (s.matchExpressions) throw new Error('matchExpressions are not checked here; use matchLabels');
  const match = (s.matchLabels ?? (selector as Record<string, string>));
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
}

const secretData = (name: string): Record<string, string> | undefined => {
  const secret = objects.find((o) => o.kind === 'Secret' && o.metadata.name === name);
  if (secret) return Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));
  return operatorSecrets[name];
};
const configMapData = (name: string) => one('ConfigMap', name).data as Record<string, string>;

const rabbitmq = one('RabbitmqCluster', 'pedidos-rabbitmq');
const postgres = one('Cluster', 'pedidos-db');

/**
 * What the RabbitMQ Cluster Operator writes into `<cluster>-default-user`
 * (cluster-operator internal/resource/default_user_secret.go): a generated user and a password of
 * 24 random bytes in URL-safe base64, plus the binding keys.
 */
const operatorSecrets: Record<string, Record<string, string>> = {
  [`${rabbitmq.metadata.name}-default-user`]: {
    username: `default_user_${randomBytes(24).toString('base64url').slice(13)}`,
    password: randomBytes(24).toString('base64url'),
    host: `${rabbitmq.metadata.name}.${NAMESPACE}.svc`,
    port: '5672',
    provider: 'rabbitmq',
    type: 'rabbitmq',
  },
};

/**
 * A container's environment as the kubelet builds it: envFrom first, then env in order, each
 * `$(NAME)` expanded from what is already defined. Also returns the names other values refer to.
 */
function resolveEnv(container: ContainerSpec): { env: Record<string, string>; referenced: Set<string> } {
  const env: Record<string, string> = {};
  const referenced = new Set<string>();
  for (const source of container.envFrom ?? []) {
    if (source.prefix) throw new Error('envFrom prefixes are not checked here');
    if (source.configMapRef) Object.assign(env, configMapData(source.configMapRef.name));
    if (source.secretRef) Object.assign(env, secretData(source.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
    if (ref) {
      const data = variable.valueFrom?.configMapKeyRef ? configMapData(ref.name) : secretData(ref.name);
      const value = data?.[ref.key];
      if (value === undefined) throw new Error(`${container.name}: ${variable.name} refers to ${ref.name}/${ref.key}, which does not exist`);
      env[variable.name] = value;
    } else {
      env[variable.name] = (variable.value ?? '').replace(/\$\$|\$\((\w+)\)/g, (match, name: string | undefined) => {
        if (name === undefined) return '$';
        if (!(name in env)) throw new Error(`${container.name}: ${variable.name} refers to $(${name}) before it is defined`);
        referenced.add(name);
        return env[name]!;
      });
    }
  }
  return { env, referenced };
}

/** A probe's or Service's port, by number or by the container port's name. */
function containerPort(container: ContainerSpec, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The fewest pods a Deployment runs: its autoscaler's floor, else its replicas. */
function minReplicas(deployment: Manifest): number {
  const hpa = all('HorizontalPodAutoscaler').find((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name === deployment.metadata.name);
  return (hpa?.spec as { minReplicas?: number } | undefined)?.minReplicas ?? (deployment.spec as { replicas?: number }).replicas ?? 1;
}

describe('deploy/k8s kustomization', () => {
  it('lists every manifest in the folder, each of which exists', () => {
    const listed = new Set([...(kustomization.resources ?? []), ...(kustomization.configurations ?? [])]);
    const onDisk = readdirSync(K8S_DIR).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
    expect([...listed].sort()).toEqual(onDisk.sort());
  });

  it('puts everything in the pedidos namespace, which it creates', () => {
    expect(kustomization.namespace).toBe(NAMESPACE);
    expect(all('Namespace').map((n) => n.metadata.name)).toEqual([NAMESPACE]);
    expect(objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== NAMESPACE)).toEqual([]);
  });

  it('holds only known kinds, each valid against its schema', () => {
    for (const object of objects) {
      const entry = MODELS[object.kind];
      expect(entry, `${object.kind} ${object.metadata.name} is an allowed kind`).toBeDefined();
      expect(object.apiVersion, `${object.kind} ${object.metadata.name}`).toBe(entry!.apiVersion);
      expect(() => entry!.validate(object), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('has a Deployment and a Service for each component, and nothing else that runs pods', () => {
    expect(all('Deployment').map((d) => d.metadata.name).sort()).toEqual(Object.keys(COMPONENTS).sort());
    expect(all('Service').map((d) => d.metadata.name).sort()).toEqual(Object.keys(COMPONENTS).sort());
  });

  it('names the two images without a tag, which kustomize `images` sets in one place', () => {
    expect(kustomization.images?.map((i) => i.name).sort()).toEqual([SERVICE_IMAGE, WEB_IMAGE]);
    for (const image of kustomization.images ?? []) expect(image.newTag, `${image.name} has a tag`).toMatch(/\S/);
    for (const [file, manifests] of sources) {
      for (const container of manifests.flatMap(containersOf)) {
        expect([SERVICE_IMAGE, WEB_IMAGE], `${file}: ${container.name}`).toContain(container.image);
      }
    }
    for (const container of all('Deployment').flatMap(containersOf)) {
      const image = kustomization.images!.find((i) => imageName(container.image) === (i.newName ?? i.name))!;
      expect(container.image).toBe(`${image.newName ?? image.name}:${image.newTag}`);
    }
  });

  it('keeps secrets.env out of git and asks for exactly the keys the manifests read from it', () => {
    const ignored = spawnSync('git', ['check-ignore', '-q', 'deploy/k8s/secrets.env'], { cwd: REPO_ROOT });
    expect(ignored.status, 'deploy/k8s/secrets.env is git-ignored').toBe(0);
    const generator = kustomization.secretGenerator?.find((g) => g.envs?.includes('secrets.env'));
    expect(generator).toBeDefined();
    const read = new Set([
      ...all('Deployment').flatMap((d) => podSpec(d).containers).flatMap((c) => c.env ?? [])
        .flatMap((v) => (v.valueFrom?.secretKeyRef?.name === generator!.name ? [v.valueFrom.secretKeyRef.key] : [])),
      ...(kustomization.replacements ?? []).filter((r) => r.source.name === generator!.name).map((r) => r.source.fieldPath.replace(/^data\./, '')),
    ]);
    expect(Object.keys(parseEnvFile(secretsExample)).sort()).toEqual([...read].sort());
  });
});

describe.each(Object.entries(COMPONENTS))('%s', (name, component) => {
  const deployment = one('Deployment', name);
  const pod = podSpec(deployment);
  const container = theContainer(name);
  const { env, referenced } = resolveEnv(container);
  const port = component.spec.PORT?.fallback?.value as number;

  it('runs its image, with the compiled entry file compose runs', () => {
    const image = kustomization.images!.find((i) => i.name === component.image)!;
    expect(container.image).toBe(`${image.newName ?? image.name}:${image.newTag}`);
    expect(container.command, 'the image entrypoint is kept').toBeUndefined();
    if (!component.entry) {
      expect(container.args).toBeUndefined();
      return;
    }
    expect(existsSync(join(REPO_ROOT, component.entry)), `${component.entry} exists`).toBe(true);
    expect(ENTRIES, 'npm run build compiles it').toContain(component.entry);
    expect(container.args).toEqual([compiledPath(component.entry)]);
    const compose = parseYaml(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { command?: string[] }> };
    expect(compose.services[name]?.command).toEqual(container.args);
  });

  it('listens on the port of its config, which its Service exposes', () => {
    expect(container.ports?.map((p) => p.containerPort)).toEqual([port]);
    expect(env.PORT).toBe(String(port));
    const service = one('Service', name);
    const spec = service.spec as { selector: Record<string, string>; ports: { port: number; targetPort?: number | string }[] };
    expect(selects(spec.selector, podLabels(deployment)), 'the Service selects the pods').toBe(true);
    expect(spec.ports.map((p) => [p.port, containerPort(container, p.targetPort ?? p.port)])).toEqual([[port, port]]);
    expect(selects((deployment.spec as { selector: Selector }).selector, podLabels(deployment)), 'the Deployment selects its pods').toBe(true);
  });

  it('is probed on /health/ready and /health/live on its port', () => {
    expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
      if (probe) expect(containerPort(container, probe.httpGet?.port)).toBe(port);
    }
    if (container.startupProbe) expect(container.startupProbe.httpGet?.path).toMatch(/^\/health\/(live|ready)$/);
  });

  it('requests and limits CPU and memory', () => {
    for (const bound of ['requests', 'limits'] as const) {
      expect(container.resources?.[bound]?.cpu, `${bound}.cpu`).toBeDefined();
      expect(container.resources?.[bound]?.memory, `${bound}.memory`).toBeDefined();
    }
  });

  it('sets only variables its config reads (or that others interpolate), each with a value it accepts', () => {
    const unknown = Object.keys(env).filter((k) => !(k in component.spec) && !referenced.has(k));
    expect(unknown, `variables ${name} does not read`).toEqual([]);
    expect(() => loadConfig(env, component.spec)).not.toThrow();
    if (component.load) expect(() => component.load!(env)).not.toThrow();
  });

  it('calls the other components by their Service name and port', () => {
    for (const [variable, value] of Object.entries(env)) {
      if (!/^https?:\/\//.test(value)) continue;
      const url = new URL(value);
      if (EXTERNAL_URLS[name]?.includes(variable)) {
        expect(url.protocol, `${variable} leaves the cluster over HTTPS`).toBe('https:');
        expect(objects.some((o) => o.kind === 'Service' && o.metadata.name === url.hostname), `${variable} names no Service`).toBe(false);
        continue;
      }
      const target = one('Service', url.hostname);
      expect((target.spec as { ports: { port: number }[] }).ports.map((p) => String(p.port)), variable).toContain(url.port);
    }
  });

  it('runs as non-root on a read-only root filesystem, without privileges', () => {
    expect(pod.securityContext?.runAsNonRoot ?? container.securityContext?.runAsNonRoot).toBe(true);
    // A named image user cannot be checked by the kubelet: the number makes runAsNonRoot enforceable.
    expect(pod.securityContext?.runAsUser ?? container.securityContext?.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext?.capabilities?.drop).toContain('ALL');
  });

  it('has an emptyDir wherever its process writes', () => {
    // The services write nothing, but keep a writable temp dir for Node and libraries; the nginx
    // image renders its configuration into conf.d and keeps its pid and temp files in /tmp.
    const writable = component.entry ? ['/tmp'] : ['/tmp', '/etc/nginx/conf.d'];
    const emptyDirs = new Set((pod.volumes ?? []).filter((v) => v.emptyDir).map((v) => v.name));
    for (const path of writable) {
      const mount = container.volumeMounts?.find((m) => m.mountPath === path);
      expect(mount && emptyDirs.has(mount.name), `${path} is an emptyDir`).toBe(true);
    }
  });

  it('gives a stopping pod time to drain before it is killed', () => {
    const pause = Number(container.lifecycle?.preStop?.exec?.command.join(' ').match(/^sleep (\d+)$/)?.[1] ?? 0);
    const shutdownMs = component.entry ? (loadConfig(env, component.spec) as { SHUTDOWN_TIMEOUT_MS: number }).SHUTDOWN_TIMEOUT_MS : 0;
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(pause * 1000 + shutdownMs);
  });

  it('has a disruption budget when it runs more than one pod', () => {
    if (minReplicas(deployment) <= 1) return;
    const budgets = all('PodDisruptionBudget').filter((p) => selects((p.spec as { selector: Selector }).selector, podLabels(deployment)));
    expect(budgets, `a PodDisruptionBudget selects the ${name} pods`).toHaveLength(1);
  });

  if (NODE_SERVICES.includes(name)) {
    it('runs one process per pod, in production, on the CloudNativePG primary and the RabbitMQ cluster', () => {
      expect(env.NODE_ENV).toBe('production');
      expect(env.WEB_CONCURRENCY).toBe('1');
      const database = new URL(env.DATABASE_URL ?? '');
      expect(database.hostname).toBe(`${postgres.metadata.name}-rw`);
      const owned = all('Database').find((d) => `/${(d.spec as { name: string }).name}` === database.pathname);
      expect(owned, `a Database ${database.pathname} exists`).toBeDefined();
      expect((owned!.spec as { owner: string }).owner).toBe(database.username);
      const role = (postgres.spec as { managed: { roles: { name: string; passwordSecret: { name: string } }[] } }).managed.roles
        .find((r) => r.name === database.username);
      expect(role, `the ${database.username} role is managed`).toBeDefined();
      expect(decodeURIComponent(database.password)).toBe(secretData(role!.passwordSecret.name)?.password);
      const broker = new URL(env.RABBITMQ_URL ?? '');
      expect(broker.hostname).toBe(rabbitmq.metadata.name);
      const credentials = operatorSecrets[`${rabbitmq.metadata.name}-default-user`]!;
      expect([decodeURIComponent(broker.username), decodeURIComponent(broker.password)]).toEqual([credentials.username, credentials.password]);
    });

    it('starts in production on the secrets of secrets.env, none of them a published development default', () => {
      expect(() => checkDevelopmentSecrets(loadConfig(env, component.spec))).not.toThrow();
    });
  }

  if (name === 'web') {
    it('fills every variable of the nginx template, and only those', () => {
      const template = readFileSync(join(REPO_ROOT, 'deploy/nginx/default.conf.template'), 'utf8');
      const placeholders = new Set([...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));
      expect(Object.keys(env).sort()).toEqual([...placeholders].sort());
    });

    it('is what the Ingress routes to', () => {
      const ingresses = all('Ingress');
      expect(ingresses).toHaveLength(1);
      const service = one('Service', name).spec as { ports: { name?: string; port: number }[] };
      const backends = (ingresses[0]!.spec as { rules: { http: { paths: { path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }[] } }[] })
        .rules.flatMap((r) => r.http.paths);
      expect(backends.map((b) => b.path)).toContain('/');
      for (const { backend } of backends) {
        expect(backend.service.name).toBe(name);
        const port = service.ports.find((p) => p.port === backend.service.port.number || (p.name !== undefined && p.name === backend.service.port.name));
        expect(port, 'the Ingress names a port of the web Service').toBeDefined();
      }
    });
  }
});

interface PolicyPeer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: unknown;
}
interface PolicyRule {
  from?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}

/** Which components call which, from the URLs in their environment: `{ identity: ['inventory', 'orders', 'web'], ... }`. */
function callersByService(): Record<string, string[]> {
  const callers: Record<string, Set<string>> = Object.fromEntries(NODE_SERVICES.map((s) => [s, new Set<string>()]));
  for (const caller of Object.keys(COMPONENTS)) {
    for (const value of Object.values(resolveEnv(theContainer(caller)).env)) {
      if (!/^https?:\/\//.test(value)) continue;
      const callee = new URL(value).hostname;
      if (callee !== caller && callers[callee]) callers[callee].add(caller);
    }
  }
  return Object.fromEntries(Object.entries(callers).map(([s, set]) => [s, [...set].sort()]));
}

describe('who reaches the services, and whose X-Forwarded-For they believe', () => {
  const trust = configMapData('pedidos-config').TRUST_PROXY ?? '';

  it('believes the pod network by CIDR, not every peer nor every private address', () => {
    const parsed = loadConfig({ TRUST_PROXY: trust }, { TRUST_PROXY: identityConfigSpec.TRUST_PROXY }).TRUST_PROXY;
    expect(Array.isArray(parsed), `TRUST_PROXY=${trust} names networks`).toBe(true);
    for (const entry of parsed as string[]) expect(entry, 'a CIDR').toMatch(/^[\d.]+\/\d{1,2}$|^[\da-f:]+\/\d{1,3}$/i);
  });

  it.each(NODE_SERVICES)("lets only the web pods, the services that call it and the metrics scraper's namespace reach %s's port", (name) => {
    const labels = podLabels(one('Deployment', name));
    const container = theContainer(name);
    const port = COMPONENTS[name]!.spec.PORT?.fallback?.value as number;
    const policies = all('NetworkPolicy').filter((p) => selects((p.spec as { podSelector: Selector }).podSelector, labels));
    expect(policies.length, `a NetworkPolicy selects the ${name} pods`).toBeGreaterThan(0);
    const allowed = new Set<string>();
    const namespaces = new Set<string>();
    for (const policy of policies) {
      const spec = policy.spec as { policyTypes?: string[]; ingress?: PolicyRule[] };
      expect(spec.policyTypes, `${policy.metadata.name} restricts ingress`).toContain('Ingress');
      for (const rule of spec.ingress ?? []) {
        // A rule without `from` admits everyone; one without `ports` every port.
        expect(rule.from?.length, `${policy.metadata.name}: every rule names its peers`).toBeGreaterThan(0);
        expect(rule.ports?.map((p) => containerPort(container, p.port)), `${policy.metadata.name}: only the service's port`).toEqual([port]);
        for (const peer of rule.from ?? []) {
          expect(peer.ipBlock, 'no address ranges: pod addresses change').toBeUndefined();
          if (peer.namespaceSelector) {
            // One named namespace, never `{}` (every namespace), and not another namespace's pods by label.
            expect(peer.podSelector).toBeUndefined();
            expect(Object.keys(peer.namespaceSelector.matchLabels ?? {})).toEqual(['kubernetes.io/metadata.name']);
            namespaces.add(peer.namespaceSelector.matchLabels!['kubernetes.io/metadata.name']!);
            continue;
          }
          const selected = Object.keys(COMPONENTS).filter((c) => selects(peer.podSelector ?? {}, podLabels(one('Deployment', c))));
          expect(selected, `${policy.metadata.name}: a pod selector picks one component`).toHaveLength(1);
          allowed.add(selected[0]!);
        }
      }
    }
    expect([...allowed].sort()).toEqual(callersByService()[name]);
    expect([...allowed]).toContain('web');
    expect([...namespaces]).toEqual(['monitoring']);
  });

  it('lets payments, which holds the provider\'s key, out only to DNS, what its environment names and HTTPS beyond the private ranges', () => {
    const labels = podLabels(one('Deployment', 'payments'));
    const { env } = resolveEnv(theContainer('payments'));
    const policies = all('NetworkPolicy').filter((p) => (p.spec as { policyTypes?: string[] }).policyTypes?.includes('Egress')
      && selects((p.spec as { podSelector: Selector }).podSelector, labels));
    expect(policies, 'one NetworkPolicy restricts the payments pods\' egress').toHaveLength(1);
    // What each peer is: a component's pods, an operator's cluster pods, the cluster DNS or addresses.
    const operatorPods: Record<string, Record<string, string>> = {
      [postgres.metadata.name]: { 'cnpg.io/cluster': postgres.metadata.name },
      [rabbitmq.metadata.name]: { 'app.kubernetes.io/name': rabbitmq.metadata.name },
    };
    const reached = new Set<string>();
    for (const rule of (policies[0]!.spec as { egress?: { to?: PolicyPeer[]; ports?: { port?: number | string; protocol?: string }[] }[] }).egress ?? []) {
      expect(rule.to?.length, 'every rule names its peers').toBeGreaterThan(0);
      expect(rule.ports?.length, 'every rule names its ports').toBeGreaterThan(0);
      const ports = rule.ports!.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`);
      for (const peer of rule.to!) {
        if (peer.ipBlock) {
          const block = peer.ipBlock as { cidr: string; except?: string[] };
          expect(block.cidr).toBe('0.0.0.0/0');
          expect(block.except, 'not the private ranges nor the metadata endpoint').toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']));
          for (const port of ports) reached.add(`internet:${port}`);
          continue;
        }
        if (peer.namespaceSelector) {
          expect(peer.namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'kube-system' });
          expect(peer.podSelector?.matchLabels).toEqual({ 'k8s-app': 'kube-dns' });
          for (const port of ports) reached.add(`dns:${port}`);
          continue;
        }
        const components = Object.keys(COMPONENTS).filter((c) => selects(peer.podSelector ?? {}, podLabels(one('Deployment', c))));
        const clusters = Object.entries(operatorPods).filter(([, l]) => selects(peer.podSelector ?? {}, l)).map(([n]) => n);
        expect([...components, ...clusters], 'a pod selector picks one component or cluster').toHaveLength(1);
        for (const port of ports) reached.add(`${[...components, ...clusters][0]}:${port}`);
      }
    }
    // What payments' environment says it calls, each on the port it names.
    const database = new URL(env.DATABASE_URL ?? '');
    const broker = new URL(env.RABBITMQ_URL ?? '');
    const expected = new Set(['dns:53/UDP', 'dns:53/TCP', `${postgres.metadata.name}:${database.port || 5432}/TCP`, `${rabbitmq.metadata.name}:${broker.port || 5672}/TCP`]);
    for (const [variable, value] of Object.entries(env)) {
      if (!/^https?:\/\//.test(value)) continue;
      const url = new URL(value);
      if (EXTERNAL_URLS.payments!.includes(variable)) expected.add(`internet:${url.port || 443}/TCP`);
      else expected.add(`${url.hostname}:${url.port}/TCP`);
    }
    expect(database.hostname).toBe(`${postgres.metadata.name}-rw`);
    expect(broker.hostname).toBe(rabbitmq.metadata.name);
    expect([...reached].sort()).toEqual([...expected].sort());
  });
});

describe('scaling and disruptions', () => {
  it('autoscales orders and inventory on CPU, leaving their replica count to the autoscaler', () => {
    const hpas = all('HorizontalPodAutoscaler');
    expect(hpas.map((h) => (h.spec as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual(AUTOSCALED);
    for (const hpa of hpas) {
      const spec = hpa.spec as { scaleTargetRef: { apiVersion: string; kind: string; name: string }; minReplicas: number; maxReplicas: number; metrics: { resource?: { name: string } }[] };
      expect(spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      const target = one('Deployment', spec.scaleTargetRef.name);
      expect((target.spec as { replicas?: number }).replicas, 'an apply would reset what the autoscaler chose').toBeUndefined();
      expect(spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(spec.maxReplicas).toBeGreaterThan(spec.minReplicas);
      expect(spec.metrics.map((m) => m.resource?.name)).toContain('cpu');
      // Utilization is measured against the request.
      expect(podSpec(target).containers[0]!.resources?.requests?.cpu).toBeDefined();
    }
  });

  it('has every disruption budget select pods that exist', () => {
    const podLabelSets = [
      ...all('Deployment').map(podLabels),
      // The RabbitMQ operator labels its pods with the cluster's name.
      ...all('RabbitmqCluster').map((r) => ({ 'app.kubernetes.io/name': r.metadata.name })),
    ];
    for (const budget of all('PodDisruptionBudget')) {
      const selector = (budget.spec as { selector: Selector }).selector;
      expect(podLabelSets.some((labels) => selects(selector, labels)), `PodDisruptionBudget ${budget.metadata.name} selects pods`).toBe(true);
    }
  });
});

describe('the operators\' clusters', () => {
  it('runs RabbitMQ as a RabbitmqCluster of three nodes, enough for quorum queues to lose one', () => {
    expect(all('RabbitmqCluster')).toHaveLength(1);
    const spec = rabbitmq.spec as { replicas: number; resources?: { requests?: object; limits?: object } };
    expect(spec.replicas).toBe(3);
    expect(spec.resources?.requests).toBeDefined();
    expect(spec.resources?.limits).toBeDefined();
  });

  it('runs the RabbitMQ image and the PostgreSQL major that docker-compose.yml runs, the ones the services are tested with', () => {
    const compose = resolvedCompose();
    expect((rabbitmq.spec as { image?: string }).image).toBe(compose.services.rabbitmq?.image);
    const major = (image: string | undefined) => /:(\d+)/.exec(image ?? '')?.[1];
    const postgresMajor = major(compose.services.postgres?.image);
    expect(postgresMajor).toMatch(/^\d+$/);
    expect(major((postgres.spec as { imageName?: string }).imageName)).toBe(postgresMajor);
  });

  it('runs PostgreSQL as a CloudNativePG Cluster with a primary and at least one replica', () => {
    expect(all('Cluster')).toHaveLength(1);
    expect((postgres.spec as { instances: number }).instances).toBeGreaterThanOrEqual(2);
    expect(all('StatefulSet')).toEqual([]);
  });

  it('gives each service a database owned by its own login role, with its password from secrets.env', () => {
    const roles = (postgres.spec as { managed: { roles: { name: string; login?: boolean; passwordSecret: { name: string } }[] } }).managed.roles;
    expect(roles.map((r) => r.name).sort()).toEqual(NODE_SERVICES);
    const example = parseEnvFile(secretsExample);
    for (const role of roles) {
      expect(role.login).toBe(true);
      const secret = one('Secret', role.passwordSecret.name);
      // CloudNativePG reads a basic-auth Secret whose username is the role's; the label applies a change at once.
      expect(secret.type).toBe('kubernetes.io/basic-auth');
      expect(secret.metadata.labels?.['cnpg.io/reload']).toBe('true');
      expect(secretData(role.passwordSecret.name)).toEqual({ username: role.name, password: example[`${role.name.toUpperCase()}_DB_PASSWORD`] });
    }
    const databases = all('Database').map((d) => d.spec as { name: string; owner: string; cluster: { name: string } });
    expect(databases.map((d) => [d.name, d.owner, d.cluster.name]).sort()).toEqual(NODE_SERVICES.map((s) => [s, s, postgres.metadata.name]));
  });

  it('has kustomize follow the Cluster\'s references to the generated, hash-named Secrets', () => {
    const configs = (kustomization.configurations ?? []).flatMap((f) => readYamlDocuments(join(K8S_DIR, f))) as {
      nameReference?: { kind: string; fieldSpecs: { kind: string; group?: string; path: string }[] }[];
    }[];
    const fieldSpecs = configs.flatMap((c) => c.nameReference ?? []).filter((r) => r.kind === 'Secret').flatMap((r) => r.fieldSpecs);
    expect(fieldSpecs).toContainEqual({ kind: 'Cluster', group: 'postgresql.cnpg.io', path: 'spec/managed/roles/passwordSecret/name' });
  });
});
