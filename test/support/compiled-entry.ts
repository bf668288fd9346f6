import { startProcess, type StartOptions, type TestProcess } from '@pedidos/platform/testing';
import { compiledPath, PRODUCTION_NODE_FLAGS } from '../../scripts/compile';

/**
 * Starts `entry` (`services/orders/src/main.ts`) as production runs it: its compiled JavaScript,
 * with production's node flags. The system and browser tests' global setup compiles every entry
 * before each run (test/support/compile-entries.ts; a watch mode's reruns keep that build). Starting a service
 * under the TypeScript loader costs about two seconds of CPU more each time, and these tests
 * start a hundred or so.
 */
export function startCompiled(entry: string, opts: StartOptions): TestProcess {
  return startProcess(process.execPath, [...PRODUCTION_NODE_FLAGS, compiledPath(entry)], opts);
}
