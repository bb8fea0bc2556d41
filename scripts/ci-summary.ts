/**
 * CI's closing summary: reads the JSON reports both vitest runs of `npm test` wrote (unit and
 * e2e, in SOAK_TEST_RESULTS_DIR) and prints each skip, then the totals alone on the last line.
 * Usage: `npx jiti scripts/ci-summary.ts DIR`. Exit 0 whatever it finds: `.ci/run` exits with
 * npm test's own status.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTotals, summaryLines, type VitestJson } from './vitest-totals.js';

function read(file: string): VitestJson | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as VitestJson;
  } catch {
    return null;
  }
}

const dir = process.argv[2] ?? 'reports/ci';
const runs = [runTotals('unit', read(join(dir, 'unit.json'))), runTotals('e2e', read(join(dir, 'e2e.json')))];
process.stdout.write(`${summaryLines(runs).join('\n')}\n`);
