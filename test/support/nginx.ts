import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT } from './service-process';

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
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = once(child, 'exit');
  const errors = () => {
    try {
      return output + readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return output;
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGQUIT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = errors();
      await stop();
      throw new Error(`nginx exited at start:\n${log}`);
    }
    if (await fetch(`${baseUrl}/health/live`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) {
      const log = errors();
      await stop();
      throw new Error(`nginx did not answer on ${baseUrl}:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { baseUrl, errors, stop };
}
