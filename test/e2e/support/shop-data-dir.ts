// Vitest global setup of the tests that start shops: one embedded data directory, created by
// PGlite's initdb once for the whole run, which every shop then starts from a copy of
// (startShop). Creating one costs 2 to 4 s of CPU; copying it, a tenth of a second. Removed when
// the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '@pedidos/platform/db';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An initialized, empty PGlite data directory for shops to copy. */
    shopDataDir?: string;
  }
}

export default async function shopDataDir({ provide }: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'pedidos-shop-data-'));
  const dataDir = join(root, 'data');
  const database = await openDatabase({ dataDir });
  await database.close();
  provide('shopDataDir', dataDir);
  return () => rmSync(root, { recursive: true, force: true });
}
