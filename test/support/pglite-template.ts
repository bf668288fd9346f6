// Vitest global setup of the component tests: one freshly initialized PGlite data directory for
// the whole run, which each in-memory PGlite then starts from (createTestDatabase), instead of
// every one running initdb again. Removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { writePgliteTemplate } from '@pedidos/platform/testing';

export default async function pgliteTemplate({ provide }: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'pedidos-pglite-'));
  const file = join(dir, 'template.tar');
  await writePgliteTemplate(file);
  provide('pgliteTemplate', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
