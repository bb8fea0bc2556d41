/**
 * Rules that judge any Node server, from what the inspector reads in every process (no app
 * metrics needed): resident memory and off-heap memory trends, live handles, open descriptors
 * and TCP sockets back to the idle baseline after the cool-down, TCP sockets against the users
 * the load has connected, and the event loop's busy share and the CPU per event drifting up. The reference server
 * keeps its own rules (rules.ts); these run beside them, and on a server of the user's they are
 * what can pass or fail besides the heap.
 *
 * Trends are judged on the soak's quiet checkpoints when there are enough for a trend (as the
 * heap is), else on every soak sample, and the evidence says which. A slope budget is per hour of
 * the run's clock: simulated for the reference server, real for a target that does not run the
 * simulated clock (it runs at S = 1, so the two are the same).
 */
import type { Sample } from '../sample.js';
import { fmt } from './bound-check.js';
import type { Budgets } from './budgets.js';
import { checkpointHeapPoints, endCheckpoint, heapSlopeBudget, soakCheckpoints } from './checkpoint-rules.js';
import { heapTestText, judgeHeapGrowth } from './heap-growth.js';
import type { RuleId, RuleResult } from './rule-types.js';
import { soakSamples } from './sample-read.js';
import { MIN_TREND_POINTS, trendPerHour } from './trend.js';

export interface GenericRuleOptions {
  readonly budgets: Budgets;
  readonly warmupEndsAtSimMs: number;
  readonly baseline: Sample | null | undefined;
  readonly users: number;
  /**
   * The server runs no simulated clock (a `--target` at S = 1): memory series are judged as the
   * heap is there (heap-growth.ts RealTimeJudgement), per real hour and per action and connect,
   * with growth that levels off told apart. @default false
   */
  readonly realTime?: boolean;
}

/** The resource type of a TCP connection in `process.getActiveResourcesInfo()`. */
export const TCP_SOCKET = 'TCPSocketWrap';

export function genericRules(samples: readonly Sample[], o: GenericRuleOptions): RuleResult[] {
  const b = o.budgets;
  const heapBudget = heapSlopeBudget(b, o.users);
  const unread = resourcesUnread(samples, o.baseline);
  const resourceRule = (id: RuleId, metric: string, unit: string, judge: () => RuleResult): RuleResult =>
    unread === null ? judge() : { id, status: 'not-applicable', evidence: { metric, value: null, budget: null, unit, text: `not applicable: ${unread}` } };
  return [
    slopeRule(samples, o, { id: 'rss-slope', metric: 'server.rss', budget: heapBudget * b.rssSlopeHeapBudgetFactor, factor: b.rssSlopeHeapBudgetFactor, read: (s) => s.server.rss, what: 'resident memory (RSS)' }),
    slopeRule(samples, o, { id: 'external-slope', metric: 'server.external', budget: heapBudget, factor: 1, read: (s) => s.server.external, what: 'off-heap memory (external + array buffers)' }),
    loopDriftRule(samples, o),
    cpuPerEventRule(samples, o),
    resourceRule('tcp-sockets', `server.resources.${TCP_SOCKET}`, 'sockets', () => tcpSocketsRule(samples, o)),
    resourceRule('handles-cooldown', 'server.resources', 'handles', () => handlesCooldownRule(samples, o)),
    resourceRule('sockets-cooldown', `server.resources.${TCP_SOCKET}`, 'sockets', () => socketsCooldownRule(samples, o)),
    resourceRule('fds-cooldown', 'server.openFds', 'fds', () => fdsCooldownRule(samples, o)),
  ];
}

/**
 * Why the handle and descriptor rules cannot apply to this run at all, or null when they can:
 * no idle baseline was read (an outside load without --load-command plans no checkpoints), or no
 * reading carries the server's handles (samples from before rol-soak read them: a rebuilt old
 * report). A run that read them but lost one reading is judged, and inconclusive where it must be.
 */
function resourcesUnread(samples: readonly Sample[], baseline: Sample | null | undefined): string | null {
  if (!baseline) return 'no idle baseline checkpoint in this run (an outside load without --load-command plans none), so nothing to come back to';
  if (!baseline.server.resources && !samples.some((s) => s.server.resources)) return 'the server\'s handles were not read in this run (its samples are from before rol-soak read them)';
  return null;
}

/** Rules of this file, in the order genericRules returns them. */
export const GENERIC_RULE_IDS = ['rss-slope', 'external-slope', 'loop-drift', 'cpu-per-event', 'tcp-sockets', 'handles-cooldown', 'sockets-cooldown', 'fds-cooldown'] as const;

/**
 * Shortest real-time soak (hours) whose resident memory is judged. Measured on the clean example
 * board at stress rates: RSS rose steadily, +1.1 MiB over 3 minutes (~400 B per action, 20 MiB
 * per real hour) while its heap stayed flat; the allocator's arenas and code space of a young
 * process fill for longer than a short soak lasts.
 */
const RSS_MIN_REAL_HOURS = 1;

/**
 * Shortest real-time soak (hours) over which a drift per hour of a rate (loop-drift,
 * cpu-per-event) is judged. A busy share or CPU per event read over a few minutes moves with
 * whatever else the machine runs (a share of the loop counts wall time, so a starved process looks
 * busier), and a per-hour slope extrapolates that minute-scale wobble 20-30×: the clean example
 * board, soaked for ~2 real minutes next to a second soak, read 141 points/h [12, 268] of loop
 * busy share against a budget of 2. A simulated-time run has hours on its axis, so no floor there.
 */
const DRIFT_MIN_REAL_HOURS = 1;

/** The advisory result of a drift rule on a real-time soak too short to judge a per-hour drift, or null. */
function tooShortForDrift(samples: readonly Sample[], o: GenericRuleOptions, id: RuleId, metric: string, unit: string): RuleResult | null {
  if (!o.realTime) return null;
  const hours = soakSpanHours(samples, o.warmupEndsAtSimMs);
  if (hours >= DRIFT_MIN_REAL_HOURS) return null;
  return {
    id,
    status: 'inconclusive',
    evidence: { metric, value: null, budget: null, unit, text: `not judged: a real-time soak of ${(hours * 60).toFixed(1)} min, shorter than the ${DRIFT_MIN_REAL_HOURS} h a drift per hour is judged over (over minutes the figure follows the machine's other work, not the server)` },
  };
}

/** Simulated hours from the warm-up's end to the last soak sample. */
function soakSpanHours(samples: readonly Sample[], warmupEndsAtSimMs: number): number {
  const soak = soakSamples(samples, warmupEndsAtSimMs);
  return soak.length < 2 ? 0 : ((soak[soak.length - 1] as Sample).simMs - warmupEndsAtSimMs) / 3_600_000;
}

/** The points a trend is judged on: the soak's quiet checkpoints when enough, else every soak sample. */
function trendPoints(samples: readonly Sample[], warmupEndsAtSimMs: number): { points: Sample[]; basis: string; atMs: (s: Sample) => number } {
  const quiet = soakCheckpoints(samples, warmupEndsAtSimMs);
  if (quiet.length >= MIN_TREND_POINTS) return { points: quiet, basis: `on ${quiet.length} quiet checkpoints`, atMs: (s) => s.checkpoint?.atSimMs ?? s.simMs };
  const soak = soakSamples(samples, warmupEndsAtSimMs);
  return { points: soak, basis: `on all ${soak.length} soak samples (${quiet.length} quiet checkpoints, fewer than the ${MIN_TREND_POINTS} a trend needs)`, atMs: (s) => s.simMs };
}

interface SlopeSpec {
  readonly id: RuleId;
  readonly metric: string;
  readonly budget: number;
  /** The series' budgets as a multiple of the heap's (per hour, and per action and connect in real time). */
  readonly factor: number;
  readonly read: (s: Sample) => number;
  readonly what: string;
}

const kib = (v: number): string => `${(v / 1024).toFixed(1)} KiB`;

/** A memory series' slope per hour against its budget: fail above, pass at or below, inconclusive across. */
function slopeRule(samples: readonly Sample[], o: GenericRuleOptions, spec: SlopeSpec): RuleResult {
  const quiet = soakCheckpoints(samples, o.warmupEndsAtSimMs);
  const soakHours = soakSpanHours(samples, o.warmupEndsAtSimMs);
  if (o.realTime && spec.id === 'rss-slope' && soakHours < RSS_MIN_REAL_HOURS) {
    return {
      id: spec.id,
      status: 'not-applicable',
      evidence: {
        metric: spec.metric,
        value: null,
        budget: spec.budget,
        unit: 'bytes/h',
        text: `not applicable: a real-time soak of ${(soakHours * 60).toFixed(1)} min, shorter than ${RSS_MIN_REAL_HOURS} h; a young process's resident memory grows with its allocator's arenas and compiled code for longer than that (the clean example board: +1.1 MiB in 3 min, ~400 B per action), so only the heap and off-heap rules judge memory here`,
      },
    };
  }
  if (o.realTime && quiet.length >= MIN_TREND_POINTS) return realTimeSlopeRule(quiet, o, spec);
  const { points, basis, atMs } = trendPoints(samples, o.warmupEndsAtSimMs);
  // On every soak sample (too few checkpoints), the heap's own fallback budget applies here too
  // (rules.ts heapSlopeRule): a sample's memory follows the momentary load, which a short run's
  // slope cannot tell from creep.
  const budget = quiet.length >= MIN_TREND_POINTS ? spec.budget : o.budgets.heapSlopeBytesPerHour * spec.factor;
  const unit = 'bytes/h';
  const t = trendPerHour(points.map((s) => ({ simMs: atMs(s), value: spec.read(s) })));
  if (t.status !== 'ok') return { id: spec.id, status: 'inconclusive', evidence: { metric: spec.metric, value: null, budget, unit, text: `no trend of ${spec.what} ${basis}: ${t.reason}` } };
  const ci = `${kib(t.slope)}/h [${kib(t.lo)}, ${kib(t.hi)}] vs budget ${kib(budget)}/h ${basis} (n_eff=${t.nEff.toFixed(0)})`;
  const evidence = { metric: spec.metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit };
  if (t.lo > budget) return { id: spec.id, status: 'fail', evidence: { ...evidence, text: `${spec.what} grows ${ci}: the interval lies above the budget` } };
  if (t.hi <= budget) return { id: spec.id, status: 'pass', evidence: { ...evidence, text: `${spec.what} ${ci}` } };
  return { id: spec.id, status: 'inconclusive', evidence: { ...evidence, text: `${spec.what} ${ci}: the interval straddles the budget` } };
}

/** A memory series of a real-time target, judged as its heap is (rules.ts heapOnCheckpoints). */
function realTimeSlopeRule(quiet: readonly Sample[], o: GenericRuleOptions, spec: SlopeSpec): RuleResult {
  const b = o.budgets;
  const points = checkpointHeapPoints(quiet).map((p, i) => ({ ...p, heapUsed: spec.read(quiet[i] as Sample) }));
  const g = judgeHeapGrowth(points, spec.budget, undefined, { bytesPerAction: b.heapBytesPerAction * spec.factor, bytesPerConnect: b.heapBytesPerConnect * spec.factor });
  const time = g.tests.find((t) => t.against === 'time');
  const tests = g.tests.map(heapTestText).join('; ');
  const basis = `on ${quiet.length} quiet checkpoints, per real hour and per action, a pass on either, each test at ${(g.level * 100).toFixed(1)}% (Bonferroni over ${g.tests.length})`;
  const lead = g.status === 'fail' ? `${spec.what} grows with ${g.tests.filter((t) => t.status === 'fail').map((t) => t.against).join(' and ')}` : g.status === 'pass' ? `${spec.what} flat` : `${spec.what}: growth not told apart from its budget`;
  const t = time?.trend.status === 'ok' ? time.trend : null;
  const evidence = { metric: spec.metric, value: t?.slope ?? null, budget: spec.budget, unit: 'bytes/h', ...(t ? { slope: t.slope, lo: t.lo, hi: t.hi } : {}) };
  return { id: spec.id, status: g.status, evidence: { ...evidence, text: `${lead} ${basis}: ${tests}` } };
}

/**
 * The server's event-loop utilisation drifting up: the seed's server ended at 99% CPU, its work
 * per event growing with what it had retained. Judged on the share busy over the intervals that
 * end at the soak's checkpoints (each the same stretch of the day's load as the run goes on),
 * against `loopDriftPerHour`. Advisory (verdict.ts): a short run cannot bound it tightly, so only
 * a clear drift (fail) counts.
 */
function loopDriftRule(samples: readonly Sample[], o: GenericRuleOptions): RuleResult {
  const metric = 'server.eventLoopUtilization';
  const unit = 'share busy/h';
  const short = tooShortForDrift(samples, o, 'loop-drift', metric, unit);
  if (short) return short;
  const { points, basis, atMs } = trendPoints(samples, o.warmupEndsAtSimMs);
  const budget = o.budgets.loopDriftPerHour;
  const t = trendPerHour(points.map((s) => ({ simMs: atMs(s), value: s.server.eventLoopUtilization })));
  if (t.status !== 'ok') return { id: 'loop-drift', status: 'inconclusive', evidence: { metric, value: null, budget, unit, text: `no trend of the event loop's busy share ${basis}: ${t.reason}` } };
  const pct = (v: number) => `${(v * 100).toFixed(2)}`;
  const ci = `${pct(t.slope)} points/h [${pct(t.lo)}, ${pct(t.hi)}] vs budget ${pct(budget)} ${basis} (n_eff=${t.nEff.toFixed(0)})`;
  const evidence = { metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit };
  if (t.lo > budget) return { id: 'loop-drift', status: 'fail', evidence: { ...evidence, text: `the event loop gets busier ${ci}: the interval lies above the budget` } };
  if (t.hi <= budget) return { id: 'loop-drift', status: 'pass', evidence: { ...evidence, text: `event loop busy share ${ci}` } };
  return { id: 'loop-drift', status: 'inconclusive', evidence: { ...evidence, text: `event loop busy share ${ci}: the interval straddles the budget` } };
}

/** Events a sample's load counts hold: actions done and the clients' periodic timer ticks (cumulative). */
const eventsOf = (s: Sample): number | undefined =>
  s.load ? s.load.doneActions + Object.values(s.load.timerEvents ?? {}).reduce((a, b) => a + b, 0) : undefined;

/** Fewest events in a sample interval for its CPU per event to count (fewer: the quantum noise of idle CPU). */
const MIN_EVENTS_PER_INTERVAL = 50;

/**
 * The server's CPU per event drifting up: the seed's server ended at 99% CPU because each event
 * cost more as it retained more. Per regular soak interval (checkpoint intervals left out: their
 * forced GCs are the measurer's), server CPU ms (the inspector's cpuPercent × the interval's real
 * ms) over the events the load drove in it (actions done + client timer ticks), then the
 * Theil–Sen slope per hour against `cpuPerEventDriftPerHour` × the run's median CPU per event.
 * Advisory (verdict.ts): only a fail counts. Measured on the recorded clean default run: 0.46 ms
 * per event, slope −0.003 ms/h [−0.011, 0.005], i.e. at most +1.1% of the median per hour.
 */
function cpuPerEventRule(samples: readonly Sample[], o: GenericRuleOptions): RuleResult {
  const metric = 'server.cpuMsPerEvent';
  const unit = 'ms/event/h';
  const soak = soakSamples(samples, o.warmupEndsAtSimMs);
  const points: Array<{ simMs: number; value: number }> = [];
  for (let i = 1; i < soak.length; i++) {
    const a = soak[i - 1] as Sample;
    const b = soak[i] as Sample;
    const ea = eventsOf(a);
    const eb = eventsOf(b);
    if (ea === undefined || eb === undefined || a.checkpoint || b.checkpoint) continue;
    const events = eb - ea;
    if (events < MIN_EVENTS_PER_INTERVAL) continue;
    points.push({ simMs: b.simMs, value: ((b.realMs - a.realMs) * b.server.cpuPercent) / 100 / events });
  }
  if (!soak.some((s) => s.load)) {
    return { id: 'cpu-per-event', status: 'not-applicable', evidence: { metric, value: null, budget: null, unit, text: 'not applicable: needs the load\'s own counts of the events it drove; an outside load gives none' } };
  }
  const short = tooShortForDrift(samples, o, 'cpu-per-event', metric, unit);
  if (short) return short;
  const sorted = points.map((p) => p.value).sort((x, y) => x - y);
  const median = sorted.length > 0 ? (sorted[Math.floor(sorted.length / 2)] as number) : 0;
  const budget = o.budgets.cpuPerEventDriftPerHour * median;
  const t = trendPerHour(points);
  if (t.status !== 'ok') return { id: 'cpu-per-event', status: 'inconclusive', evidence: { metric, value: null, budget, unit, text: `no trend of the server's CPU per event on ${points.length} sample intervals with ≥ ${MIN_EVENTS_PER_INTERVAL} events: ${t.reason}` } };
  const us = (v: number) => `${(v * 1000).toFixed(1)} µs`;
  const ci = `${us(t.slope)}/h [${us(t.lo)}, ${us(t.hi)}] on a median of ${us(median)} per event vs budget ${us(budget)}/h (${(o.budgets.cpuPerEventDriftPerHour * 100).toFixed(0)}% of the median per hour; ${points.length} sample intervals, n_eff=${t.nEff.toFixed(0)})`;
  const evidence = { metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit };
  if (t.lo > budget) return { id: 'cpu-per-event', status: 'fail', evidence: { ...evidence, text: `the server's CPU per event grows ${ci}: the interval lies above the budget` } };
  if (t.hi <= budget) return { id: 'cpu-per-event', status: 'pass', evidence: { ...evidence, text: `server CPU per event ${ci}` } };
  return { id: 'cpu-per-event', status: 'inconclusive', evidence: { ...evidence, text: `server CPU per event ${ci}: the interval straddles the budget` } };
}

const tcp = (s: Sample): number | undefined => (s.server.resources ? (s.server.resources[TCP_SOCKET] ?? 0) : undefined);

/**
 * The server's TCP sockets against the users the load holds connected: at most
 * `socketsPerUserMax` per connected user, plus what the idle server had open before the first
 * user (its store's pool, listeners' keep-alives) and `tcpSocketsTolerance` (a pool that grows
 * under load, /metrics and REST keep-alives). Judged at the soak's checkpoints (the load held,
 * so no connection is half made); a socket kept per reconnection outgrows it. Needs the load's
 * own count of open sockets (not available with an outside load).
 */
function tcpSocketsRule(samples: readonly Sample[], o: GenericRuleOptions): RuleResult {
  const b = o.budgets;
  const metric = `server.resources.${TCP_SOCKET}`;
  const unit = 'sockets';
  const base = o.baseline ? tcp(o.baseline) : undefined;
  const quiet = soakCheckpoints(samples, o.warmupEndsAtSimMs);
  const read = quiet.filter((s) => tcp(s) !== undefined && s.client);
  if (base === undefined || read.length === 0) {
    const why = base === undefined ? 'no idle baseline reading of the server\'s TCP sockets' : 'no quiet checkpoint with both the server\'s TCP sockets and the load\'s open sockets';
    return { id: 'tcp-sockets', status: 'inconclusive', evidence: { metric, value: null, budget: null, unit, text: why } };
  }
  const k = Math.max(1, Math.round(b.consecutiveBreaches));
  let run = 0;
  let worst: { value: number; limit: number; users: number; hour: number } | undefined;
  let breached = false;
  for (const s of read) {
    const users = s.client?.socketsOpen ?? 0;
    const value = tcp(s) as number;
    const limit = base + users * b.socketsPerUserMax + b.tcpSocketsTolerance;
    if (!worst || value - limit > worst.value - worst.limit) worst = { value, limit, users, hour: s.simMs / 3_600_000 };
    run = value > limit ? run + 1 : 0;
    if (run >= k) breached = true;
  }
  const w = worst as { value: number; limit: number; users: number; hour: number };
  const text =
    `worst quiet checkpoint (h ${w.hour.toFixed(2)}): ${fmt(w.value)} TCP sockets on the server with ${fmt(w.users)} users connected by the load ` +
    `(limit ${fmt(base)} idle + ${b.socketsPerUserMax}/user + ${b.tcpSocketsTolerance} = ${fmt(w.limit)}; ${read.length} checkpoints read, ${quiet.length - read.length} without a reading` +
    `${breached ? `; ${k} in a row above` : ''})`;
  const status = breached ? 'fail' : read.length >= k ? 'pass' : 'inconclusive';
  return { id: 'tcp-sockets', status, evidence: { metric, value: w.value, budget: w.limit, unit, readings: read.length, missing: quiet.length - read.length, text } };
}

interface CooldownCount {
  readonly id: RuleId;
  readonly metric: string;
  readonly unit: string;
  readonly read: (s: Sample) => number | undefined;
  readonly tolerance: number;
  readonly what: string;
  /** Optional: which parts grew, for the evidence. */
  readonly detail?: (end: Sample, base: Sample) => string;
}

/** A count at the end checkpoint (after the cool-down, every user gone) against the idle baseline + tolerance. */
function cooldownCount(samples: readonly Sample[], o: GenericRuleOptions, spec: CooldownCount): RuleResult {
  const end = endCheckpoint(samples);
  const { id, metric, unit } = spec;
  const base = o.baseline;
  const b0 = base ? spec.read(base) : undefined;
  const e0 = end ? spec.read(end) : undefined;
  if (!base || !end || b0 === undefined || e0 === undefined) {
    const why = !base ? 'no idle baseline checkpoint' : !end ? 'no end checkpoint: the run ended before its cool-down was read' : `${spec.what} not readable in this server`;
    return { id, status: 'inconclusive', evidence: { metric, value: null, budget: null, unit, text: why } };
  }
  const limit = b0 + spec.tolerance;
  const grew = spec.detail ? spec.detail(end, base) : '';
  const text = `${fmt(e0)} ${spec.what} after the cool-down vs ${fmt(b0)} idle before the first user (limit +${spec.tolerance} = ${fmt(limit)})${grew ? `; ${grew}` : ''}`;
  return { id, status: e0 > limit ? 'fail' : 'pass', evidence: { metric, value: e0, budget: limit, unit, text } };
}

/** Handle types (TCP sockets excepted: sockets-cooldown) that grew from the baseline to the end, for the evidence. */
function grownTypes(end: Sample, base: Sample): string {
  const e = end.server.resources ?? {};
  const b0 = base.server.resources ?? {};
  const grown = Object.keys(e)
    .filter((t) => t !== TCP_SOCKET && (e[t] ?? 0) > (b0[t] ?? 0))
    .sort((x, y) => (e[y] ?? 0) - (b0[y] ?? 0) - ((e[x] ?? 0) - (b0[x] ?? 0)))
    .map((t) => `${t} ${b0[t] ?? 0} → ${e[t] ?? 0}`);
  return grown.length > 0 ? `grown: ${grown.slice(0, 5).join(', ')}` : 'no type grew';
}

const nonTcpHandles = (s: Sample): number | undefined => {
  const r = s.server.resources;
  if (!r) return undefined;
  return Object.entries(r).reduce((sum, [t, n]) => (t === TCP_SOCKET ? sum : sum + n), 0);
};

/** Live handles and requests other than TCP sockets (timers, FS requests, child processes…) back to the idle baseline. */
function handlesCooldownRule(samples: readonly Sample[], o: GenericRuleOptions): RuleResult {
  return cooldownCount(samples, o, { id: 'handles-cooldown', metric: 'server.resources', unit: 'handles', read: nonTcpHandles, tolerance: o.budgets.handlesCooldownTolerance, what: 'live handles and requests (TCP sockets apart)', detail: grownTypes });
}

/** The server's TCP sockets back to the idle baseline (plus a pool that warmed up under load). */
function socketsCooldownRule(samples: readonly Sample[], o: GenericRuleOptions): RuleResult {
  return cooldownCount(samples, o, { id: 'sockets-cooldown', metric: `server.resources.${TCP_SOCKET}`, unit: 'sockets', read: tcp, tolerance: o.budgets.tcpSocketsTolerance, what: 'TCP sockets' });
}

/** Open descriptors that are not TCP sockets (files, pipes, watchers) back to the idle baseline. */
function fdsCooldownRule(samples: readonly Sample[], o: GenericRuleOptions): RuleResult {
  const read = (s: Sample): number | undefined => {
    const fds = s.server.openFds;
    const sockets = tcp(s);
    return fds === undefined || fds === null || sockets === undefined ? undefined : fds - sockets;
  };
  return cooldownCount(samples, o, { id: 'fds-cooldown', metric: 'server.openFds', unit: 'fds', read, tolerance: o.budgets.fdsCooldownTolerance, what: 'open descriptors other than TCP sockets' });
}
