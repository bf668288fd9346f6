// Static checks of the deployment files: there is no Docker engine here, so nothing is built or
// started. docker-compose validates the compose file, dockerfile-utils (the linter behind the
// editors' Dockerfile support) the Dockerfile; the rest is checked against the code (config specs,
// entry files, workspaces). test/e2e/nginx.test.ts runs the web container's nginx configuration.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_SECRETS, checkDevelopmentSecrets, loadConfig, type ConfigSpec } from '@pedidos/platform/config';
import { identityConfigSpec, loadIdentityConfig } from '../../services/identity/src/config';
import { inventoryConfigSpec } from '../../services/inventory/src/config';
import { ordersConfigSpec } from '../../services/orders/src/config';
import { paymentsConfigSpec } from '../../services/payments/src/config';
import { webConfigSpec } from '../../launcher/src/web-server';
import { compiledPath, ENTRIES, PRODUCTION_NODE_FLAGS } from '../../scripts/compile';
import { NGINX_TEMPLATE, templateVariables } from '../support/nginx';
import {
  COMPOSE_FILE, PRODUCTION, REPO_ROOT, dockerCompose, envExample, parseCopy, parseDockerfile, resolvedCompose, type ComposeService,
} from './compose-config';

interface NodeComponent {
  spec: ConfigSpec;
  /** Beyond the spec: a rule across variables, as the entry file applies it. */
  load?: (env: Record<string, string>) => unknown;
  usesDatabase: boolean;
  usesBroker: boolean;
  /** Variables besides the URLs that hold a published development default in docker-compose.yml. */
  secrets?: string[];
}

const NODE_COMPONENTS: Record<string, NodeComponent> = {
  identity: { spec: identityConfigSpec, load: loadIdentityConfig, usesDatabase: true, usesBroker: true, secrets: ['ADMIN_PASSWORD'] },
  inventory: { spec: inventoryConfigSpec, usesDatabase: true, usesBroker: true },
  orders: { spec: ordersConfigSpec, usesDatabase: true, usesBroker: true },
  payments: { spec: paymentsConfigSpec, usesDatabase: true, usesBroker: true, secrets: ['PAYMENT_PROVIDER_API_KEY', 'PAYMENT_WEBHOOK_SECRET'] },
};

/**
 * The simulated card provider: the same image, its own entry file. Its config spec is not
 * exported (the entry file starts the server when imported), so the variables it reads are taken
 * from the spec's keys in the source.
 */
const SANDBOX = { name: 'payment-sandbox', entry: 'services/payments/src/sandbox-main.ts' };
function sandboxVariables(): Set<string> {
  const source = readFileSync(join(REPO_ROOT, SANDBOX.entry), 'utf8');
  const spec = /const sandboxConfigSpec = \{\n([\s\S]*?)\n\};/.exec(source)?.[1];
  if (!spec) throw new Error(`${SANDBOX.entry} no longer declares sandboxConfigSpec`);
  return new Set([...spec.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!));
}
/** Entry files no container starts by itself: run by hand in the services' image (`npm run seed`). */
const ONE_OFF_ENTRIES = ['services/inventory/src/seed-main.ts'];

/** What holds a secret in the compose files: a password, the provider's API key, the webhook secret. */
const SECRET_VARIABLE = /^[A-Z_]*(PASSWORD|SECRET|API_KEY)$/;

// No .env: what `docker compose up -d --build` runs on a fresh clone.
const compose = resolvedCompose('');
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const defaultPort = (spec: ConfigSpec) => spec.PORT?.fallback?.value as number;
/** A URL naming a Node service (or the sandbox) uses the port that service listens on. */
const expectServicePort = (variable: string, url: URL) => {
  const target = NODE_COMPONENTS[url.hostname];
  if (target) expect(url.port, `${variable} uses ${url.hostname}'s port`).toBe(String(defaultPort(target.spec)));
  if (url.hostname === SANDBOX.name) expect(url.port, `${variable} uses the sandbox's port`).toBe(environment(service(SANDBOX.name)).PORT);
};
/** The one network web has a fixed address on, and that address. */
function webAddress(): { network: string; address: string } {
  const fixed = Object.entries(service('web').networks ?? {}).flatMap(([network, n]) => (n?.ipv4_address ? [{ network, address: n.ipv4_address }] : []));
  expect(fixed, 'web has a fixed address on one network').toHaveLength(1);
  return fixed[0]!;
}
const ipv4 = (address: string) => address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const inCidr = (address: string, cidr: string) => {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(address) / size) === Math.floor(ipv4(base) / size);
};
const firstHost = (cidr: string) => {
  const n = ipv4(cidr.split('/')[0]!) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
};
const environment = (s: ComposeService) =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v ?? ''])) as Record<string, string>;
const dotenv = (variables: Record<string, string>) => Object.entries(variables).map(([k, v]) => `${k}=${v}\n`).join('');
const urlPassword = (value: string | undefined) => decodeURIComponent(new URL(value ?? '').password);
/** What a service's entry file makes of its environment: the ConfigError's message, or the warning it logs. */
function startup(component: NodeComponent, env: Record<string, string>): { refused?: string; warning?: string } {
  try {
    component.load?.(env);
    return { warning: checkDevelopmentSecrets(loadConfig(env, component.spec)) };
  } catch (error) {
    if (error instanceof ConfigError) return { refused: error.message };
    throw error;
  }
}

describe('docker-compose.yml', () => {
  it('is valid with no .env', () => {
    const run = dockerCompose(['config', '-q'], '');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('gives every password and secret its published development default, each marked as one in the file', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const defaults = [...text.matchAll(/\$\{([A-Z_]+):-([^}]*)\}/g)].map((m) => [m[1]!, m[2]!] as const).filter(([name]) => SECRET_VARIABLE.test(name));
    expect(new Set(defaults.map(([name]) => name))).toEqual(new Set(Object.keys(DEVELOPMENT_SECRETS)));
    for (const [name, value] of defaults) expect(value, name).toBe(DEVELOPMENT_SECRETS[name as keyof typeof DEVELOPMENT_SECRETS]);
    expect(text, 'nothing is required without a .env').not.toMatch(/\$\{[A-Z_]+:\?/);
    // Each such line, or the run of them it belongs to, sits under a comment saying so (in any line of it).
    const lines = text.split('\n');
    const holdsDefault = (line: string) => /(PASSWORD|SECRET|API_KEY):-/.test(line);
    lines.forEach((line, i) => {
      if (!holdsDefault(line)) return;
      let above = i - 1;
      while (above > 0 && holdsDefault(lines[above]!)) above--;
      const comment: string[] = [];
      for (; above >= 0 && /^\s*#/.test(lines[above]!); above--) comment.unshift(lines[above]!);
      expect(comment.join('\n'), `line ${i + 1} is marked`).toMatch(/DEVELOPMENT DEFAULT/);
    });
    expect(environment(service('postgres'))).toMatchObject({
      POSTGRES_PASSWORD: DEVELOPMENT_SECRETS.POSTGRES_PASSWORD,
      IDENTITY_DB_PASSWORD: DEVELOPMENT_SECRETS.IDENTITY_DB_PASSWORD,
      INVENTORY_DB_PASSWORD: DEVELOPMENT_SECRETS.INVENTORY_DB_PASSWORD,
      ORDERS_DB_PASSWORD: DEVELOPMENT_SECRETS.ORDERS_DB_PASSWORD,
      PAYMENTS_DB_PASSWORD: DEVELOPMENT_SECRETS.PAYMENTS_DB_PASSWORD,
    });
    expect(environment(service('rabbitmq')).RABBITMQ_DEFAULT_PASS).toBe(DEVELOPMENT_SECRETS.RABBITMQ_PASSWORD);
    expect(environment(service('identity')).ADMIN_PASSWORD).toBe(DEVELOPMENT_SECRETS.ADMIN_PASSWORD);
    expect(environment(service('payments'))).toMatchObject({
      PAYMENT_PROVIDER_API_KEY: DEVELOPMENT_SECRETS.PAYMENT_PROVIDER_API_KEY,
      PAYMENT_WEBHOOK_SECRET: DEVELOPMENT_SECRETS.PAYMENT_WEBHOOK_SECRET,
    });
  });

  it('runs exactly the components of CONTRACT.md, the payment sandbox, PostgreSQL and RabbitMQ', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['identity', 'inventory', 'orders', 'payment-sandbox', 'payments', 'postgres', 'rabbitmq', 'web']);
  });

  it('runs every compiled entry file in some container: the image\'s default, a service\'s command, or a one-off', () => {
    const runtime = parseDockerfile(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8')).at(-1)!;
    const started = new Set([
      ...(JSON.parse(runtime.instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[]),
      ...Object.values(compose.services).flatMap((s) => s.command ?? []),
    ]);
    for (const entry of ONE_OFF_ENTRIES) expect(ENTRIES, `${entry} is compiled`).toContain(entry);
    const unstarted = ENTRIES.filter((entry) => !ONE_OFF_ENTRIES.includes(entry) && !started.has(compiledPath(entry)));
    expect(unstarted, 'compiled, but no container runs it').toEqual([]);
  });

  it('pins PostgreSQL and RabbitMQ majors, keeps their data in named volumes and checks their health', () => {
    const postgres = service('postgres');
    expect(postgres.image).toMatch(/^postgres:\d+(\.\d+)?$/);
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    const rabbitmq = service('rabbitmq');
    expect(rabbitmq.image).toMatch(/^rabbitmq:\d+\.\d+(\.\d+)?-management$/);
    expect(rabbitmq.healthcheck?.test.join(' ')).toMatch(/rabbitmq-diagnostics -q ping/);
    expect(rabbitmq.ports?.map((p) => [p.published, p.target])).toEqual(expect.arrayContaining([[5672, 5672], [15672, 15672]]));
    for (const [name, target] of [['postgres', '/var/lib/postgresql/data'], ['rabbitmq', '/var/lib/rabbitmq']] as const) {
      const volume = service(name).volumes?.find((v) => v.target === target);
      expect(volume, `${name} keeps ${target} in a volume`).toMatchObject({ type: 'volume' });
      expect(Object.keys(compose.volumes ?? {})).toContain(volume?.source);
    }
  });

  it('creates each database role the services log in with, from the passwords they use', () => {
    const postgres = service('postgres');
    const init = postgres.volumes?.find((v) => v.target.startsWith('/docker-entrypoint-initdb.d/'));
    if (!init) throw new Error('postgres mounts no script into /docker-entrypoint-initdb.d');
    expect(existsSync(init.source), `${init.source} exists`).toBe(true);
    const script = readFileSync(init.source, 'utf8');
    const postgresEnv = environment(postgres);
    const withDatabase = Object.entries(NODE_COMPONENTS).filter(([, c]) => c.usesDatabase).map(([name]) => name);
    expect(withDatabase).toContain('payments');
    for (const name of withDatabase) {
      const url = new URL(environment(service(name)).DATABASE_URL ?? '');
      expect(url.hostname).toBe('postgres');
      expect(url.pathname).toBe(`/${url.username}`);
      expect(script, `the init script creates the ${url.username} role`).toMatch(new RegExp(`\\b${url.username}\\)`));
      const passwordVariable = `${url.username.toUpperCase()}_DB_PASSWORD`;
      expect(script).toContain(`$${passwordVariable}`);
      expect(postgresEnv[passwordVariable]).toBe(decodeURIComponent(url.password));
    }
  });

  describe.each(Object.entries(NODE_COMPONENTS))('%s', (name, component) => {
    const s = service(name);
    const port = defaultPort(component.spec);
    const env = environment(s);

    it('runs its compiled entry file from the shared image', () => {
      expect(s.build?.dockerfile).toBe('deploy/Dockerfile');
      expect(s.build?.target).toBeUndefined();
      const source = `services/${name}/src/main.ts`;
      expect(existsSync(join(REPO_ROOT, source)), `${source} exists`).toBe(true);
      expect(ENTRIES, 'npm run build compiles it').toContain(source);
      expect(s.command).toEqual([compiledPath(source)]);
    });

    it('publishes the default PORT of its config', () => {
      expect(port).toBeTypeOf('number');
      expect(s.ports?.map((p) => [p.published, p.target])).toEqual([[port, port]]);
      expect(env.PORT ?? String(port)).toBe(String(port));
    });

    it('sets only variables its config reads, each with a value it accepts', () => {
      const unknown = Object.keys(env).filter((k) => !(k in component.spec));
      expect(unknown, `variables ${name} does not read`).toEqual([]);
      expect(() => loadConfig(env, component.spec)).not.toThrow();
      if (component.load) expect(() => component.load!(env)).not.toThrow();
    });

    it('starts on the development passwords with one warning naming the variables that hold them, never the values', () => {
      const { refused, warning } = startup(component, env);
      expect(refused).toBeUndefined();
      const holders = ['DATABASE_URL', 'RABBITMQ_URL', ...(component.secrets ?? [])];
      expect(warning).toMatch(new RegExp(`^DEVELOPMENT DEFAULT PASSWORDS in ${holders.join(', ')}:`));
      for (const secret of Object.values(DEVELOPMENT_SECRETS)) expect(warning).not.toContain(secret);
    });

    it('names the other containers by service name and port', () => {
      for (const [variable, value] of Object.entries(env)) {
        if (!/^(postgres|amqp|http)s?:\/\//.test(value)) continue;
        const url = new URL(value);
        expect(Object.keys(compose.services), `${variable} names a compose service`).toContain(url.hostname);
        expectServicePort(variable, url);
      }
    });

    it('checks /health/ready on its port and restarts unless stopped, with an init as PID 1', () => {
      expect(s.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
      expect(s.healthcheck?.test[0]).toBe('CMD');
      expect(s.restart).toBe('unless-stopped');
      expect(s.init).toBe(true);
    });

    it('waits for what it needs to be healthy', () => {
      const needs = [
        ...(component.usesDatabase ? ['postgres'] : []),
        ...(component.usesBroker ? ['rabbitmq'] : []),
        ...Object.values(env).flatMap((v) => (/^https?:\/\//.test(v) ? [new URL(v).hostname] : [])),
      ].filter((n) => n !== name);
      for (const dependency of new Set(needs)) {
        expect(s.depends_on?.[dependency]?.condition, `${name} waits for ${dependency}`).toBe('service_healthy');
      }
      for (const dependency of Object.keys(s.depends_on ?? {})) {
        expect(service(dependency).healthcheck, `${dependency} has a healthcheck`).toBeDefined();
      }
    });

    if (component.usesDatabase || component.usesBroker) {
      it('runs in development against PostgreSQL and RabbitMQ', () => {
        expect(env.NODE_ENV).toBe('development');
        expect(new URL(env.DATABASE_URL ?? '').hostname).toBe('postgres');
        expect(new URL(env.RABBITMQ_URL ?? '').hostname).toBe('rabbitmq');
      });
    }

    it("believes X-Forwarded-For from the web container's fixed address alone, on the network they share", () => {
      const { network, address } = webAddress();
      expect(loadConfig(env, component.spec).TRUST_PROXY).toEqual([address]);
      expect(Object.keys(s.networks ?? { default: null }), `${name} is on web's network`).toContain(network);
    });
  });

  describe(SANDBOX.name, () => {
    const sandbox = service(SANDBOX.name);
    const env = environment(sandbox);
    const payments = environment(service('payments'));

    it('runs its compiled entry file from the shared image, restarting unless stopped, with an init as PID 1', () => {
      expect(sandbox.build?.dockerfile).toBe('deploy/Dockerfile');
      expect(sandbox.build?.target).toBeUndefined();
      expect(existsSync(join(REPO_ROOT, SANDBOX.entry)), `${SANDBOX.entry} exists`).toBe(true);
      expect(ENTRIES, 'npm run build compiles it').toContain(SANDBOX.entry);
      expect(sandbox.command).toEqual([compiledPath(SANDBOX.entry)]);
      expect(sandbox.restart).toBe('unless-stopped');
      expect(sandbox.init).toBe(true);
    });

    it('sets only variables the sandbox reads', () => {
      const reads = sandboxVariables();
      expect(reads).toContain('SANDBOX_WEBHOOK_URL');
      expect(Object.keys(env).filter((k) => !reads.has(k)), 'variables the sandbox does not read').toEqual([]);
    });

    it("publishes its port on the host's loopback only, and checks /health/ready on it", () => {
      expect(env.PORT).toMatch(/^\d+$/);
      expect(sandbox.ports).toEqual([{ published: Number(env.PORT), target: Number(env.PORT), host_ip: '127.0.0.1' }]);
      expect(sandbox.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${env.PORT}/health/ready`);
      expect(sandbox.healthcheck?.test[0]).toBe('CMD');
    });

    it('is the provider payments calls, with the key it expects, and posts its webhooks to payments signed with the secret payments checks', () => {
      expect(payments.PAYMENT_PROVIDER).toBe('sandbox');
      expect(new URL(payments.PAYMENT_PROVIDER_URL ?? '').origin).toBe(`http://${SANDBOX.name}:${env.PORT}`);
      expect(env.SANDBOX_API_KEY).toBe(payments.PAYMENT_PROVIDER_API_KEY);
      expect(env.PAYMENT_WEBHOOK_SECRET).toBe(payments.PAYMENT_WEBHOOK_SECRET);
      const webhook = new URL(env.SANDBOX_WEBHOOK_URL ?? '');
      expect(webhook.origin).toBe(`http://payments:${defaultPort(paymentsConfigSpec)}`);
      expect(webhook.pathname).toBe('/api/payments/webhooks/sandbox');
      expect(service('payments').depends_on?.[SANDBOX.name]?.condition).toBe('service_healthy');
    });
  });

  describe("the web container's address", () => {
    it('is fixed on a network with a declared subnet, outside the range the other containers take theirs from', () => {
      const { network, address } = webAddress();
      const ipam = compose.networks?.[network]?.ipam?.config ?? [];
      expect(ipam, `${network} declares its subnet`).toHaveLength(1);
      const { subnet = '', ip_range: range, gateway } = ipam[0]!;
      expect(inCidr(address, subnet), `${address} is in ${subnet}`).toBe(true);
      expect(range, 'an ip_range keeps dynamic addresses off web\'s').toBeDefined();
      expect(inCidr(address, range!), `${address} is outside ${range}`).toBe(false);
      expect(inCidr(range!.split('/')[0]!, subnet)).toBe(true);
      // Callers of the published ports arrive from the gateway: it must not be the trusted address.
      expect(address).not.toBe(gateway ?? firstHost(subnet));
      for (const [other, s] of Object.entries(compose.services)) {
        if (other !== 'web') expect(s.networks?.[network]?.ipv4_address, `${other} has no fixed address`).toBeUndefined();
      }
    });
  });

  describe('web', () => {
    const web = service('web');
    const env = environment(web);

    it("builds the Dockerfile's nginx target and sets every variable of its configuration template", () => {
      expect(web.build).toMatchObject({ dockerfile: 'deploy/Dockerfile', target: 'web' });
      expect(web.command).toBeUndefined();
      expect(Object.keys(env).sort()).toEqual([...templateVariables(NGINX_TEMPLATE)].sort());
    });

    it('proxies to the services by service name and port, each URL an origin the way `npm start` takes it', () => {
      // The same variables as `npm run start:web` (launcher/src/web-server.ts) with the same rules.
      const config = loadConfig(env, webConfigSpec);
      expect(config.PORT).toBe(3000);
      expect(web.ports?.map((p) => [p.published, p.target])).toEqual([[3000, 3000]]);
      const upstreams = Object.keys(env).filter((k) => k.endsWith('_URL'));
      expect(upstreams.sort()).toEqual(['IDENTITY_URL', 'INVENTORY_URL', 'ORDERS_URL', 'PAYMENTS_URL']);
      for (const variable of upstreams) {
        const url = new URL(env[variable] ?? '');
        // nginx passes the request URI on unchanged only when proxy_pass has no path.
        expect(url.pathname, `${variable} is an origin`).toBe('/');
        expect(env[variable], `${variable} has no trailing slash`).not.toMatch(/\/$/);
        expectServicePort(variable, url);
        expect(web.depends_on?.[url.hostname]?.condition).toBe('service_healthy');
      }
    });

    it('checks its health with the wget of the alpine image and restarts unless stopped', () => {
      expect(web.healthcheck?.test).toEqual(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/health/ready']);
      expect(web.restart).toBe('unless-stopped');
    });
  });

  it('issues and checks tokens under one issuer', () => {
    const issuers = Object.keys(NODE_COMPONENTS).map((n) => environment(service(n)).JWT_ISSUER);
    expect(new Set(issuers)).toEqual(new Set(['http://identity:5003']));
  });
});

describe('docker-compose.prod.yml over docker-compose.yml', () => {
  // Passwords of the kind an operator sets in .env, one per variable the development file defaults.
  const SECRETS: Record<keyof typeof DEVELOPMENT_SECRETS, string> = {
    ADMIN_PASSWORD: 'vault-admin-7Qx2',
    POSTGRES_PASSWORD: 'vault-postgres-4Kd9',
    IDENTITY_DB_PASSWORD: 'vault-identity-8Wm3',
    INVENTORY_DB_PASSWORD: 'vault-inventory-2Hs6',
    ORDERS_DB_PASSWORD: 'vault-orders-5Tb1',
    PAYMENTS_DB_PASSWORD: 'vault-payments-3Nc8',
    PAYMENT_PROVIDER_API_KEY: 'sk_live_vault_6Rf2',
    PAYMENT_WEBHOOK_SECRET: 'whsec_vault_1Yq7',
    RABBITMQ_PASSWORD: 'vault-rabbitmq-9Pz4',
  };
  /** docker-compose's message for a required variable that is missing. */
  const missingSecret = /set ([A-Z_]+) in \.env$/;

  // One docker-compose run per secret, a second or two each.
  it('refuses to resolve without every password and secret, naming the one missing', { timeout: 120_000 }, () => {
    for (const envFile of ['', envExample()]) {
      const run = dockerCompose(['config', '-q'], envFile, PRODUCTION);
      expect(run.status).not.toBe(0);
      expect(run.stderr.trim()).toMatch(missingSecret);
      expect(missingSecret.exec(run.stderr.trim())?.[1]).toMatch(SECRET_VARIABLE);
    }
    for (const missing of Object.keys(SECRETS)) {
      const run = dockerCompose(['config', '-q'], dotenv(Object.fromEntries(Object.entries(SECRETS).filter(([k]) => k !== missing))), PRODUCTION);
      expect(run.status, `without ${missing}`).not.toBe(0);
      expect(run.stderr.trim()).toMatch(new RegExp(`set ${missing} in \\.env$`));
    }
  });

  it('with them, runs the same containers in production on those passwords', () => {
    const production = resolvedCompose(dotenv(SECRETS), PRODUCTION);
    const env = (name: string) => environment(production.services[name] ?? {});
    expect(env('postgres')).toMatchObject({
      POSTGRES_PASSWORD: SECRETS.POSTGRES_PASSWORD,
      IDENTITY_DB_PASSWORD: SECRETS.IDENTITY_DB_PASSWORD,
      INVENTORY_DB_PASSWORD: SECRETS.INVENTORY_DB_PASSWORD,
      ORDERS_DB_PASSWORD: SECRETS.ORDERS_DB_PASSWORD,
      PAYMENTS_DB_PASSWORD: SECRETS.PAYMENTS_DB_PASSWORD,
    });
    expect(env('rabbitmq').RABBITMQ_DEFAULT_PASS).toBe(SECRETS.RABBITMQ_PASSWORD);
    expect(env('identity').ADMIN_PASSWORD).toBe(SECRETS.ADMIN_PASSWORD);
    // The sandbox still stands in for the provider: it holds the very key and secret payments does.
    expect(env('payments')).toMatchObject({ PAYMENT_PROVIDER_API_KEY: SECRETS.PAYMENT_PROVIDER_API_KEY, PAYMENT_WEBHOOK_SECRET: SECRETS.PAYMENT_WEBHOOK_SECRET });
    expect(env(SANDBOX.name)).toMatchObject({ SANDBOX_API_KEY: SECRETS.PAYMENT_PROVIDER_API_KEY, PAYMENT_WEBHOOK_SECRET: SECRETS.PAYMENT_WEBHOOK_SECRET });
    for (const [name, component] of Object.entries(NODE_COMPONENTS)) {
      expect(env(name).NODE_ENV, name).toBe('production');
      expect(urlPassword(env(name).DATABASE_URL)).toBe(SECRETS[`${name.toUpperCase()}_DB_PASSWORD` as keyof typeof SECRETS]);
      expect(urlPassword(env(name).RABBITMQ_URL)).toBe(SECRETS.RABBITMQ_PASSWORD);
      expect(startup(component, env(name)), name).toEqual({ warning: undefined });
    }
    // Only environments differ from the development file.
    const withoutEnvironment = (services: Record<string, ComposeService>) =>
      Object.fromEntries(Object.entries(services).map(([name, s]) => [name, {
        ...s,
        environment: Object.keys(s.environment ?? {}).sort(),
        volumes: s.volumes?.toSorted((a, b) => a.target.localeCompare(b.target)),
      }]));
    expect(withoutEnvironment(production.services)).toEqual(withoutEnvironment(compose.services));
  });

  it('is what a .env made from .env.example selects: refused until every password and secret is filled in', () => {
    const run = dockerCompose(['config', '-q'], envExample(), []);
    expect(run.status).not.toBe(0);
    expect(run.stderr.trim()).toMatch(missingSecret);
    const blank = [...envExample().matchAll(/^([A-Z_]+)=$/gm)].map((m) => m[1]!).filter((name) => SECRET_VARIABLE.test(name));
    expect(blank.sort(), '.env.example asks for every secret').toEqual(Object.keys(SECRETS).sort());
    const filled = envExample().replace(/^([A-Z_]+)=$/gm, (line, name: string) => (name in SECRETS ? `${name}=${SECRETS[name as keyof typeof SECRETS]}` : line));
    expect(resolvedCompose(filled, [])).toEqual(resolvedCompose(dotenv(SECRETS), PRODUCTION));
  });

  it('with the development passwords in .env, resolves, but each service refuses to start naming the variables', () => {
    const production = resolvedCompose(dotenv(DEVELOPMENT_SECRETS), PRODUCTION);
    for (const [name, component] of Object.entries(NODE_COMPONENTS)) {
      const { refused } = startup(component, environment(production.services[name] ?? {}));
      expect(refused, name).toMatch(name === 'identity' ? /^ADMIN_PASSWORD must not be the public development default/ : /^DATABASE_URL must not hold a public development default password when NODE_ENV=production; RABBITMQ_URL /);
      for (const secret of Object.values(DEVELOPMENT_SECRETS)) expect(refused).not.toContain(secret);
    }
  });
});

describe('deploy/Dockerfile', () => {
  const text = readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8');
  const stages = parseDockerfile(text);
  const final = stages.at(-1)!;
  const web = stages.find((s) => s.name === 'web');
  const copies = stages.flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args)));
  const lastUser = (stage: typeof final) => stage.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args).at(-1);

  it('passes the Dockerfile linter', () => {
    expect(lintDockerfile(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    // The linter does find mistakes: a stage with no image, an unknown flag.
    expect(lintDockerfile('FROM\nCOPY --chmown=1 a b\n').length).toBeGreaterThanOrEqual(2);
  });

  it('has build stages, a runtime stage from a pinned Node image and a web stage from a pinned nginx', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const names = new Set(stages.map((s) => s.name));
    for (const copy of copies) if (copy.flags.from) expect(names, `COPY --from=${copy.flags.from} names a stage`).toContain(copy.flags.from);
    expect(stages.every((s) => names.has(s.from) || /^node:\$\{NODE_VERSION\}-/.test(s.from) || /^nginxinc\/nginx-unprivileged:\$\{NGINX_VERSION\}-/.test(s.from))).toBe(true);
    expect(text).toMatch(/^ARG NODE_VERSION=\d+\.\d+$/m);
    expect(text).toMatch(/^ARG NGINX_VERSION=\d+\.\d+$/m);
    // A build without --target gives the services' image.
    expect(final.name).toBe('runtime');
  });

  it('runs the compiled services with plain node, as a non-root user with a healthcheck', () => {
    expect(lastUser(final)).toBeDefined();
    expect(lastUser(final)).not.toMatch(/^(root|0)(:|$)/);
    expect(final.instructions.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('/health/ready'))).toBe(true);
    expect(JSON.parse(final.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args ?? '[]')).toEqual(['node', ...PRODUCTION_NODE_FLAGS]);
    const cmd = JSON.parse(final.instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];
    expect(cmd).toEqual([compiledPath('launcher/src/main.ts')]);
    // No TypeScript loader, and no sources it could load.
    const runtimeStages = [final, ...stages.filter((s) => s.name === 'prod-deps')];
    expect(runtimeStages.flatMap((s) => s.instructions).filter((i) => /\btsx\b|\/src\b|\.ts\b/.test(i.args)).map((i) => `${i.keyword} ${i.args}`)).toEqual([]);
  });

  it('serves the built app from nginx as a non-root user, configured by the template it is tested with', () => {
    if (!web) throw new Error('deploy/Dockerfile has no web stage');
    expect(lastUser(web)).toBe('101');
    const copied = web.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args));
    expect(copied).toContainEqual({ flags: {}, sources: ['deploy/nginx/default.conf.template'], dest: '/etc/nginx/templates/default.conf.template' });
    expect(copied).toContainEqual({ flags: { from: 'build' }, sources: ['/app/web/dist'], dest: '/usr/share/nginx/html' });
    expect(web.instructions.some((i) => i.keyword === 'HEALTHCHECK' && i.args.includes('/health/ready'))).toBe(true);
    // Defaults for every template variable, so the image runs beside services named as in compose.
    const env = web.instructions.find((i) => i.keyword === 'ENV')?.args ?? '';
    const defaults = Object.fromEntries(env.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
    expect(Object.keys(defaults).sort()).toEqual([...templateVariables(NGINX_TEMPLATE)].sort());
    expect(() => loadConfig(defaults, webConfigSpec)).not.toThrow();
  });

  it('copies only paths that exist and are not excluded from the build context', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const copy of copies.filter((c) => !c.flags.from)) {
      for (const source of copy.sources) {
        expect(existsSync(join(REPO_ROOT, source)), `COPY ${source}`).toBe(true);
        expect(ignored.filter((pattern) => source === pattern || source.startsWith(`${pattern}/`)), `COPY ${source} is dockerignored`).toEqual([]);
      }
    }
  });

  it('copies every workspace manifest before npm ci, and the compiled code and migrations of every service', () => {
    const copied = new Set(copies.filter((c) => !c.flags.from).flatMap((c) => c.sources));
    const rootPackage = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { link?: boolean }> };
    const workspaces = Object.entries(lock.packages).filter(([, p]) => p.link).map(([path]) => path);
    expect(rootPackage.workspaces.length).toBeGreaterThan(0);
    const workspaceDirs = Object.keys(lock.packages).filter((p) => p !== '' && !p.startsWith('node_modules/') && !p.includes('/node_modules/'));
    expect(workspaceDirs.length).toBeGreaterThanOrEqual(workspaces.length);
    for (const dir of workspaceDirs) expect(copied, `${dir}/package.json is copied`).toContain(`${dir}/package.json`);
    for (const [name, c] of Object.entries(NODE_COMPONENTS)) if (c.usesDatabase) expect(copied).toContain(`services/${name}/migrations`);
    // The build stage compiles (`npm run build`), and the runtime stage takes each entry's dist/ from it.
    const build = stages.find((s) => s.name === 'build');
    expect(build?.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args)).toContain('npm run build');
    const fromBuild = final.instructions.filter((i) => i.keyword === 'COPY').map((i) => parseCopy(i.args)).filter((c) => c.flags.from === 'build');
    const cmd = JSON.parse(final.instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];
    for (const entry of [...cmd, ...Object.values(compose.services).flatMap((s) => s.command ?? [])]) {
      const dist = entry.slice(0, entry.lastIndexOf('/'));
      expect(fromBuild, `${dist} is copied from the build stage`).toContainEqual({ flags: { from: 'build' }, sources: [`/app/${dist}`], dest: dist });
    }
  });
});
