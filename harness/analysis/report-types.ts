/**
 * The `report.json` schema (version 1) and its pure builder. Keys other tools rely on are
 * STABLE within a schema version: `schemaVersion`, `verdict.status`, `verdict.leaks`,
 * `verdict.rules[] {id, status, evidence}`, `config.{scenario, users, hours, timeScale, leaks,
 * seed}`, `environment.store.engine`, `run.{id, wallSeconds, startedAt, exitCode}`,
 * `fidelity.ratio`, `series`, `attribution`, `snapshotDiff`. Adding keys is compatible;
 * renaming or removing one needs schemaVersion 2.
 *
 * The builder rounds nothing and invents nothing; it only makes the result valid JSON
 * (non-finite numbers become null) and freezes the shape.
 */
import type { LeakId } from '../../common/leaks.js';
import type { ProfileKind } from '../config/types.js';
import type { AttributionResult } from './attribution.js';
import type { Budgets } from './budgets.js';
import type { FidelityResult } from './fidelity.js';
import type { HeapDiff } from './heap-diff-types.js';
import type { TrendResult } from './trend.js';
import type { Analysis, SamplesSummary, Verdict } from './verdict.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

export interface ReportConfig {
  readonly scenario: string;
  readonly users: number;
  readonly hours: number;
  /** The time scale actually used (simulated ms per real ms), after `auto` was resolved. */
  readonly timeScale: number;
  readonly leaks: readonly LeakId[];
  readonly seed: number;
  readonly warmupHours?: number;
  readonly cooldownHours?: number;
  readonly sampleEveryMinutes?: number;
  readonly budgets?: Budgets;
  /** `reference` (the project's server) or the target URL in target mode. */
  readonly target?: string;
}

export interface ReportEnvironment {
  /** Which store ran: `wire` (offline store), `memory-server`, `uri`, `target`…, and its version. */
  readonly store: { readonly engine: string; readonly version: string | null };
  /** `process.version` of the harness, e.g. `v20.20.2`. */
  readonly node: string;
  /** e.g. `linux 6.8.0 x64`. */
  readonly os: string;
  readonly cpus: number;
  readonly cpuModel?: string;
  readonly totalMemoryBytes?: number;
  /** Versions of the packages that shape the result: socket.io, mongoose, mongodb, prom-client… */
  readonly packages: Readonly<Record<string, string>>;
}

export interface ReportRun {
  /** Sortable run id (time, scenario, short hash), also the folder name. */
  readonly id: string;
  readonly wallSeconds: number;
  /** ISO 8601 time the run started. */
  readonly startedAt: string;
  /** The process exit code this run maps to (0 pass, 1 fail, 3 inconclusive, 4 failure, 130). */
  readonly exitCode: number;
  readonly interrupted?: boolean;
  /** The harness or target error that ended the run early, if any. */
  readonly error?: string | null;
  /** Heap snapshot files written, relative to the run folder. */
  readonly snapshots?: readonly string[];
  /** Profiler output handed off (`--profile`): files or folders relative to the run folder. */
  readonly profiles?: readonly ProfileFile[];
}

export interface ProfileFile {
  readonly kind: Exclude<ProfileKind, 'none'>;
  /** Relative to the run folder, e.g. `server.heapprofile`, `clinic/1234.clinic-doctor.html`. */
  readonly path: string;
  /** Size; a folder's is the sum of its files. */
  readonly bytes: number;
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly verdict: Verdict;
  readonly config: ReportConfig;
  readonly environment: ReportEnvironment;
  readonly run: ReportRun;
  readonly fidelity: FidelityResult;
  readonly series: Readonly<Record<string, TrendResult>>;
  readonly attribution: AttributionResult;
  readonly snapshotDiff: HeapDiff | null;
  readonly samples: SamplesSummary;
}

export interface ReportInput {
  readonly analysis: Analysis;
  readonly config: ReportConfig;
  readonly environment: ReportEnvironment;
  readonly run: ReportRun;
}

/** Assembles report.json's object from an analysis and the run's facts. Pure. */
export function buildReport(input: ReportInput): Report {
  const { analysis } = input;
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    verdict: analysis.verdict,
    config: input.config,
    environment: input.environment,
    run: input.run,
    fidelity: analysis.fidelity,
    series: analysis.series,
    attribution: analysis.attribution,
    snapshotDiff: analysis.snapshotDiff,
    samples: analysis.samples,
  };
  return jsonSafe(report) as Report;
}

/** Deep copy with NaN/±Infinity → null and undefined properties dropped (what JSON would do, made explicit). */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out;
  }
  return value;
}
