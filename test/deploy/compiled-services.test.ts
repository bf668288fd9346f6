// What production runs: the JavaScript `npm run build` compiles (scripts/compile.ts). Built into a
// temp folder laid out like the runtime image (package.json, node_modules, migrations/ and dist/;
// no sources, no TypeScript loader), where the compiled orders and payments services must start,
// migrate a fresh database and turn ready, and the compiled payment sandbox must turn ready.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, createTestVhost, freePort, startProcess, waitReady } from '@pedidos/platform/testing';
import { compile, compiledPath, ENTRIES, PRODUCTION_NODE_FLAGS } from '../../scripts/compile';
import { parseDockerfile, REPO_ROOT, resolvedCompose } from './compose-config';

/** What deploy/Dockerfile's runtime stage starts by default, and each compose container's command (k8s.test.ts holds the manifests to these). */
function deployedEntries(): string[] {
  const runtime = parseDockerfile(readFileSync(join(REPO_ROOT, 'deploy/Dockerfile'), 'utf8')).at(-1)!;
  const cmd = JSON.parse(runtime.instructions.find((i) => i.keyword === 'CMD')!.args) as string[];
  return [...cmd, ...Object.values(resolvedCompose().services).flatMap((s) => s.command ?? [])];
}

describe('npm run build: the compiled services', () => {
  let outRoot: string;
  let outputs: string[];

  beforeAll(async () => {
    outRoot = await mkdtemp(join(tmpdir(), 'pedidos-build-'));
    outputs = await compile({ outRoot });
  });
  afterAll(async () => {
    if (outRoot) await rm(outRoot, { recursive: true, force: true });
  });

  it('holds the compiled entry file of every container the deployment starts', () => {
    const entries = deployedEntries();
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const entry of entries) {
      expect(outputs, `${entry} is one of the build's outputs`).toContain(entry);
      expect(existsSync(join(outRoot, entry)), `${entry} is built`).toBe(true);
    }
  });

  it('is started by `npm run start:prod:*` with the flags the image starts it with', () => {
    const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const prod = Object.entries(scripts).filter(([name]) => name.startsWith('start:prod:'));
    expect(prod.length).toBeGreaterThanOrEqual(5);
    for (const [name, command] of prod) {
      const [node, ...args] = command.split(' ');
      expect([node, ...args.slice(0, -1)], name).toEqual(['node', ...PRODUCTION_NODE_FLAGS]);
      expect(outputs, name).toContain(args.at(-1));
    }
  });

  it("maps every compiled file back to its TypeScript entry, for stack traces in the sources' lines", async () => {
    for (const entry of ENTRIES) {
      const output = join(outRoot, compiledPath(entry));
      const map = JSON.parse(await readFile(`${output}.map`, 'utf8')) as { sources: string[] };
      expect(map.sources.map((source) => resolve(dirname(output), source))).toContain(join(REPO_ROOT, entry));
    }
  });

  /** Lays out, once, what the runtime image holds besides dist/: the manifests, node_modules and the service's migrations. */
  let linked = false;
  async function imageLayout(service: string): Promise<void> {
    if (!linked) {
      await symlink(join(REPO_ROOT, 'node_modules'), join(outRoot, 'node_modules'), 'dir');
      await cp(join(REPO_ROOT, 'package.json'), join(outRoot, 'package.json'));
      linked = true;
    }
    for (const path of [`services/${service}/package.json`, `services/${service}/migrations`]) {
      await cp(join(REPO_ROOT, path), join(outRoot, path), { recursive: true });
    }
  }

  const closedUrl = async () => `http://127.0.0.1:${await freePort()}`;
  // Production settings of its own beyond the common ones: where it calls, and secrets that are not the published defaults.
  const SERVICES: Record<string, { table: string; env: () => Promise<Record<string, string>> }> = {
    orders: { table: 'orders', env: async () => ({ INVENTORY_URL: await closedUrl() }) },
    payments: {
      table: 'payments',
      env: async () => ({ PAYMENT_PROVIDER_URL: await closedUrl(), PAYMENT_PROVIDER_API_KEY: 'sk_test_compiled_run', PAYMENT_WEBHOOK_SECRET: 'whsec_compiled_run' }),
    },
  };

  it.each(Object.keys(SERVICES))('runs the %s service from dist/ and migrations/ alone, with plain node: it migrates a fresh database, turns ready and stops on SIGTERM', async (name) => {
    const { table, env } = SERVICES[name]!;
    await imageLayout(name);
    const database = await createTestDatabase('postgres');
    const vhost = await createTestVhost();
    const port = await freePort();
    const child = startProcess(process.execPath, [...PRODUCTION_NODE_FLAGS, compiledPath(`services/${name}/src/main.ts`)], {
      name: `compiled ${name}`,
      cwd: outRoot,
      env: {
        NODE_ENV: 'production', WEB_CONCURRENCY: '1', LOG_LEVEL: 'warn',
        PORT: String(port), DATABASE_URL: database.url!, RABBITMQ_URL: vhost.url, ...(await env()),
      },
    });
    try {
      await waitReady(`http://127.0.0.1:${port}`, child, 30_000);
      const migrated = await database.database.db.execute(sql`select 1 from information_schema.tables where table_schema = ${name} and table_name = ${table}`);
      expect(migrated.rows, `the migrations created ${name}.${table}`).toHaveLength(1);
      child.kill('SIGTERM');
      // The exit code is null when a signal, not the service itself, ended the process.
      expect(await child.exited, child.output()).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await Promise.all([database.drop(), vhost.drop()]);
    }
  });

  it('runs the payment sandbox from dist/ alone, with plain node: it turns ready and stops on SIGTERM', async () => {
    await imageLayout('payments');
    const port = await freePort();
    const child = startProcess(process.execPath, [...PRODUCTION_NODE_FLAGS, compiledPath('services/payments/src/sandbox-main.ts')], {
      name: 'compiled payment sandbox',
      cwd: outRoot,
      env: { LOG_LEVEL: 'warn', PORT: String(port), SANDBOX_WEBHOOK_URL: `${await closedUrl()}/api/payments/webhooks/sandbox` },
    });
    try {
      await waitReady(`http://127.0.0.1:${port}`, child, 30_000);
      child.kill('SIGTERM');
      expect(await child.exited, child.output()).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
