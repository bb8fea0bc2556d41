/**
 * `npm run soak -- report RUN_DIR`: rebuilds a run's reports from what it left on disk
 * (`run.json` written at start, `samples.ndjson` streamed during the run) — also for a run that
 * died or was interrupted before it wrote report.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXIT, exitCodeForStatus } from './exit-codes.js';
import { UsageError } from './errors.js';
import type { Sample } from './sample.js';
import { readNdjson } from './run/ndjson-writer.js';
import { DEFAULT_BUDGETS } from './analysis/budgets.js';
import { DEFAULTS } from './config/defaults.js';
import { BASELINE_FILE, finishRun, type RunRecord } from './run/finish-run.js';
import { renderVerdictTable } from './verdict-table.js';

export async function runReportCommand(dir: string): Promise<number> {
  const runDir = resolve(dir);
  const runFile = join(runDir, 'run.json');
  const samplesFile = join(runDir, 'samples.ndjson');
  if (!existsSync(runFile) || !existsSync(samplesFile)) {
    throw new UsageError(`${runDir} is not a run folder: it needs run.json and samples.ndjson`);
  }
  let record: RunRecord;
  try {
    record = JSON.parse(readFileSync(runFile, 'utf8')) as RunRecord;
  } catch (error) {
    throw new UsageError(`cannot read ${runFile}: ${(error as Error).message}`);
  }
  const { records, skipped } = readNdjson<Sample>(samplesFile);
  if (skipped > 0) process.stderr.write(`rol-soak: skipped ${skipped} torn line(s) in samples.ndjson\n`);
  const report = await finishRun({
    ...record,
    // A run recorded before a budget or setting existed is judged with today's default for it.
    config: { ...DEFAULTS, ...record.config, budgets: { ...DEFAULT_BUDGETS, ...record.config.budgets } },
    runDir,
    startedAt: new Date(record.startedAt),
    samples: records,
    baseline: readBaseline(join(runDir, BASELINE_FILE)),
    snapshots: record.snapshots ?? [],
    interrupted: record.interrupted ?? false,
    error: null,
  });
  process.stdout.write(`${renderVerdictTable(report)}\nreport rebuilt: ${runDir}\n`);
  return report.verdict.status ? exitCodeForStatus(report.verdict.status) : EXIT.failure;
}

/** The run's idle baseline checkpoint, or null for a run without one (or one it could not read). */
function readBaseline(file: string): Sample | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Sample;
  } catch (error) {
    process.stderr.write(`rol-soak: ignored ${file}: ${(error as Error).message}\n`);
    return null;
  }
}
