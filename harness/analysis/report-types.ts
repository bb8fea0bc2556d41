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
import type { SyntheticLeakSpec } from '../../common/synthetic-leak-spec.js';
import type { ProfileKind } from '../config/types.js';
import type { AttributionResult } from './attribution.js';
import type { Budgets } from './budgets.js';
import type { FidelityResult } from './fidelity.js';
import type { TimerFidelity } from './timer-fidelity.js';
import type { HeapDiff } from './heap-diff-types.js';
import type { TrendResult } from './trend.js';
import type { CheckpointSummary } from './checkpoint-rules.js';
import type { Analysis, SamplesSummary, Verdict } from './verdict.js';
import type { HttpSummary } from './latency-rules.js';
import type { HttpRunInfo } from '../load/http-plan.js';
import type { LoadCommandRecord } from './load-command-fidelity.js';

export const REPORT_SCHEMA_VERSION = 1 as const;

export interface ReportConfig {
  readonly scenario: string;
  readonly users: number;
  readonly hours: number;
  /**
   * The time scale actually used (simulated ms per real ms), after `auto` was resolved; when the
   * scale changed from phase to phase, the run's mean (simulated over planned real ms).
   */
  readonly timeScale: number;
  /** Each stretch's own scale when it changed from phase to phase (`auto`); absent otherwise. */
  readonly timeScalePhases?: ReadonlyArray<{ readonly name: string; readonly fromHour: number; readonly toHour: number; readonly scale: number }>;
  /**
   * Real-ms floor of periodic timers (1 = none): a 10 s ping fired every max(10 s / S, floor)
   * real ms, i.e. every `floor × S` simulated ms when the floor binds. Absent in older reports.
   */
  readonly intervalFloorMs?: number;
  /**
   * The calibration leak the reference server was asked to keep (`--synthetic-leak`): shape and
   * size (common/synthetic-leak-spec.ts). Absent = none, and in reports from before the shapes.
   */
  readonly syntheticLeak?: SyntheticLeakSpec;
  /** The time shape's rate again, MiB per simulated hour, as reports before the shapes had it (absent for other shapes and none). */
  readonly syntheticLeakMiBPerHour?: number;
  /**
   * Heap headroom of the production server the report speaks of, MiB (`--headroom`): the
   * production-terms sentence says how many days it lasts at the heap slope. Absent in older
   * reports (the renderers then use the default, 1024).
   */
  readonly productionHeadroomMiB?: number;
  readonly leaks: readonly LeakId[];
  readonly seed: number;
  readonly warmupHours?: number;
  readonly cooldownHours?: number;
  readonly sampleEveryMinutes?: number;
  readonly budgets?: Budgets;
  /** `reference` (the project's server) or the target URL in target mode. */
  readonly target?: string;
  /**
   * The /metrics the run scraped: `reference` (the project's server, its URL differs per run),
   * the target's endpoint, or null: an inspector-only soak (a `--target` without `--metrics`),
   * where nothing was scraped and the rules that need the server's own metrics cannot be
   * judged. Absent in older reports (they always scraped one).
   */
  readonly metrics?: string | null;
  /** Where each resolved value came from: default | file | scenario | env | cli. Absent in older reports. */
  readonly sources?: Readonly<Record<string, 'default' | 'file' | 'scenario' | 'env' | 'cli'>>;
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
  /**
   * What the auto time scale planned on (harness/run/machine-speed.ts): actions per real second,
   * and the speed probe's factor against the machine that capacity was measured on (≤ 1).
   * Absent in runs from before the probe.
   */
  readonly capacity?: { readonly actionsPerSecond: number; readonly speedFactor: number | null };
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
  /** The `--load-command` process: command, PID, how and when it ended (absent without one). */
  readonly loadCommand?: LoadCommandRecord;
}

export interface ProfileFile {
  readonly kind: Exclude<ProfileKind, 'none'>;
  /** Relative to the run folder, e.g. `server.heapprofile`, `clinic/1234.clinic-doctor.html`. */
  readonly path: string;
  /** Size; a folder's is the sum of its files. */
  readonly bytes: number;
}

/**
 * The HTTP load (REST requests, harness/load/http-load.ts): its plan, and its figures over the soak
 * windows (null when it did not run). Added in schema 1 (compatible: a new key).
 */
export interface ReportHttp {
  readonly enabled: boolean;
  readonly note: string | null;
  readonly plan: HttpRunInfo['plan'];
  readonly windows: HttpSummary['windows'] | null;
  readonly totals: HttpSummary['totals'] | null;
  readonly run: HttpSummary['run'] | null;
  readonly latencyMs: HttpSummary['latencyMs'] | null;
  /** Per-window p90 latency, Theil–Sen slope per simulated hour (ms/h) with its 95% interval. */
  readonly drift: HttpSummary['drift'] | null;
  readonly percentile: HttpSummary['percentile'];
}

export interface Report {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly verdict: Verdict;
  readonly config: ReportConfig;
  readonly environment: ReportEnvironment;
  readonly run: ReportRun;
  readonly fidelity: FidelityResult;
  /** Periodic timers against production rate (timer-fidelity.ts); absent in older reports and without virtual users. */
  readonly timers?: TimerFidelity;
  readonly series: Readonly<Record<string, TrendResult>>;
  readonly attribution: AttributionResult;
  readonly snapshotDiff: HeapDiff | null;
  readonly samples: SamplesSummary;
  readonly http: ReportHttp;
  /** The quiet checkpoints (harness/run/checkpoints.ts) and their cost; absent in runs without them. */
  readonly checkpoints?: ReportCheckpoints;
}

/** The checkpoints as read (analysis) and as planned: the holds' real time and their share of the run. */
export interface ReportCheckpoints extends CheckpointSummary {
  /** Cadence asked for, simulated hours (0 = phase ends only), and each hold's real length, s. */
  readonly everyHours: number;
  readonly holdSeconds: number;
  /** Real seconds all holds lasted, the seconds they added to the run, and that added time over the run's wall time. */
  readonly holdRealSeconds: number;
  readonly addedWallSeconds: number;
  readonly shareOfRun: number | null;
}

export interface ReportInput {
  readonly analysis: Analysis;
  readonly config: ReportConfig;
  readonly environment: ReportEnvironment;
  readonly run: ReportRun;
  /** What the run recorded about its HTTP load (absent in runs from before it existed). */
  readonly http?: HttpRunInfo;
  /** The checkpoint plan's figures (absent: the run had no checkpoints). */
  readonly checkpointPlan?: { readonly everyHours: number; readonly holdSeconds: number; readonly holdRealSeconds: number; readonly addedWallSeconds: number };
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
    ...(analysis.timers ? { timers: analysis.timers } : {}),
    series: analysis.series,
    attribution: analysis.attribution,
    snapshotDiff: analysis.snapshotDiff,
    samples: analysis.samples,
    http: reportHttp(analysis.http, input.http),
    ...(analysis.checkpoints
      ? {
          checkpoints: {
            ...analysis.checkpoints,
            everyHours: input.checkpointPlan?.everyHours ?? 0,
            holdSeconds: input.checkpointPlan?.holdSeconds ?? 0,
            holdRealSeconds: input.checkpointPlan?.holdRealSeconds ?? 0,
            addedWallSeconds: input.checkpointPlan?.addedWallSeconds ?? 0,
            shareOfRun: input.run.wallSeconds > 0 && input.checkpointPlan ? input.checkpointPlan.addedWallSeconds / input.run.wallSeconds : null,
          },
        }
      : {}),
  };
  return jsonSafe(report) as Report;
}

function reportHttp(summary: HttpSummary | null, info: HttpRunInfo | undefined): ReportHttp {
  return {
    enabled: summary !== null,
    note: info?.note ?? (summary === null ? 'no HTTP load in this run' : null),
    plan: info?.plan ?? null,
    windows: summary?.windows ?? null,
    totals: summary?.totals ?? null,
    run: summary?.run ?? null,
    latencyMs: summary?.latencyMs ?? null,
    drift: summary?.drift ?? null,
    percentile: summary?.percentile ?? 'p90',
  };
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
