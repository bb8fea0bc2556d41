/**
 * The one writer of a run's report files. Takes what a run (or `report RUN_DIR`) collected,
 * diffs the heap snapshots, runs the pure analysis and the pure renderers, and writes
 * run.json, report.json, summary.md, junit.xml and report.html into the run folder.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { basename, join } from 'node:path';
import { analyse } from '../analysis/verdict.js';
import { heartbeatFor } from '../../common/app-timers.js';
import type { TimerFidelityOptions } from '../analysis/timer-fidelity.js';
import { referenceTimerSpecs } from '../analysis/timer-specs.js';
import { buildReport, type ProfileFile, type Report, type ReportConfig } from '../analysis/report-types.js';
import type { HeapDiff } from '../analysis/heap-diff-types.js';
import type { RuleId } from '../analysis/rule-types.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { runExitCode } from '../exit-codes.js';
import { exitCodeOf } from '../errors.js';
import { diffHeapSnapshots } from '../probes/heap-diff.js';
import { renderJunit } from '../report/junit.js';
import { renderSummaryMd } from '../report/summary-md.js';
import { writeHtmlReport } from './write-html.js';
import type { CheckpointedPlan } from './checkpoints.js';
import type { Sample } from '../sample.js';
import type { MachineSpeed } from './machine-speed.js';
import type { TimeScaleChoice } from './time-scale.js';
import type { HttpRunInfo } from '../load/http-plan.js';
import type { PhaseWindow } from '../analysis/phase-fidelity.js';
import { loadSegments } from './plan-time-scale.js';
import { DEFAULTS } from '../config/defaults.js';
import { withContractNames } from '../analysis/sample-read.js';
import { isScenarioFile } from '../../scenarios/scenario-file.js';
import { loadCommandPart, type LoadCommandRecord } from '../analysis/load-command-fidelity.js';

export interface SnapshotRecord {
  readonly label: string;
  readonly path: string;
  readonly bytes: number;
  readonly pauseMs: number;
  readonly simMs: number;
}

/** run.json: what `report RUN_DIR` needs to rebuild the reports without the original process. */
export interface RunRecord {
  readonly config: ResolvedSoakConfig;
  readonly runId: string;
  readonly startedAt: string;
  readonly timeScale: TimeScaleChoice;
  /** The speed probe's reading (machine-speed.ts); absent in runs from before it. */
  readonly machineSpeed?: MachineSpeed;
  readonly store: { engine: string; version: string } | null;
  readonly snapshots?: readonly SnapshotRecord[];
  /** Profiler output (`--profile`), paths relative to the run folder. */
  readonly profiles?: readonly ProfileFile[];
  readonly interrupted?: boolean;
  readonly wallSeconds?: number;
  /** The HTTP load's plan or why there was none (absent in runs from before it existed). */
  readonly http?: HttpRunInfo;
  /** The `--load-command` process: command, PID, exit (absent without one). */
  readonly loadCommand?: LoadCommandRecord;
}

/** The idle baseline checkpoint of a run folder (one JSON sample), beside samples.ndjson. */
export const BASELINE_FILE = 'baseline.json';

export interface FinishInput {
  readonly config: ResolvedSoakConfig;
  readonly runId: string;
  readonly runDir: string;
  readonly startedAt: Date;
  readonly timeScale: TimeScaleChoice;
  readonly machineSpeed?: MachineSpeed;
  readonly store: { engine: string; version: string } | null;
  readonly samples: readonly Sample[];
  /** The idle baseline checkpoint read before the first user (absent for runs without checkpoints). */
  readonly baseline?: Sample | null;
  readonly snapshots: readonly SnapshotRecord[];
  readonly profiles?: readonly ProfileFile[];
  readonly interrupted: boolean;
  readonly error: Error | null;
  /** Wall seconds of the original run (kept when reports are rebuilt later). */
  readonly wallSeconds?: number;
  readonly http?: HttpRunInfo;
  readonly loadCommand?: LoadCommandRecord;
}

/** Rules that read only client counts: without virtual users (outside load) nobody reports them. */
const MiB = 1024 * 1024;

const CLIENT_ONLY_RULES: readonly RuleId[] = ['listeners-per-socket', 'document-listeners', 'client-intervals', 'client-heap'];

const PACKAGES = ['socket.io', 'socket.io-client', 'mongoose', 'mongodb', 'prom-client', 'react', 'happy-dom'] as const;

function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      out[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      /* not resolvable through exports: leave it out rather than guess */
    }
  }
  return out;
}

/** The snapshot diff between the idle baseline and the last snapshot, if both exist. */
async function snapshotDiff(snapshots: readonly SnapshotRecord[]): Promise<HeapDiff | undefined> {
  const first = snapshots.find((s) => s.label === 'baseline');
  const last = snapshots.at(-1);
  if (!first || !last || first === last || !existsSync(first.path) || !existsSync(last.path)) return undefined;
  const diff = await diffHeapSnapshots(first.path, last.path, { top: 10 });
  return { topGrowing: diff.topGrowing, from: basename(first.path), to: basename(last.path) };
}

/** The reference app's timers and the floor asked for (keepalive: as the server negotiated it). */
function timerOptions(config: ResolvedSoakConfig, plan: TimeScaleChoice): TimerFidelityOptions {
  // The floor the clocks ran with (run.json records from before --timer-floor have only this).
  const floor = config.timerFloorMs ?? ((plan.intervalFloorMs ?? 1) > 1 ? plan.intervalFloorMs : null);
  const keepaliveRealMs = heartbeatFor(plan.schedule?.[0]?.scale ?? plan.scale, floor ?? 0).pingIntervalMs;
  return { specs: referenceTimerSpecs({ leaks: config.leaks, keepaliveRealMs }), loadStopSimMs: config.hours * 3_600_000, ...(floor !== null ? { floorMs: floor } : {}) };
}

export function writeRunRecord(runDir: string, record: RunRecord): void {
  writeFileSync(join(runDir, 'run.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * The report's calibration-leak fields: the spec, and for the time shape also the older
 * `syntheticLeakMiBPerHour` (kept for readers of schema 1). A run.json from before the shapes
 * holds only `syntheticLeakMiBPerHour` in its config; `report` rebuilds it the same way.
 */
export function syntheticLeakFields(config: ResolvedSoakConfig): Pick<ReportConfig, 'syntheticLeak' | 'syntheticLeakMiBPerHour'> {
  const legacy = (config as { syntheticLeakMiBPerHour?: unknown }).syntheticLeakMiBPerHour;
  const spec = config.syntheticLeak ?? (typeof legacy === 'number' && legacy > 0 ? { shape: 'time' as const, bytesPerSimHour: Math.round(legacy * MiB) } : null);
  if (!spec) return {};
  return { syntheticLeak: spec, ...(spec.shape === 'time' ? { syntheticLeakMiBPerHour: spec.bytesPerSimHour / MiB } : {}) };
}

export async function finishRun(input: FinishInput): Promise<Report> {
  // A run.json from before a budget existed lacks it (NaN in its rule's evidence on `report
  // RUN_DIR`): such a budget takes its default, as resolveConfig would have given it.
  const config = { ...input.config, budgets: { ...DEFAULTS.budgets, ...input.config.budgets } };
  const wallSeconds = input.wallSeconds ?? (Date.now() - input.startedAt.getTime()) / 1000;
  writeRunRecord(input.runDir, {
    config: input.config,
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    timeScale: input.timeScale,
    ...(input.machineSpeed ? { machineSpeed: input.machineSpeed } : {}),
    store: input.store,
    snapshots: input.snapshots,
    ...(input.profiles ? { profiles: input.profiles } : {}),
    interrupted: input.interrupted,
    wallSeconds,
    ...(input.http ? { http: input.http } : {}),
    ...(input.loadCommand ? { loadCommand: input.loadCommand } : {}),
  });
  const diff = await snapshotDiff(input.snapshots).catch(() => undefined);
  // A run.json from before rules/metricNames existed has neither: every rule on, contract names.
  const samples = withContractNames(input.samples, config.metricNames ?? {});
  const analysis = analyse(samples, {
    budgets: config.budgets,
    baseline: input.baseline ?? null,
    users: config.users,
    warmupEndsAtSimMs: config.warmupHours * 3_600_000,
    leaksExpected: config.leaks,
    phases: scenarioPhases(config),
    ...(input.http?.plan ? { httpRatePerSecond: input.http.plan.ratePerSecond } : {}),
    ...(diff ? { snapshotDiff: diff } : {}),
    // Without virtual users (outside load) there are no client counts to judge.
    ...(config.load === 'external' ? { optionalRules: CLIENT_ONLY_RULES, fidelityOptional: true } : {}),
    // A --target runs no simulated clock: its heap is judged per real hour and per action, and
    // the app rules whose metrics it never exported do not apply to it.
    realTime: config.target !== null,
    applicability: {
      foreign: config.target !== null,
      domClients: config.load === 'vus' && !isScenarioFile(config.scenario),
      off: Object.entries(config.rules ?? {}).filter(([, v]) => v === 'off').map(([id]) => id as RuleId),
    },
    // A load command that stopped before the soak's end left hours unloaded: a failing part (load-command-fidelity.ts).
    ...(input.loadCommand ? { fidelityParts: [loadCommandPart(input.loadCommand, config.budgets.fidelityMinRatio)] } : {}),
    // The reference app's timers, counted against production rate (not a --target's: unknown).
    ...(config.target === null && config.load === 'vus' ? { timers: timerOptions(config, input.timeScale) } : {}),
  });
  const exitCode = runExitCode({
    interrupted: input.interrupted,
    errorCode: input.error ? exitCodeOf(input.error) : null,
    status: analysis.verdict.status,
    leaks: analysis.verdict.leaks,
  });
  const plan = input.timeScale as Partial<CheckpointedPlan>;
  const report = buildReport({
    ...(input.http ? { http: input.http } : {}),
    ...(plan.checkpoints && plan.checkpoints.length > 0
      ? { checkpointPlan: { everyHours: config.checkpointEveryHours, holdSeconds: config.checkpointHoldSeconds, holdRealSeconds: plan.holdRealSeconds ?? 0, addedWallSeconds: plan.addedWallSeconds ?? 0 } }
      : {}),
    analysis,
    config: {
      scenario: config.scenario,
      users: config.users,
      hours: config.hours,
      timeScale: input.timeScale.scale,
      ...(input.timeScale.phases && input.timeScale.schedule && input.timeScale.schedule.length > 1
        ? { timeScalePhases: input.timeScale.phases.map(({ name, fromHour, toHour, scale }) => ({ name, fromHour, toHour, scale })) }
        : {}),
      intervalFloorMs: input.timeScale.intervalFloorMs ?? 1,
      ...syntheticLeakFields(config),
      // A run.json from before --headroom has none: the default then.
      productionHeadroomMiB: config.productionHeadroomMiB ?? DEFAULTS.productionHeadroomMiB,
      leaks: config.leaks,
      seed: config.seed,
      warmupHours: config.warmupHours,
      cooldownHours: config.cooldownHours,
      sampleEveryMinutes: config.sampleEveryMinutes,
      budgets: config.budgets,
      target: config.target ? config.target.url : 'reference',
      metrics: config.target ? (config.target.metrics ?? null) : 'reference',
      sources: config.sources,
    },
    environment: {
      store: { engine: input.store?.engine ?? 'unknown', version: input.store?.version ?? null },
      node: process.version,
      os: `${os.platform()} ${os.release()} ${os.arch()}`,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      totalMemoryBytes: os.totalmem(),
      // A run.json from before the capacity was recorded (`report RUN_DIR`) has none.
      ...(input.timeScale.capacityEventsPerSecond !== undefined
        ? { capacity: { actionsPerSecond: input.timeScale.capacityEventsPerSecond, speedFactor: input.machineSpeed?.factor ?? null } }
        : {}),
      packages: packageVersions(),
    },
    run: {
      id: input.runId,
      wallSeconds,
      startedAt: input.startedAt.toISOString(),
      exitCode,
      interrupted: input.interrupted,
      error: input.error ? input.error.message : null,
      snapshots: input.snapshots.map((s) => basename(s.path)),
      ...(input.profiles && input.profiles.length > 0 ? { profiles: input.profiles } : {}),
      ...(input.loadCommand ? { loadCommand: input.loadCommand } : {}),
    },
  });
  writeFileSync(join(input.runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(input.runDir, 'summary.md'), renderSummaryMd(report));
  writeFileSync(join(input.runDir, 'junit.xml'), renderJunit(report));
  writeHtmlReport(input.runDir, report, input.samples);
  return report;
}

/**
 * The scenario's phases over the soak (the cool-down is not a phase of the load), each judged
 * for saturation. None for an unknown scenario name (an outside load): the soak is then one phase.
 */
function scenarioPhases(config: ResolvedSoakConfig): PhaseWindow[] | undefined {
  try {
    return loadSegments({ ...config, cooldownHours: 0 }).map(({ name, fromSimMs, toSimMs }) => ({ name, fromSimMs, toSimMs }));
  } catch {
    return undefined;
  }
}

/** Reads a report.json (or the one inside a run folder). */
export function readReport(path: string): Report {
  const file = existsSync(join(path, 'report.json')) ? join(path, 'report.json') : path;
  return JSON.parse(readFileSync(file, 'utf8')) as Report;
}
