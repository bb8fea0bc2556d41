/**
 * One soak run, start to end: the target (run-target.ts: the reference server with its store, or
 * a `--target`) → buddy seeding, baseline snapshot and checkpoint → load process and HTTP load,
 * or the `--load-command` (load-command.ts) →
 * sampling loop (soak-loop.ts) → analysis and report files (finish-run.ts). Everything started
 * here is registered on one teardown stack (teardown.ts) and stopped in reverse order by the
 * handle that started it — also on error and on SIGINT (abort signal), in which case the
 * samples taken so far still become a (partial) report. With `--profile`, the heap profile is
 * read while the server still runs, and clinic's output is checked after it stopped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SimClock } from '../../common/sim-clock.js';
import { leaksForSide } from '../../common/leaks.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { runExitCode, type ExitCode } from '../exit-codes.js';
import { exitCodeOf, InterruptedError, TargetError } from '../errors.js';
import type { InspectorProbe } from '../probes/inspector-probe.js';
import { scrapeMetrics } from '../probes/metrics-probe.js';
import type { Sample } from '../sample.js';
import type { Report } from '../analysis/report-types.js';
import { resolveScenario, type ScenarioName } from '../../scenarios/scenarios.js';
import { seedBuddies } from '../../scenarios/seed-buddies.js';
import { VU_PASSWORD, VU_USERNAME_PREFIX } from '../../scenarios/worker-protocol.js';
import { loopbackUrl, startHttpLoad, type HttpLoadHandle } from '../load/http-load.js';
import { httpConnectionsFor, planHttpRate, type HttpRunInfo } from '../load/http-plan.js';
import { startLoadProcess, type LoadHandle } from './load-process.js';
import { NdjsonWriter } from './ndjson-writer.js';
import { makeRunId } from './run-id.js';
import type { RunListener } from './run-events.js';
import { readSample, runSoakLoop, type LoopResult } from './soak-loop.js';
import { Teardown } from './teardown.js';
import { connectTarget, startReferenceTarget, type RunTarget } from './run-target.js';
import { planCheckpoints, withCheckpoints, type CheckpointedPlan } from './checkpoints.js';
import type { TimeScaleChoice } from './time-scale.js';
import { measureMachineSpeed } from './machine-speed.js';
import { planTimeScale } from './plan-time-scale.js';
import { BASELINE_FILE, finishRun, writeRunRecord } from './finish-run.js';
import { preflightProfile, RunProfiler } from '../profile/run-profiler.js';
import { isScenarioFile } from '../../scenarios/scenario-file.js';
import { loadRunScenario } from './target-load.js';
import { startLoadCommand, type LoadCommandHandle } from './load-command.js';
import { loadCommandSentence } from '../report/load-command-text.js';
import { loadCommandPart } from '../analysis/load-command-fidelity.js';
import { planUserScenario } from './plan-user-scenario.js';

/** Real ms between forking the load and simulated time 0: 100 users' workers were up in 1.1–1.9 s here; a later start shows in the log and the warm-up absorbs it. */
const LOAD_START_ALLOWANCE_MS = 3_000;
/** Real seconds the HTTP load may outlive the planned soak before it stops by itself (a slow start, a late cool-down sample). */
const HTTP_DURATION_SLACK_S = 60;

export interface RunOptions {
  readonly cwd: string;
  readonly signal: AbortSignal;
  readonly onEvent?: RunListener;
}

export interface RunResult {
  readonly exitCode: ExitCode;
  readonly runDir: string;
  readonly report: Report | null;
  readonly error: Error | null;
}

export async function runSoak(config: ResolvedSoakConfig, options: RunOptions): Promise<RunResult> {
  const emit: RunListener = options.onEvent ?? (() => undefined);
  // Refuses (UsageError, exit 2) before a folder or a process exists: clinic missing or broken here.
  const clinicBin = preflightProfile(config.profile);
  // Also before anything exists: a bad scenario file, or a target without a load (target-load.ts).
  const userScenario = await loadRunScenario(config, options.cwd);
  const startedAt = new Date();
  const runId = makeRunId(startedAt, userScenario?.scenario.name ?? config.scenario, JSON.stringify(config));
  const runDir = resolve(options.cwd, config.out, runId);
  mkdirSync(runDir, { recursive: true });
  // Before any process of the run exists, so it times this machine, not the run (machine-speed.ts).
  // Only the auto scale plans on capacity: a fixed --time-scale or an outside load needs no probe.
  const machineSpeed = config.timeScale === 'auto' && config.load !== 'external' && !userScenario ? measureMachineSpeed() : undefined;
  const plan = planCheckpointHolds(config, userScenario ? planUserScenario(config, userScenario.scenario) : planTimeScale(config, machineSpeed?.factor));
  // run.json first: a run that dies still leaves what `report RUN_DIR` needs.
  const record = { config, runId, startedAt: startedAt.toISOString(), timeScale: plan, ...(machineSpeed ? { machineSpeed } : {}), store: null };
  writeRunRecord(runDir, record);
  emit({
    type: 'config',
    runId,
    runDir,
    timeScale: plan.scale,
    limitedBy: plan.limitedBy,
    estimatedWallSeconds: plan.estimatedWallSeconds,
    withinBudget: plan.withinBudget,
    maxWallMinutes: config.maxWallMinutes,
    intervalFloorMs: plan.intervalFloorMs,
    schedule: plan.schedule,
    phases: plan.phases,
    capacityEventsPerSecond: plan.capacityEventsPerSecond,
    ...(machineSpeed ? { speedFactor: machineSpeed.factor } : {}),
  });

  const loop: LoopResult = { samples: [] as Sample[], snapshots: [] };
  // The idle server's quiet reading before the first user (the end checkpoint's reference).
  let baseline: Sample | null = null;
  let error: Error | null = null;
  let storeInfo: { engine: string; version: string } | null = null;
  let httpInfo: HttpRunInfo = { plan: null, note: null };
  let loadCommand: LoadCommandHandle | null = null;
  const teardown = new Teardown();
  const profiler = new RunProfiler(config.profile, runDir, clinicBin, emit);
  // A profiler's failure becomes the run's error unless the run already has one (then it is logged).
  const profileFailed = (problem: Error | null) => {
    if (!problem) return;
    if (error) emit({ type: 'log', message: problem.message });
    else error = problem;
  };

  try {
    const targetDeps = {
      config,
      plan,
      profiler,
      teardown,
      emit,
      onStore: (store: { engine: string; version: string }) => {
        storeInfo = store;
        writeRunRecord(runDir, { ...record, store });
      },
      onProfileProblem: profileFailed,
    };
    const target = config.target ? await connectTarget(targetDeps) : await startReferenceTarget(targetDeps);
    const { inspector } = target;
    const scrape = target.metricsUrl === null ? null : scrapeFor(target.metricsUrl, target.metricsToken);
    // Said once, before the first sample: an inspector-only soak (a --target without --metrics).
    if (scrape === null) emit({ type: 'log', message: NO_METRICS_NOTE });
    let failure = target.failure;

    // The users' buddy lists exist before hour 0, as in the real app (scenarios/seed-buddies.ts);
    // only the reference app has buddies: a user scenario's server is seeded by its own scripts.
    if (config.load === 'vus' && !userScenario) {
      const scenario = resolveScenario(config.scenario as ScenarioName);
      const seeded = await seedBuddies({ serverUrl: target.serverUrl, users: config.users, buddiesPerUser: scenario.buddiesPerUser, usernamePrefix: VU_USERNAME_PREFIX, password: VU_PASSWORD });
      emit({ type: 'log', message: `seeded ${seeded.friendships} friendships among ${seeded.users} users in ${(seeded.realMs / 1000).toFixed(1)} s` });
    }

    // Baseline heap snapshot while the server is idle, before any user arrives. With the end
    // snapshot (after cool-down, every user gone) it brackets what the run retained; taking
    // snapshots under load would freeze the server for seconds (= simulated hours) mid-run.
    if (config.snapshots) {
      const path = join(runDir, '1-baseline.heapsnapshot');
      const taken = await inspector.takeHeapSnapshot(path);
      loop.snapshots.push({ label: 'baseline', path, simMs: 0, ...taken });
      emit({ type: 'snapshot', label: 'baseline', path, bytes: taken.bytes, pauseMs: taken.pauseMs });
    }

    // The idle baseline checkpoint: the heap collected until stable and every gauge read, with
    // no user on yet. The end checkpoint, after the cool-down, is judged against it. A load
    // command starts after it, so the server is known to be idle here; a plain `--load external`
    // may already be running, so it gets none.
    if (plan.checkpoints.length > 0 || config.loadCommand !== null) baseline = await readBaselineCheckpoint({ config, runDir, inspector, scrape, target, emit, startedAt });

    // Simulated time 0 lies LOAD_START_ALLOWANCE_MS ahead, so the load's workers are up before
    // the scenario's day begins and no planned action is late from the start.
    // The server's clock starts at the same epoch, so every process changes scale at the same
    // real instant (server/clock-start.ts says what an offset did).
    const clock = new SimClock({ epochMs: Date.now() + LOAD_START_ALLOWANCE_MS, minIntervalRealMs: plan.intervalFloorMs, schedule: plan.schedule });
    await target.startClock(clock.epochMs);
    let load: LoadHandle | null = null;
    if (config.load === 'vus') {
      const started = await startLoadProcess({
        serverUrl: target.serverUrl,
        ...(userScenario ? { scenarioFile: userScenario.path } : { scenario: config.scenario as ScenarioName }),
        users: config.users,
        hours: config.hours,
        seed: config.seed,
        leaks: leaksForSide(config.leaks, 'client'),
        clock: clock.spec(),
        buddiesSeeded: true,
      });
      load = started;
      teardown.push('load', () => started.stop());
      emit({ type: 'load', pid: started.pid, users: config.users });
      if (clock.now() > 0) emit({ type: 'log', message: `load ready ${(-clock.realUntil(0) / 1000).toFixed(1)} s after simulated time 0 (warm-up absorbs it)` });
      failure = Promise.race([failure, started.failed]);
      failure.catch(() => undefined);
    }
    if (config.loadCommand !== null) {
      // After the idle baseline (above) and with the clock set: it runs until the cool-down's start.
      const soakRealSeconds = Math.max(0, clock.realUntil(config.hours * 3_600_000)) / 1000;
      const command = startLoadCommand(config.loadCommand, { targetUrl: target.serverUrl, metricsUrl: target.metricsUrl, soakRealSeconds, runId, runDir }, options.cwd);
      loadCommand = command;
      teardown.push('load command', () => command.stop('teardown'));
      emit({ type: 'load-command', command: config.loadCommand, pid: command.pid, durationS: Math.ceil(soakRealSeconds), log: command.logPath });
      writeRunRecord(runDir, { ...record, store: storeInfo, loadCommand: command.record() });
      failure = Promise.race([failure, command.failed]);
      failure.catch(() => undefined);
      void command.endedEarly.then((r) => {
        const early = loadCommandPart(r, config.budgets.fidelityMinRatio).status === 'too-low';
        emit({ type: 'log', message: `${loadCommandSentence(r)}${early ? ' The verdict is at best inconclusive (fidelity part load-command).' : ''}` });
      });
    }
    const started = await startHttp(config, target.serverUrl, clock, emit);
    const http = started.http;
    httpInfo = started.info;
    if (http) teardown.push('http load', () => http.stop());
    writeRunRecord(runDir, { ...record, store: storeInfo, http: httpInfo });
    // Stopped first of all, while the server is up: on SIGINT too, what was sampled so far.
    teardown.push('heap profile', async () => profileFailed(await profiler.stopHeap(inspector)));

    await runSoakLoop(
      {
        config,
        clock,
        runDir,
        inspector,
        scrape,
        checkpoints: plan.checkpoints,
        ...(target.readStore ? { readStore: target.readStore } : {}),
        load,
        http,
        loadCommand,
        writer: new NdjsonWriter<Sample>(join(runDir, 'samples.ndjson')),
        signal: options.signal,
        failure,
        emit,
        startedRealMs: startedAt.getTime(),
        onPhase: (phase) => profiler.onPhase(phase, inspector),
      },
      loop,
    );
  } catch (caught) {
    error = caught instanceof Error ? caught : new Error(String(caught));
  } finally {
    await teardown.run();
  }
  // Its exit is known now (the teardown stopped it if nothing else had): run.json keeps it even if no report follows.
  const loadCommandRecord = loadCommand?.record();
  if (loadCommandRecord) {
    writeRunRecord(runDir, { ...record, store: storeInfo, http: httpInfo, loadCommand: loadCommandRecord });
    emit({ type: 'log', message: loadCommandSentence(loadCommandRecord) });
  }

  const interrupted = error instanceof InterruptedError;
  if (error && !interrupted && loop.samples.length === 0) {
    return { exitCode: exitCodeOf(error), runDir, report: null, error };
  }
  const report = await finishRun({
    config,
    runId,
    runDir,
    startedAt,
    timeScale: plan,
    ...(machineSpeed ? { machineSpeed } : {}),
    store: storeInfo,
    samples: loop.samples,
    baseline,
    snapshots: loop.snapshots,
    profiles: profiler.files,
    interrupted,
    error,
    http: httpInfo,
    ...(loadCommandRecord ? { loadCommand: loadCommandRecord } : {}),
  });
  const exitCode: ExitCode = runExitCode({ interrupted, errorCode: error ? exitCodeOf(error) : null, status: report.verdict.status, leaks: report.verdict.leaks });
  return { exitCode, runDir, report, error };
}

/**
 * The idle baseline checkpoint, written to its own file (BASELINE_FILE) beside samples.ndjson:
 * the server's heap collected until stable and every gauge read before the first user.
 */
async function readBaselineCheckpoint(deps: {
  config: ResolvedSoakConfig;
  runDir: string;
  inspector: InspectorProbe;
  scrape: (() => Promise<Record<string, number>>) | null;
  target: RunTarget;
  emit: RunListener;
  startedAt: Date;
}): Promise<Sample> {
  const file = join(deps.runDir, BASELINE_FILE);
  const baseline = await readSample(
    {
      config: deps.config,
      clock: new SimClock({ scale: 1 }),
      runDir: deps.runDir,
      inspector: deps.inspector,
      scrape: deps.scrape,
      ...(deps.target.readStore ? { readStore: deps.target.readStore } : {}),
      load: null,
      writer: { write: (x) => writeFileSync(file, `${JSON.stringify(x)}\n`) },
      emit: deps.emit,
      startedRealMs: deps.startedAt.getTime(),
    },
    { scrapeFailures: 0, scrapeLimit: Number.POSITIVE_INFINITY },
    {
      seq: -1,
      phase: 'warmup',
      settle: 'idle',
      lr: null,
      checkpoint: (_server, readRealMs) => ({ kind: 'baseline', atSimMs: 0, settleRealMs: 0, inFlight: 0, overran: false, readRealMs }),
    },
  );
  deps.emit({ type: 'log', message: `baseline checkpoint: heap ${(baseline.server.heapUsed / 1048576).toFixed(1)} MiB after ${baseline.server.gcRounds ?? 1} GC(s)${baseline.server.heapStable === false ? ' (not stable)' : ''}` });
  return baseline;
}

/** What an inspector-only run (a --target without --metrics) says once at its start. */
export const NO_METRICS_NOTE = "no /metrics: rules that need the server's own metrics cannot be judged";

/** The run's /metrics scrape (10 s time-out, the server's bearer token when it has one). */
function scrapeFor(metricsUrl: string, metricsToken: string | undefined): () => Promise<Record<string, number>> {
  return () => scrapeMetrics(metricsUrl, { timeoutMs: 10_000, ...(metricsToken === undefined ? {} : { bearerToken: metricsToken }) });
}

/**
 * The plan with its quiet checkpoints (checkpoints.ts): every `checkpointEveryHours` and at each
 * scenario phase's end within the soak hours. Only the built-in virtual users read the holds
 * from the clock; an outside load (k6) would run through them, so it gets no holds, only the
 * idle baseline and end readings (which need no hold).
 */
function planCheckpointHolds(config: ResolvedSoakConfig, plan: TimeScaleChoice): CheckpointedPlan {
  if (config.load !== 'vus') return withCheckpoints(plan, [], config.maxWallMinutes);
  const phaseEndsHours = plan.phases.map((p) => p.toHour).filter((h) => h <= config.hours);
  const checkpoints = planCheckpoints({ hours: config.hours, everyHours: config.checkpointEveryHours, phaseEndsHours, holdRealMs: config.checkpointHoldSeconds * 1000 });
  return withCheckpoints(plan, checkpoints, config.maxWallMinutes);
}

/**
 * Starts the HTTP load when the run has one: `http` on, the built-in virtual users (their
 * accounts are what it logs in, and the scenario's rate is per virtual user), and REST traffic
 * in the scenario. Bounded: it sends no arrival later than HTTP_DURATION_SLACK_S after the planned soak
 * even if nobody stops it. A login that fails is a target failure (exit 4), not a silent pass.
 */
async function startHttp(
  config: ResolvedSoakConfig,
  serverUrl: string,
  clock: SimClock,
  emit: RunListener,
): Promise<{ http: HttpLoadHandle | null; info: HttpRunInfo }> {
  const none = (note: string) => {
    emit({ type: 'log', message: `HTTP load: none (${note})` });
    return { http: null, info: { plan: null, note } };
  };
  if (isScenarioFile(config.scenario)) return none('a scenario file drives its own traffic (its scripts may call HTTP themselves)');
  const spec = resolveScenario(config.scenario as ScenarioName).http;
  if (!config.http) return none('--no-http');
  if (config.load !== 'vus') return none('outside load: no virtual-user accounts or rate to drive');
  if (!spec) return none(`scenario ${config.scenario} plans no REST traffic`);
  // The HTTP load never leaves this machine: a target elsewhere is soaked without it.
  try {
    loopbackUrl(serverUrl);
  } catch {
    return none(`target ${serverUrl} is not on 127.0.0.1`);
  }
  // Arrivals are spaced in simulated time, so each phase's real rate follows its scale: the
  // sockets are sized for the fastest scale of the soak (the cool-down's load has stopped).
  const soakEndMs = config.hours * 3_600_000;
  const scales = (clock.schedule ?? [{ fromSimMs: 0, scale: clock.scale }]).filter((s) => s.fromSimMs < soakEndMs).map((s) => s.scale);
  const rate = planHttpRate({ ...spec, users: config.users, timeScale: clock.scale, scales });
  const perSimHour = rate.requestsPerSimHour ?? 0;
  if (!(perSimHour > 0)) return none(`scenario ${config.scenario} plans no REST requests for ${config.users} users`);
  const soakRealS = Math.max(0, clock.realUntil(soakEndMs)) / 1000;
  const connections = httpConnectionsFor(rate.peakPerSecond ?? rate.plannedPerSecond);
  let http: HttpLoadHandle;
  try {
    http = await startHttpLoad({
      serverUrl,
      requestsPerSimHour: perSimHour,
      clock,
      untilSimMs: soakEndMs,
      connections,
      mix: spec.mix,
      users: config.users,
      maxDurationS: Math.ceil(soakRealS + HTTP_DURATION_SLACK_S),
    });
  } catch (caught) {
    const message = caught instanceof Error ? caught.message : String(caught);
    throw new TargetError('ERR_TARGET', `the HTTP load could not start: ${message} (--no-http soaks without it)`, { cause: caught });
  }
  const peak = rate.peakPerSecond ?? rate.plannedPerSecond;
  emit({
    type: 'log',
    message:
      `HTTP load: ${String(perSimHour)} requests per simulated hour (${String(config.users)} users × ${String(spec.requestsPerUserHour)}/h), ` +
      `arrivals spaced in simulated time: ${rate.plannedPerSecond.toFixed(1)} req/s real at S ${String(clock.scale)}` +
      `${peak > rate.plannedPerSecond ? `, up to ${peak.toFixed(1)} at the fastest soak scale` : ''}; ${String(http.connections)} keep-alive connection(s)`,
  });
  return { http, info: { plan: { ...rate, connections: http.connections, accounts: http.accounts }, note: null } };
}
