// Vitest global setup of the system and browser tests: what they start is production's
// compiled JavaScript (test/support/compiled-entry.ts), built here from the sources as they are
// now, as `npm run build:services` does, before the project's files run (0.7 s, once for each
// project that has this setup).
import { compile } from '../../scripts/compile';

export default async function compileEntries(): Promise<void> {
  await compile();
}
