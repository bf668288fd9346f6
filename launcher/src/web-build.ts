import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@pedidos/platform/logger';
import { StartupError } from '@pedidos/platform/runtime';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB_DIR = join(REPO_ROOT, 'web');

/** Where `npm run build -w @pedidos/web` writes the app. */
export const WEB_DIST_DIR = join(WEB_DIR, 'dist');

// What the bundle is made from. Vite rewrites dist/index.html on every build, so its time is the build's.
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

/** The newest modification time under `path` (0 when it does not exist). */
function newest(path: string): number {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(join(path, name))), stats.mtimeMs);
}

/** True when web/dist is missing or older than something it is built from. */
export function webBuildIsStale(): boolean {
  const built = newest(join(WEB_DIST_DIR, 'index.html'));
  return built === 0 || SOURCES.some((source) => newest(join(WEB_DIR, source)) > built);
}

/**
 * Builds the web app when its bundle is missing or stale, so `npm install && npm start` works on
 * a clean clone. Without web/src (an image holding only the bundle) there is nothing to build.
 */
export function ensureWebBuild(log: Logger): void {
  if (!webBuildIsStale() || newest(join(WEB_DIR, 'src')) === 0) return;
  log.info('building the web app: web/dist is missing or older than web/src (npm run build -w @pedidos/web)');
  // Vite's output goes to stderr: stdout stays JSON log lines.
  const build = spawnSync('npm', ['run', 'build', '-w', '@pedidos/web'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    throw new StartupError(`building the web app failed: npm run build -w @pedidos/web ${build.error ? `could not run (${build.error.message})` : `exited with ${build.status ?? build.signal}`}`);
  }
}
