/**
 * The run flags, typed against the config: each flag names the SoakUserConfig key it sets, so a
 * flag cannot drift from the config it feeds. Commander parses; this file turns its option bag
 * into the CLI config layer, with a clear UsageError for values that are not numbers.
 */
import { SyntheticLeakSpecError, parseSyntheticLeak } from '../common/synthetic-leak-spec.js';
import { UsageError } from './errors.js';
import type { SoakUserConfig } from './config/types.js';

export interface RunFlags {
  scenario?: string;
  users?: string;
  hours?: string;
  timeScale?: string;
  leaks?: string;
  seed?: string;
  out?: string;
  ci?: boolean;
  config?: string;
  sampleEvery?: string;
  checkpointEvery?: string;
  checkpointHold?: string;
  idleSettle?: string;
  warmup?: string;
  cooldown?: string;
  maxWall?: string;
  snapshots?: boolean;
  http?: boolean;
  store?: string;
  load?: string;
  loadCommand?: string;
  target?: string;
  inspect?: string;
  metrics?: string;
  profile?: string;
  syntheticLeak?: string;
  timerFloor?: string;
  headroom?: string;
}

/** [flags, description, config key] — the help text and the mapping in one table. */
export const RUN_FLAGS: ReadonlyArray<readonly [string, string, keyof SoakUserConfig | null]> = [
  ['--scenario <name|file>', 'office-day | reconnect-storm (default office-day), or a scenario file (./my.scenario.ts, defineScenario) for --target; its users, hours and run settings sit between soak.config.ts and env', 'scenario'],
  ['--users <n>', 'virtual users (default 100)', 'users'],
  ['--hours <h>', 'simulated hours, warm-up included (default 25)', 'hours'],
  ['--time-scale <auto|n>', 'simulated ms per real ms, or auto (fits --max-wall within capacity); not with --target, which runs in real time (raise your scenario\'s rates instead)', 'timeScale'],
  ['--leaks <none|all|ids>', 'leak switches to turn on, comma-separated catalogue ids (default none)', 'leaks'],
  ['--seed <n>', 'scenario RNG seed (default 1)', 'seed'],
  ['--out <dir>', 'folder for reports/<run-id>/ (default reports)', 'out'],
  ['--ci', 'CI mode: plain periodic progress lines', 'ci'],
  ['--sample-every <min>', 'simulated minutes between samples (default 15)', 'sampleEveryMinutes'],
  ['--checkpoint-every <h>', 'simulated hours between quiet checkpoints, where leaks are judged (default 1; 0 = phase ends only)', 'checkpointEveryHours'],
  ['--checkpoint-hold <s>', 'real seconds each checkpoint holds the load at S = 1 (default 2)', 'checkpointHoldSeconds'],
  ['--idle-settle <s>', 'real seconds the heap must stop falling under forced GCs before the idle baseline and the end are read (default 10; raise it above your server\'s longest idle timeout; env SOAK_IDLE_SETTLE_S)', 'idleSettleSeconds'],
  ['--warmup <h>', 'simulated hours kept out of trends (default 2)', 'warmupHours'],
  ['--cooldown <h>', 'simulated hours after the load stops (default 0.5)', 'cooldownHours'],
  ['--max-wall <min>', 'wall-clock budget for --time-scale auto, minutes (default 3)', 'maxWallMinutes'],
  ['--no-snapshots', 'skip the three heap snapshots', 'snapshots'],
  ['--no-http', 'no HTTP load (REST requests at the scenario rate per simulated hour; env SOAK_HTTP=0)', 'http'],
  ['--store <mode>', 'auto | uri | memory-server | wire (default auto; env SOAK_STORE)', 'store'],
  ['--load <vus|external>', 'built-in virtual users, or an outside load such as k6 (default vus)', 'load'],
  [
    '--load-command <cmd>',
    'an outside load the harness runs: started after the idle baseline checkpoint with /bin/sh -c (as npm scripts are) in its own process group, env SOAK_TARGET_URL, SOAK_METRICS_URL, SOAK_DURATION_S (real seconds until the cool-down), SOAK_RUN_ID, SOAK_RUN_DIR; output in reports/<run>/load-command.log; stopped at the cool-down (SIGTERM to its group, SIGKILL 5 s later). Exit 0 before then makes the verdict at best inconclusive; a non-zero exit or a signal fails the run (exit 4). Implies --load external',
    'loadCommand',
  ],
  ['--profile <kind>', 'none | heap (server.heapprofile for DevTools) | clinic-doctor | clinic-heapprofiler (server under clinic, Node < 21.7) (default none; env SOAK_PROFILE)', 'profile'],
  [
    '--synthetic-leak <spec>',
    'calibration: heap the reference server keeps on purpose, in one of four shapes: 2MiB/h (per simulated hour; a plain number is MiB/h), action:im.send:64KiB (per server event of a user action: im.send, im.open, window.drag, window.resize, logoff-on, or a socket event name), connect:256KiB (per socket.io connection), tick[:presence-ping|request-poll|server-heartbeat]:4KiB (per timer tick; default presence-ping); sizes in B, KiB, MiB (default off; env SOAK_SYNTHETIC_LEAK)',
    'syntheticLeak',
  ],
  ['--timer-floor <ms>', 'reduced fidelity for quick checks: periodic timers fire at most every <ms> real ms; the report states each timer\'s share of production rate and the rules left uncovered (default off: every timer at production rate; env SOAK_TIMER_FLOOR_MS)', 'timerFloorMs'],
  ['--headroom <MiB>', 'heap headroom of your production server, for the report\'s "runs out in D days" at the measured heap slope (default 1024: half the ~2 GiB heap limit Node picks on an 8 GB machine; env SOAK_HEADROOM_MIB)', 'productionHeadroomMiB'],
  ['--target <url>', 'soak an already-running server at this URL (with --inspect, and --metrics when it has one), loaded by --scenario FILE, --load-command CMD or --load external', null],
  ['--inspect <host:port>', "the target's inspector address", null],
  ['--metrics <url>', "the target's Prometheus endpoint (http/https); without it an inspector-only soak: rules that need the server's own metrics cannot be judged", null],
  ['--config <file>', 'config file (default soak.config.ts when present)', null],
];

function num(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} takes a number, got '${value}'`);
  return n;
}

/** `--synthetic-leak SPEC` as a spec (null = off), or a UsageError that quotes the grammar. */
function syntheticLeakFlag(text: string): SoakUserConfig['syntheticLeak'] {
  try {
    return parseSyntheticLeak(text);
  } catch (error) {
    if (error instanceof SyntheticLeakSpecError) throw new UsageError(`--synthetic-leak: ${error.message}`);
    throw error;
  }
}

export function cliLayer(flags: RunFlags): SoakUserConfig {
  const layer: SoakUserConfig = {};
  if (flags.scenario !== undefined) layer.scenario = flags.scenario;
  layer.users = num('--users', flags.users);
  layer.hours = num('--hours', flags.hours);
  if (flags.timeScale !== undefined) layer.timeScale = flags.timeScale === 'auto' ? 'auto' : num('--time-scale', flags.timeScale);
  if (flags.leaks !== undefined) layer.leaks = flags.leaks;
  layer.seed = num('--seed', flags.seed);
  if (flags.out !== undefined) layer.out = flags.out;
  if (flags.ci) layer.ci = true;
  layer.sampleEveryMinutes = num('--sample-every', flags.sampleEvery);
  layer.warmupHours = num('--warmup', flags.warmup);
  layer.checkpointEveryHours = num('--checkpoint-every', flags.checkpointEvery);
  layer.checkpointHoldSeconds = num('--checkpoint-hold', flags.checkpointHold);
  layer.idleSettleSeconds = num('--idle-settle', flags.idleSettle);
  layer.cooldownHours = num('--cooldown', flags.cooldown);
  layer.maxWallMinutes = num('--max-wall', flags.maxWall);
  if (flags.snapshots === false) layer.snapshots = false;
  if (flags.http === false) layer.http = false;
  if (flags.store !== undefined) layer.store = flags.store as SoakUserConfig['store'];
  if (flags.load !== undefined) layer.load = flags.load as SoakUserConfig['load'];
  if (flags.loadCommand !== undefined) layer.loadCommand = flags.loadCommand;
  // Checked against the known kinds in resolveConfig, with every other problem.
  if (flags.profile !== undefined) layer.profile = flags.profile as SoakUserConfig['profile'];
  if (flags.syntheticLeak !== undefined) layer.syntheticLeak = syntheticLeakFlag(flags.syntheticLeak);
  layer.timerFloorMs = num('--timer-floor', flags.timerFloor);
  layer.productionHeadroomMiB = num('--headroom', flags.headroom);
  // --metrics is optional: without it the soak is inspector-only (nothing scraped). The flags
  // name the target's doors completely, so a target.metrics in soak.config.ts (another server's,
  // perhaps) does not outlive them; only its metricsToken does (resolve-config.ts).
  if (flags.target !== undefined || flags.inspect !== undefined || flags.metrics !== undefined) {
    if (flags.target === undefined || flags.inspect === undefined) {
      throw new UsageError('target mode needs --target URL --inspect HOST:PORT (and --metrics URL when the server has a Prometheus endpoint)');
    }
    layer.target = { url: flags.target, inspect: flags.inspect, metrics: flags.metrics ?? null };
  }
  for (const key of Object.keys(layer) as Array<keyof SoakUserConfig>) {
    if (layer[key] === undefined) delete layer[key];
  }
  return layer;
}
