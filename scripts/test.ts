/**
 * `npm test`: the component suites, then the system suite on its own (it stops and starts
 * the broker, which nothing else may be using at that moment). Ends with one line that
 * sums both: `N passed, N failed`. Extra arguments go to both vitest runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const vitest = join(import.meta.dirname, '..', 'node_modules', '.bin', 'vitest');
const reports = mkdtempSync(join(tmpdir(), 'pedidos-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

for (const project of ['components', 'system']) {
  const report = join(reports, `${project}.json`);
  const run = spawnSync(vitest, ['run', '--project', project, '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) exitCode = 1;
  try {
    const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests;
    totals.skipped += result.numPendingTests + result.numTodoTests;
  } catch {
    exitCode = 1; // no report: the run itself broke
  }
}

rmSync(reports, { recursive: true, force: true });
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(exitCode);
