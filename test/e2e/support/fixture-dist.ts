import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A stand-in for web/dist: tests of serving and proxying, not of the app. */
export const FIXTURE_INDEX = '<!doctype html><html lang="en"><head><title>fixture</title><script type="module" src="/assets/app-3f9a1c2b.js"></script></head><body><div id="root"></div></body></html>';
export const FIXTURE_ASSET = '/assets/app-3f9a1c2b.js';

/** Writes the bundle to a temp directory, removed after the file's tests. */
export function useFixtureDist(): string {
  const dist = mkdtempSync(join(tmpdir(), 'pedidos-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), FIXTURE_INDEX);
  writeFileSync(join(dist, FIXTURE_ASSET), 'document.title = "fixture";\n');
  writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  return dist;
}
