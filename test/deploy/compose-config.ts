import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.yml');
/** Laid over COMPOSE_FILE for production: `-f docker-compose.yml -f docker-compose.prod.yml`. */
export const PROD_COMPOSE_FILE = join(REPO_ROOT, 'docker-compose.prod.yml');
export const PRODUCTION = [COMPOSE_FILE, PROD_COMPOSE_FILE];

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  environment?: Record<string, string | null>;
  /** `host_ip` only when the port is published on one address of the host. */
  ports?: Port[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: Mount[];
  init?: boolean;
  restart?: string;
  /** By network name; a service without it is on `default` only. */
  networks?: Record<string, { ipv4_address?: string } | null>;
  /** The profiles that start it; a service without any always starts. */
  profiles?: string[];
}

export interface Port {
  published: number;
  target: number;
  host_ip?: string;
}

export interface Mount {
  type: 'volume' | 'bind';
  source: string;
  target: string;
}

export interface ComposeConfig {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, { ipam?: { config?: { subnet?: string; ip_range?: string; gateway?: string }[] } } | null>;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `docker-compose <args>` against the repo's compose file (or `files`, in order; none: those the
 * .env's COMPOSE_FILE names) with `envFileText` as its .env, written in a temp dir so the repo never
 * gets a .env. Only PATH and HOME pass through: a variable set in the caller's shell would otherwise
 * win over the .env and hide a mistake in it.
 */
export function dockerCompose(args: string[], envFileText: string, files = [COMPOSE_FILE]): Run {
  const dir = mkdtempSync(join(tmpdir(), 'pedidos-compose-'));
  try {
    const envFile = join(dir, '.env');
    writeFileSync(envFile, envFileText);
    const run = spawnSync('docker-compose', ['--project-directory', REPO_ROOT, '--env-file', envFile, ...files.flatMap((f) => ['-f', f]), ...args], {
      encoding: 'utf8',
      // COMPOSE_FILE's relative paths are taken from here.
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: dir },
    });
    if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('docker-compose is not installed: apt-get install -y --no-install-recommends docker-compose (it validates offline, no Docker engine needed)');
    }
    if (run.error) throw run.error;
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const envExample = () => readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');

/**
 * The compose file as docker-compose resolves it (anchors merged, variables substituted, ports and
 * environment normalised), with the services `docker compose up` starts under `profiles`.
 * docker-compose 1.x has no JSON output; its YAML is read with PyYAML, which docker-compose itself
 * depends on.
 */
export function resolvedCompose(envFileText = envExample(), files = [COMPOSE_FILE], profiles: string[] = []): ComposeConfig {
  const run = dockerCompose([...profiles.flatMap((p) => ['--profile', p]), 'config'], envFileText, files);
  if (run.status !== 0) throw new Error(`docker-compose config failed: ${run.stderr}`);
  const json = spawnSync('python3', ['-c', 'import json, sys, yaml; json.dump(yaml.safe_load(sys.stdin), sys.stdout)'], {
    input: run.stdout,
    encoding: 'utf8',
  });
  if (json.status !== 0) throw new Error(`reading docker-compose config output with PyYAML failed: ${json.stderr}`);
  const config = JSON.parse(json.stdout) as ComposeConfig;
  // docker-compose 1.x prints every service whatever the profiles; 2.x, as `up`, only the active ones.
  config.services = Object.fromEntries(Object.entries(config.services)
    .filter(([, s]) => s.profiles === undefined || s.profiles.some((p) => profiles.includes(p))));
  for (const service of Object.values(config.services)) {
    service.volumes = service.volumes?.map(mount);
    service.ports = service.ports?.map(port);
  }
  return config;
}

// docker-compose 1.x prints mounts in the short form `source:target[:mode]`, 2.x in the long form.
function mount(raw: Mount | string): Mount {
  if (typeof raw !== 'string') return raw;
  const [source = '', target = ''] = raw.split(':');
  return { type: source.includes('/') ? 'bind' : 'volume', source, target };
}

// docker-compose 1.x prints a port bound to one host address in the short form
// `host_ip:published:target/protocol`, the others (and 2.x all) in the long form.
function port(raw: Port | string): Port {
  if (typeof raw !== 'string') return raw;
  const [, hostIp, published = '', target = ''] = /^(?:(.+):)?(\d+):(\d+)(?:\/\w+)?$/.exec(raw) ?? [];
  if (!target) throw new Error(`docker-compose config printed a port it cannot read: ${raw}`);
  return { published: Number(published), target: Number(target), ...(hostIp ? { host_ip: hostIp } : {}) };
}

export interface DockerfileStage {
  name: string | undefined;
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** FROM-separated stages of a Dockerfile, with continuation lines joined and comments dropped. */
export function parseDockerfile(text: string): DockerfileStage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const stages: DockerfileStage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, from = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name, from, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ keyword: upper, args });
    } else if (upper !== 'ARG') {
      throw new Error(`Dockerfile: ${upper} before the first FROM`);
    }
  }
  return stages;
}

/** A COPY's flags, sources and destination (exec-form JSON arrays too). */
export function parseCopy(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest); m; m = /^--([\w-]+)(?:=(\S+))?\s+/.exec(rest)) {
    flags[m[1]!] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  return { flags, sources: parts.slice(0, -1), dest: parts.at(-1)! };
}
