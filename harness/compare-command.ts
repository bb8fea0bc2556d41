/**
 * `npm run soak -- compare BASE HEAD`: reads two report.json files (or run folders), compares
 * them with the pure comparer, prints the table, writes compare.md and compare.html next to the
 * head run (or --out), exits 1 if head regressed, 2 if the runs are not comparable.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { compareReports } from './report/compare.js';
import { renderCompareMd } from './report/compare-md.js';
import { renderCompareHtml } from './report/compare-html.js';
import { uplotAssetsFromDisk } from './run/write-html.js';
import { readNdjson } from './run/ndjson-writer.js';
import type { Sample } from './sample.js';
import type { Report } from './analysis/report-types.js';
import { EXIT } from './exit-codes.js';
import { UsageError } from './errors.js';
import { readReport } from './run/finish-run.js';

/** The run's samples, when its folder still has them (the overlaid curves need them). */
function samplesOf(dir: string): readonly Sample[] | undefined {
  const file = join(dir, 'samples.ndjson');
  return existsSync(file) ? readNdjson<Sample>(file).records : undefined;
}

function load(path: string): { report: Report; dir: string } {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new UsageError(`no such report or run folder: ${abs}`);
  try {
    const report = readReport(abs);
    if (report.schemaVersion !== 1) throw new Error(`unsupported schemaVersion ${String(report.schemaVersion)}`);
    const dir = existsSync(join(abs, 'report.json')) ? abs : dirname(abs);
    return { report, dir };
  } catch (error) {
    throw new UsageError(`cannot read ${abs} as a report: ${(error as Error).message}`);
  }
}

export async function runCompareCommand(basePath: string, headPath: string, flags: { force?: boolean; out?: string }): Promise<number> {
  const base = load(basePath);
  const head = load(headPath);
  const result = compareReports(base.report, head.report, { force: flags.force ?? false });
  const md = renderCompareMd(result);
  process.stdout.write(`${md}\n`);
  if (result.status === 'refused') {
    process.stderr.write('rol-soak: runs differ in scenario, users, hours, seed or leaks; use --force to compare anyway\n');
    return EXIT.usage;
  }
  const outDir = resolve(flags.out ?? head.dir);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'compare.md'), md);
  const samples = { base: samplesOf(base.dir), head: samplesOf(head.dir) };
  writeFileSync(join(outDir, 'compare.html'), renderCompareHtml(result, uplotAssetsFromDisk(), { ...(samples.base ? { base: samples.base } : {}), ...(samples.head ? { head: samples.head } : {}) }));
  process.stdout.write(`written: ${join(outDir, 'compare.md')}, ${join(outDir, 'compare.html')}\n`);
  return result.status === 'regressed' ? EXIT.fail : EXIT.pass;
}
