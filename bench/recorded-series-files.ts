/**
 * Recorded checkpoint series on disk (bench/data/<folder>/<run-id>.json, written by
 * scripts/record-checkpoints.ts): the repository root from dist/bench/ or bench/ alike, and a
 * folder's clean series long enough for the bench that reads them.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedSeries } from './checkpoint-series.js';

/** The repository root, from dist/bench/ or bench/ alike. */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return basename(dirname(here)) === 'dist' ? join(here, '..', '..') : join(here, '..');
}

/** The folder's series of runs with no leak switched on and at least `minPoints` checkpoints, by file name. */
export function loadRecordedSeries(dir: string, minPoints: number): RecordedSeries[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as RecordedSeries)
    .filter((s) => s.leaks.length === 0 && s.points.length >= minPoints);
}
