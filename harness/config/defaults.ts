import { DEFAULT_BUDGETS } from '../analysis/budgets.js';
import type { ResolvedSoakConfig } from './types.js';

/**
 * Every default in one frozen object. The auto time scale aims at `maxWallMinutes` = 3: the
 * issue's "25 simulated hours of 100 users in at most 3 minutes here".
 */
export const DEFAULTS: Omit<ResolvedSoakConfig, 'sources'> = Object.freeze({
  scenario: 'office-day',
  users: 100,
  hours: 25,
  timeScale: 'auto',
  leaks: Object.freeze([]),
  seed: 1,
  out: 'reports',
  ci: false,
  // Two simulated hours: long enough for every VU to have arrived and the JIT/heap to settle
  // (an idle server's heap still creeps for a while after start).
  warmupHours: 2,
  cooldownHours: 0.5,
  sampleEveryMinutes: 15,
  // Every simulated hour: 25 checkpoints in the default run, 23 after warm-up, for the slope.
  checkpointEveryHours: 1,
  // A hold's real length: the in-flight actions' settle (CHECKPOINT_SETTLE_MS) plus the stable
  // GC and the reads (~0.3–1 s at 100 users); 25 holds are 50 s of a ~31-minute default run.
  checkpointHoldSeconds: 2,
  // Past the 5.8–7.7 s at which the reference server still released memory after the buddy
  // seeding (inspector-probe.ts; npm run bench -- --only idle-settle).
  idleSettleSeconds: 10,
  maxWallMinutes: 3,
  snapshots: true,
  store: 'auto',
  load: 'vus',
  // No outside command; `--load-command` sets one (and with it load 'external').
  loadCommand: null,
  target: null,
  // REST load alongside the virtual users (only with --load vus, and only where the scenario plans some).
  http: true,
  profile: 'none',
  syntheticLeak: null,
  // Every periodic timer at its production rate unless a floor is asked for (--timer-floor).
  timerFloorMs: null,
  // Half of the ~2 GiB heap limit V8 picks on the seed's 8 GB server (types.ts says why).
  productionHeadroomMiB: 1024,
  budgets: DEFAULT_BUDGETS,
  // Every rule on; every metric under its contract name (docs/metrics-contract.md).
  rules: {},
  metricNames: {},
});
