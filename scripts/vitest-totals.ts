/**
 * Totals over vitest's JSON reports (reporter `json`), for CI's closing line. Pure: the caller
 * reads the files. A run whose report is missing (the build, type-check or lint before it failed,
 * or vitest died) counts as one failure, so a run that never happened cannot read as green.
 */

/** The part of vitest's JSON report read here (vitest 4 `JsonTestResults`). */
export interface VitestJson {
  readonly numPassedTests: number;
  readonly numFailedTests: number;
  readonly numPendingTests: number;
  readonly numTodoTests: number;
  readonly startTime: number;
  readonly testResults: readonly {
    readonly name: string;
    readonly status: string;
    readonly message: string;
    readonly endTime: number;
    readonly assertionResults: readonly { readonly fullName: string; readonly status: string }[];
  }[];
}

export interface RunTotals {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** Real seconds from vitest's start to the last test's end; null when the run did not happen. */
  readonly seconds: number | null;
  /** Full names of skipped tests (their titles say why), and of files that failed to load. */
  readonly skippedTests: readonly string[];
  readonly brokenFiles: readonly string[];
}

export function runTotals(name: string, json: VitestJson | null): RunTotals {
  if (json === null) return { name, passed: 0, failed: 1, skipped: 0, seconds: null, skippedTests: [], brokenFiles: [`${name}: no report (the run did not happen or did not finish)`] };
  // A file that fails outside any test (an import error, a failed beforeAll) has no failed test of its own.
  const broken = json.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'));
  const skippedTests = json.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === 'skipped' || a.status === 'pending' || a.status === 'todo').map((a) => a.fullName));
  const end = Math.max(json.startTime, ...json.testResults.map((f) => f.endTime));
  return {
    name,
    passed: json.numPassedTests,
    failed: json.numFailedTests + broken.length,
    skipped: json.numPendingTests + json.numTodoTests,
    seconds: (end - json.startTime) / 1000,
    skippedTests,
    brokenFiles: broken.map((f) => `${f.name}: ${f.message}`),
  };
}

/** The lines CI ends with: per run, each skip and broken file, then `N passed, N failed, N skipped` alone. */
export function summaryLines(runs: readonly RunTotals[]): string[] {
  const lines: string[] = [];
  for (const r of runs) {
    const took = r.seconds === null ? 'did not run' : `${r.seconds.toFixed(0)} s`;
    lines.push(`${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped (${took})`);
    for (const s of r.skippedTests) lines.push(`  skipped: ${s}`);
    for (const b of r.brokenFiles) lines.push(`  broken: ${b}`);
  }
  const sum = (k: 'passed' | 'failed' | 'skipped') => runs.reduce((n, r) => n + r[k], 0);
  lines.push(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
  return lines;
}
