import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitReady } from '@pedidos/platform/testing';
import { REPO_ROOT } from './service-process';

/** The web container's configuration, as deploy/Dockerfile copies it into the nginx image. */
export const NGINX_TEMPLATE = readFileSync(join(REPO_ROOT, 'deploy/nginx/default.conf.template'), 'utf8');

// Debian installs it in /usr/sbin, which is not on every user's PATH.
const NGINX = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';

/** Where the image serves the app from; the tests serve a bundle of their own instead. */
const IMAGE_ROOT = 'root /usr/share/nginx/html;';

/** The `${NAME}` placeholders the image's entrypoint fills from the environment. */
export function templateVariables(template: string): Set<string> {
  return new Set([...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!));
}

/**
 * What the image's 20-envsubst-on-templates.sh does: `envsubst` limited to the variables set in
 * the environment, so nginx's own `$host`, `$uri`... stay as they are.
 */
export function renderTemplate(template: string, env: Record<string, string>): string {
  return template.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => env[name] ?? placeholder);
}

export interface Nginx {
  baseUrl: string;
  /** What nginx wrote to its error log so far. */
  errors(): string;
  stop(): Promise<void>;
}

/**
 * Debian's nginx (`apt-get install nginx`) running the template in the foreground, with the
 * image's variables from `env` and the app from `root`. The surrounding nginx.conf stands in for
 * the image's own: logs, pid and temp files in a directory of its own.
 */
export async function startNginx(opts: { env: Record<string, string>; root: string }): Promise<Nginx> {
  if (spawnSync(NGINX, ['-v']).error) {
    throw new Error('nginx is not installed: apt-get install -y --no-install-recommends nginx');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pedidos-nginx-'));
  mkdirSync(join(dir, 'conf.d'));
  const site = renderTemplate(NGINX_TEMPLATE, { ...opts.env, PORT: String(port) });
  if (!site.includes(IMAGE_ROOT)) throw new Error(`the template no longer says "${IMAGE_ROOT}"`);
  const unresolved = templateVariables(site);
  if (unresolved.size > 0) throw new Error(`template variables without a value: ${[...unresolved].join(', ')}`);
  writeFileSync(join(dir, 'conf.d', 'default.conf'), site.replace(IMAGE_ROOT, `root ${opts.root};`));
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, kind)};`).join('\n  ');
  writeFileSync(join(dir, 'nginx.conf'), `
# The tests run as root; the workers must read the tests' private temp directories.
user root;
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  ${temp}
  include ${join(dir, 'conf.d')}/*.conf;
}
`);
  const child = startProcess(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { name: 'nginx' });
  const errors = () => {
    try {
      return child.output() + readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return child.output();
    }
  };
  // SIGQUIT is nginx's graceful shutdown.
  const stop = async () => {
    await child.stop({ signal: 'SIGQUIT', graceMs: 5000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // /health/live: nginx answers it itself, whatever the services behind it are doing.
    await waitReady(baseUrl, { get running() { return child.running; }, output: errors }, 10_000, '/health/live');
  } catch (error) {
    await stop();
    throw new Error(`nginx did not start: ${(error as Error).message}`);
  }
  return { baseUrl, errors, stop };
}
