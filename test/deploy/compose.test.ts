// Static checks of the deployment files: there is no Docker engine here, so nothing is built or
// started. docker-compose validates the compose file, dockerfile-utils (the linter behind the
// editors' Dockerfile support) the Dockerfile; the rest is checked against the code (config specs,
// entry files, workspaces). test/e2e/nginx.test.ts runs the web container's nginx configuration.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { loadConfig, type ConfigSpec } from '@pedidos/platform/config';
import { identityConfigSpec, loadIdentityConfig } from '../../services/identity/src/config';
import { inventoryConfigSpec } from '../../services/inventory/src/config';
import { ordersConfigSpec } from '../../services/orders/src/config';
import { webConfigSpec } from '../../launcher/src/web-server';
import { compiledPath, ENTRIES } from '../../scripts/compile';
import { NGINX_TEMPLATE, templateVariables } from '../support/nginx';
import {
  REPO_ROOT, dockerCompose, envExample, parseCopy, parseDockerfile, resolvedCompose, type ComposeService,
} from './compose-config';

interface NodeComponent {
  spec: ConfigSpec;
  /** Beyond the spec: a rule across variables, as the entry file applies it. */
  load?: (env: Record<string, string>) => unknown;
  usesDatabase: boolean;
  usesBroker: boolean;
}

const NODE_COMPONENTS: Record<string, NodeComponent> = {
  identity: { spec: identityConfigSpec, load: loadIdentityConfig, usesDatabase: true, usesBroker: true },
  inventory: { spec: inventoryConfigSpec, usesDatabase: true, usesBroker: true },
  orders: { spec: ordersConfigSpec, usesDatabase: true, usesBroker: true },
};

const compose = resolvedCompose();
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const defaultPort = (spec: ConfigSpec) => spec.PORT?.fallback?.value as number;
/** A URL naming a Node service uses the port that service listens on. */
const expectServicePort = (variable: string, url: URL) => {
  const target = NODE_COMPONENTS[url.hostname];
  if (target) expect(url.port, `${variable} uses ${url.hostname}'s port`).toBe(String(defaultPort(target.spec)));
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

describe('docker-compose.yml', () => {
  it('is valid with a .env made from .env.example', () => {
    const run = dockerCompose(['config', '-q'], envExample());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('refuses to resolve without the secrets of .env', () => {
    const run = dockerCompose(['config', '-q'], '');
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/POSTGRES_PASSWORD|_DB_PASSWORD|ADMIN_PASSWORD/);
  });

  it('runs exactly the components of CONTRACT.md plus PostgreSQL and RabbitMQ', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['identity', 'inventory', 'orders', 'postgres', 'rabbitmq', 'web']);
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
    for (const name of ['identity', 'inventory', 'orders']) {
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
      if (component.load) expect(() => component.load!({ ...env, NODE_ENV: 'production' })).not.toThrow();
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
      it('runs in production against PostgreSQL and RabbitMQ', () => {
        expect(env.NODE_ENV).toBe('production');
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
      for (const variable of ['ORDERS_URL', 'INVENTORY_URL', 'IDENTITY_URL'] as const) {
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
    const issuers = ['identity', 'inventory', 'orders'].map((n) => environment(service(n)).JWT_ISSUER);
    expect(new Set(issuers)).toEqual(new Set(['http://identity:5003']));
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
    expect(final.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["node", "--enable-source-maps"]');
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
    for (const name of ['identity', 'inventory', 'orders']) expect(copied).toContain(`services/${name}/migrations`);
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
