/**
 * Soak configuration types. `SoakUserConfig` is what people write (every field optional, in
 * soak.config.ts via defineConfig); `ResolvedSoakConfig` is what a run uses (every field set,
 * validated). Precedence, stated once in resolve-config.ts:
 * defaults < soak.config.ts < scenario < env < CLI flags.
 */
import type { LeakId } from '../../common/leaks.js';
import type { SyntheticLeakSpec } from '../../common/synthetic-leak-spec.js';
import type { StoreMode } from '../../store/resolve.js';
import type { Budgets } from '../analysis/budgets.js';
import type { RuleId } from '../analysis/rule-types.js';

export type TimeScale = 'auto' | number;
export type LoadMode = 'vus' | 'external';

/** Every `--profile` kind, in help-text order. */
export const PROFILE_KINDS = ['none', 'heap', 'clinic-doctor', 'clinic-heapprofiler'] as const;
/**
 * What the run hands to a profiler: nothing; an inspector sampling heap profile of the server
 * (`server.heapprofile`, DevTools → Memory); or the server run under clinic doctor / heapprofiler.
 */
export type ProfileKind = (typeof PROFILE_KINDS)[number];
/** The kinds that run the server under clinic (so need a server the harness starts). */
export type ClinicKind = Extract<ProfileKind, `clinic-${string}`>;

export interface TargetConfig {
  /** Base URL of an already-running server (socket.io + REST). */
  readonly url: string;
  /** Inspector address HOST:PORT of that server (`node --inspect=HOST:PORT`). */
  readonly inspect: string;
  /**
   * Its Prometheus endpoint (http or https), or none (absent or null): an inspector-only soak.
   * Then nothing is scraped, samples carry empty `metrics`, and the rules that need the
   * server's own metrics cannot be judged (docs/metrics-contract.md lists what they read).
   * @default null
   */
  readonly metrics?: string | null;
  /**
   * Bearer token that endpoint requires (the reference server's SOAK_METRICS_TOKEN). Set it in
   * soak.config.ts, not on the command line, where other local users could read it. @default none
   */
  readonly metricsToken?: string;
}

/** A target as a run uses it: `metrics` resolved to the endpoint or null (an inspector-only soak). */
export interface ResolvedTargetConfig extends TargetConfig {
  readonly metrics: string | null;
}

export interface SoakUserConfig {
  /** Scenario name. @default 'office-day' */
  scenario?: string;
  /** Virtual users. @default 100 */
  users?: number;
  /** Simulated hours of soak (warm-up included, cool-down not). @default 25 */
  hours?: number;
  /** Simulated ms per real ms, or 'auto' (fits the run into maxWallMinutes within measured capacity). @default 'auto' */
  timeScale?: TimeScale;
  /** Leak switches to turn on: 'none', 'all' or ids. @default 'none' */
  leaks?: 'none' | 'all' | readonly LeakId[] | string;
  /** RNG seed of the scenario. @default 1 */
  seed?: number;
  /** Folder that receives `<run-id>/`. @default 'reports' */
  out?: string;
  /** CI mode: plain periodic progress lines, no TTY redraws. @default false */
  ci?: boolean;
  /** Simulated hours at the start kept out of trends. @default 2 */
  warmupHours?: number;
  /** Simulated hours after the load stops in which the server must return to baseline. @default 0.5 */
  cooldownHours?: number;
  /** Simulated minutes between samples. @default 15 */
  sampleEveryMinutes?: number;
  /**
   * Simulated hours between quiet checkpoints (harness/run/checkpoints.ts), besides one at each
   * scenario phase's end; 0 = phase ends only. @default 1
   */
  checkpointEveryHours?: number;
  /** Real seconds each quiet checkpoint holds the load (a stretch at S = 1). @default 2 */
  checkpointHoldSeconds?: number;
  /**
   * Real seconds the heap must stop falling, under forced GCs, before the idle baseline and the
   * end checkpoint are read (harness/probes/inspector-probe.ts). Raise it above the longest idle
   * timer of your server that releases memory (a keep-alive or session timeout). @default 10
   */
  idleSettleSeconds?: number;
  /** Wall-clock budget the auto time scale aims for, minutes. @default 3 */
  maxWallMinutes?: number;
  /** Heap snapshots at end of warm-up, mid-run and end. @default true */
  snapshots?: boolean;
  /** Store resolution: auto | uri | memory-server | wire. @default 'auto' */
  store?: StoreMode;
  /** Where the load comes from: the built-in virtual users or an outside tool (k6...). @default 'vus' */
  load?: LoadMode;
  /**
   * An outside load as a command line (`k6 run script.ts`), run by `/bin/sh -c` after the idle
   * baseline and stopped at the cool-down (harness/run/load-command.ts); implies `load:
   * 'external'`. With `--target` or the reference server. @default null
   */
  loadCommand?: string | null;
  /** Soak an already-running server instead of starting the reference one. @default null */
  target?: TargetConfig | null;
  /** HTTP load (the open-model REST driver at the scenario's rate, harness/load/http-load.ts) alongside the virtual users. @default true */
  http?: boolean;
  /** Profiler hand-off: none | heap | clinic-doctor | clinic-heapprofiler. @default 'none' */
  profile?: ProfileKind;
  /**
   * Calibration: heap the reference server keeps on purpose (server/synthetic-leak.ts), to
   * measure the detection floor. A spec string (common/synthetic-leak-spec.ts): `2MiB/h` per
   * simulated hour, `action:im.send:64KiB` per server event of a user action, `connect:256KiB`
   * per socket.io connection, `tick:presence-ping:4KiB` per timer tick; a number is MiB per
   * simulated hour (0 = off), as the former `syntheticLeakMiBPerHour` was; or a spec object.
   * Not with --target. @default null (off)
   */
  syntheticLeak?: string | number | SyntheticLeakSpec | null;
  /**
   * Reduced fidelity on request: the app's periodic timers (ping, poll, weather, heartbeat,
   * sweeper) fire no more often than every this many real ms, as before issue 15. The report
   * states each timer type's share of production rate and the rules left uncovered. null = every
   * timer at its production rate. @default null
   */
  timerFloorMs?: number | null;
  /**
   * Heap headroom of the production server the report speaks of, MiB: the heap it can still take
   * on before it fails (the heap limit less its steady working set). The report turns the heap
   * slope into the days such a server lasts ("a server with 1 GiB of heap headroom runs out in
   * 300 days [190 days, 2.5 years]"); no rule reads it. Why 1024: V8 sizes Node's heap limit at
   * about a quarter of the machine's memory, up to ~4 GiB on 64-bit (Node 20 here: 4,144 MiB on
   * 23.5 GiB), so ~2 GiB on the seed's 8 GB server; a chat server's steady heap of a few hundred
   * MiB, and GC that thrashes well before the hard limit, leave about half of that, 1 GiB.
   * Set it to your own server's (`--headroom`). @default 1024
   */
  productionHeadroomMiB?: number;
  /** Rule budgets (partial: the rest come from the defaults). */
  budgets?: Partial<Budgets>;
  /**
   * Rules switched off: `{ 'presence-maps': 'off' }`. A rule off is listed as not applicable,
   * with the reason, and never blocks a pass. @default {}
   */
  rules?: Partial<Record<RuleId, 'off'>>;
  /**
   * Your own metric names for the contract's (docs/metrics-contract.md): `{ rol_connected_sockets:
   * 'myapp_sockets' }` makes every rule that reads `rol_connected_sockets` read `myapp_sockets`
   * (labels kept). @default {}
   */
  metricNames?: Readonly<Record<string, string>>;
}

export interface ResolvedSoakConfig {
  readonly scenario: string;
  readonly users: number;
  readonly hours: number;
  readonly timeScale: TimeScale;
  readonly leaks: readonly LeakId[];
  readonly seed: number;
  readonly out: string;
  readonly ci: boolean;
  readonly warmupHours: number;
  readonly cooldownHours: number;
  readonly sampleEveryMinutes: number;
  readonly checkpointEveryHours: number;
  readonly checkpointHoldSeconds: number;
  readonly idleSettleSeconds: number;
  readonly maxWallMinutes: number;
  readonly snapshots: boolean;
  readonly store: StoreMode;
  readonly load: LoadMode;
  readonly loadCommand: string | null;
  readonly target: ResolvedTargetConfig | null;
  readonly http: boolean;
  readonly profile: ProfileKind;
  readonly syntheticLeak: SyntheticLeakSpec | null;
  readonly timerFloorMs: number | null;
  readonly productionHeadroomMiB: number;
  readonly budgets: Budgets;
  readonly rules: Partial<Record<RuleId, 'off'>>;
  readonly metricNames: Readonly<Record<string, string>>;
  /** Where each field's value came from, for the report and `--help` debugging. */
  readonly sources: Readonly<Record<string, ConfigSource>>;
}

export type ConfigSource = 'default' | 'file' | 'scenario' | 'env' | 'cli';
