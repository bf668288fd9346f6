/**
 * `npm test`: the component suites (services and web app), then the system suite, then the
 * system tests that stop and start the broker or the database on their own (nothing else may be
 * using it at that moment), then the browser tests. Ends with one line that sums them all:
 * `N passed, N failed`. Extra arguments go to every vitest run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** The part of vitest's JSON report (Jest's shape) read here. */
interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; status: string; assertionResults: { fullName: string; status: string }[] }[];
}

const vitest = join(import.meta.dirname, '..', 'node_modules', '.bin', 'vitest');
const reports = mkdtempSync(join(tmpdir(), 'pedidos-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures: string[] = [];
let exitCode = 0;

const RUNS = [['components', 'web'], ['system'], ['outages'], ['e2e']];

for (const projects of RUNS) {
  const report = join(reports, `${projects[0]}.json`);
  const run = spawnSync(vitest, ['run', ...projects.flatMap((p) => ['--project', p]), '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (run.status !== 0) exitCode = 1;
  try {
    const result = JSON.parse(readFileSync(report, 'utf8')) as VitestReport;
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests;
    totals.skipped += result.numPendingTests + result.numTodoTests;
    for (const file of result.testResults) {
      const name = relative(process.cwd(), file.name);
      const failed = file.assertionResults.filter((test) => test.status === 'failed');
      for (const test of failed) failures.push(`${name} > ${test.fullName}`);
      if (file.status === 'failed' && failed.length === 0) failures.push(`${name} (the file itself)`);
    }
  } catch {
    exitCode = 1; // no report: the run itself broke
  }
}

rmSync(reports, { recursive: true, force: true });
// The failed tests again at the end, where a long log's last lines show them.
for (const failure of failures) console.log(`failed: ${failure}`);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(exitCode);
