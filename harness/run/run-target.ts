/**
 * The server a run soaks, behind one shape whichever it is: the reference server rol-soak starts
 * (its store, its own process under the inspector, its clock joined to the run's) or a `--target`
 * someone else started (only its doors: the inspector and, when it has one, /metrics). Each strategy registers
 * what it started on the run's teardown, so the run stops exactly that.
 */
import { leaksForSide } from '../../common/leaks.js';
import { formatSyntheticLeak } from '../../common/synthetic-leak-spec.js';
import { resolveStore } from '../../store/resolve.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { TargetError } from '../errors.js';
import { InspectorProbe } from '../probes/inspector-probe.js';
import { describeProcess } from '../probes/process-state.js';
import { StoreProbe } from '../probes/store-probe.js';
import type { StoreReading } from '../sample.js';
import type { RunProfiler } from '../profile/run-profiler.js';
import type { CheckpointedPlan } from './checkpoints.js';
import type { RunListener } from './run-events.js';
import { spawnServer } from './spawn-server.js';
import type { Teardown } from './teardown.js';

export interface RunTarget {
  readonly serverUrl: string;
  /** Its Prometheus endpoint, or null: a `--target` without `--metrics` (inspector only, nothing scraped). */
  readonly metricsUrl: string | null;
  readonly metricsToken?: string;
  readonly inspector: InspectorProbe;
  /** The store's connection counts read by the harness itself; absent for a `--target` (no store URI). */
  readonly readStore?: () => Promise<StoreReading>;
  /** Rejects when the target dies mid-run (the reference server's exit); never settles for a `--target`. */
  readonly failure: Promise<never>;
  readonly store: { readonly engine: string; readonly version: string };
  /** Joins the server's simulated clock to the run's epoch (the reference server only; a no-op otherwise). */
  startClock(epochMs: number): Promise<void>;
}

export interface TargetDeps {
  readonly config: ResolvedSoakConfig;
  readonly plan: CheckpointedPlan;
  readonly profiler: RunProfiler;
  readonly teardown: Teardown;
  readonly emit: RunListener;
  /** Called once the store is known, so run.json names it even if the run dies next. */
  readonly onStore: (store: { engine: string; version: string }) => void;
  /** A profiler's failure at stop (clinic's output missing), for the run to report. */
  readonly onProfileProblem: (problem: Error | null) => void;
}

/** A server someone else started: its inspector and /metrics (when it has one), nothing to stop but the inspector session. */
export async function connectTarget(deps: TargetDeps): Promise<RunTarget> {
  const target = deps.config.target;
  if (!target) throw new Error('connectTarget needs config.target');
  const inspector = await InspectorProbe.connect(target.inspect);
  deps.teardown.push('inspector', () => inspector.close());
  const store = { engine: 'target', version: 'unknown' };
  deps.onStore(store);
  return {
    serverUrl: target.url,
    metricsUrl: target.metrics ?? null,
    ...(target.metricsToken === undefined ? {} : { metricsToken: target.metricsToken }),
    inspector,
    failure: new Promise<never>(() => undefined),
    store,
    startClock: async () => undefined,
  };
}

/** The reference server: the store it needs, then the server in its own process under the inspector. */
export async function startReferenceTarget(deps: TargetDeps): Promise<RunTarget> {
  const { config, plan, emit, teardown, profiler } = deps;
  const running = await resolveStore({ mode: config.store, log: (line) => emit({ type: 'log', message: line }) });
  teardown.push('store', () => running.stop());
  const store = { engine: running.engine, version: running.version };
  deps.onStore(store);
  emit({ type: 'store', engine: running.engine, version: running.version, uri: running.uri });
  // Before the server exists: whatever the store holds now is not the server's.
  const probe = await StoreProbe.connect(running.uri);
  teardown.push('store probe', () => probe.cleanup());
  const storeBaseline = await probe.baseline();
  emit({ type: 'log', message: `store connections before the server: ${storeBaseline} (the harness's own client holds 2)` });
  const server = await spawnServer({
    storeUri: running.uri,
    leaks: leaksForSide(config.leaks, 'server'),
    // Its epoch is set after seeding and the baseline snapshot (startClock).
    clock: { scale: plan.schedule[0]?.scale ?? plan.scale, minIntervalRealMs: plan.intervalFloorMs, schedule: plan.schedule },
    ...profiler.spawnOptions(),
    // Always set, so a value left in the harness's own env cannot reach the server unasked.
    extraEnv: { SOAK_SYNTHETIC_LEAK: config.syntheticLeak ? formatSyntheticLeak(config.syntheticLeak) : '', SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '' },
  });
  teardown.push('server', async () => {
    const stopStarted = performance.now();
    const endedOnItsOwn = await server.stop().catch(() => false);
    deps.onProfileProblem(profiler.collectClinic(server, endedOnItsOwn, performance.now() - stopStarted));
  });
  emit({
    type: 'server',
    url: server.url,
    pid: server.pid,
    inspectorUrl: server.inspectorUrl,
    ...(server.wrapperPid === null ? {} : { wrapper: { name: config.profile, pid: server.wrapperPid } }),
  });
  const inspector = await InspectorProbe.connect(server.inspectorUrl, { describeTarget: () => describeProcess(server.pid) });
  teardown.push('inspector', () => inspector.close());
  const failure = server.exited.then(({ code, signal }) => {
    throw new TargetError('ERR_SERVER_CRASHED', `the server crashed mid-run (code ${code}, signal ${signal}):\n${server.tail()}`);
  });
  failure.catch(() => undefined);
  return {
    serverUrl: server.url,
    metricsUrl: server.metricsUrl,
    metricsToken: server.metricsToken,
    inspector,
    readStore: async () => ({ ...(await probe.sample()), baseline: storeBaseline }),
    failure,
    store,
    startClock: async (epochMs) => {
      await server.startClock(epochMs);
    },
  };
}
