/**
 * The rules of DESIGN.md "Verdict", each mapped to the catalogue leak it catches. Slope rules
 * judge the 95% interval against the budget; bound rules judge sustained breaches (bound-check.ts).
 */
import type { Sample } from '../sample.js';
import { checkBound, fmt, type Reading } from './bound-check.js';
import type { Budgets } from './budgets.js';
import { cooldownRules } from './cooldown-rules.js';
import { httpRules } from './latency-rules.js';
import type { RuleResult } from './rule-types.js';
import { appTimers, metricVariants, readMetric, soakSamples } from './sample-read.js';
import { MIN_TREND_POINTS, trendPerHour } from './trend.js';
import { checkpointHeapPoints, clientHeapRule, heapCooldownRule, heapSlopeBudget, soakCheckpoints } from './checkpoint-rules.js';
import { heapTestText, judgeHeapGrowth, type RealTimeJudgement } from './heap-growth.js';
import { genericRules } from './generic-rules.js';

export interface RuleOptions {
  readonly budgets: Budgets;
  /** Samples before this simulated time are warm-up, whatever their phase tag says. */
  readonly warmupEndsAtSimMs?: number;
  /** The idle baseline checkpoint read before the first user (absent: no heap-cooldown rule). */
  readonly baseline?: Sample | null;
  /** The run's users (the heap-cooldown budget has a per-user part). @default 0 */
  readonly users?: number;
  /**
   * The server does not run the simulated clock (a `--target` at S = 1): its heap is judged per
   * real hour and per action (heap-growth.ts RealTimeJudgement). @default false
   */
  readonly realTime?: boolean;
}

/** Every rule over a run's samples, in RULE_IDS order, then HTTP_RULE_IDS when the run had HTTP load. */
export function evaluateRules(samples: readonly Sample[], options: RuleOptions): RuleResult[] {
  const b = options.budgets;
  const soak = soakSamples(samples, options.warmupEndsAtSimMs ?? 0);
  const k = Math.max(1, Math.round(b.consecutiveBreaches));
  const cooldownHeap = heapCooldownRule(samples, options.baseline, b, options.users ?? 0);
  const clientHeap = clientHeapRule(samples, options.warmupEndsAtSimMs ?? 0, b).rule;
  return [
    heapSlopeRule(soak, soakCheckpoints(samples, options.warmupEndsAtSimMs ?? 0), b, options.users ?? 0, options.realTime === true),
    ...(cooldownHeap ? [cooldownHeap] : []),
    ...(clientHeap ? [clientHeap] : []),
    checkBound(soak, { id: 'presence-maps', leak: 'presence-maps', metric: 'rol_presence_map_entries', unit: 'entries', consecutive: k, read: (s) => presenceReading(s, b) }),
    checkBound(soak, {
      id: 'listeners-per-socket',
      leak: 'im-listeners',
      metric: 'client.listenersPerSocketMax',
      unit: 'listeners',
      consecutive: k,
      read: (s) => (s.client ? { value: s.client.listenersPerSocketMax, limit: b.listenersPerSocketMax, what: busiestEvent(s) } : { missing: 'client.listenersPerSocketMax' }),
    }),
    checkBound(soak, {
      id: 'document-listeners',
      leak: 'drag-listeners',
      metric: 'client.documentListenersMax',
      unit: 'listeners/VU',
      consecutive: k,
      read: (s) => (s.client ? { value: s.client.documentListenersMax, limit: b.documentListenersPerVuMax } : { missing: 'client.documentListenersMax' }),
    }),
    checkBound(soak, { id: 'db-connections', leak: 'db-per-event', metric: 'rol_db_connections', unit: 'connections', consecutive: k, read: dbReader(samples, b) }),
    checkBound(soak, {
      id: 'server-timers',
      leak: 'intervals',
      metric: 'rol_sim_timers',
      unit: 'timers',
      consecutive: k,
      read: (s) => {
        const timers = appTimers(s);
        const sockets = readMetric(s, 'rol_connected_sockets');
        if (timers === undefined) return { missing: 'rol_sim_timers or rol_active_timers' };
        if (sockets === undefined) return { missing: 'rol_connected_sockets' };
        return { value: timers.value, limit: b.serverTimersBase + b.serverTimersPerSocket * sockets, what: `${timers.metric} with ${sockets} sockets,` };
      },
    }),
    checkBound(soak, {
      id: 'client-intervals',
      leak: 'intervals',
      metric: 'client.intervalsAlive',
      unit: 'intervals',
      consecutive: k,
      read: (s) =>
        s.client ? { value: s.client.intervalsAlive, limit: b.intervalsPerVuMax * s.client.vus, what: `over ${s.client.vus} VUs,` } : { missing: 'client.intervalsAlive' },
    }),
    checkBound(soak, { id: 'sockets-per-user', leak: 'socket-no-disconnect', metric: 'rol_sockets_per_user_max', unit: 'sockets/user', consecutive: k, read: (s) => socketsReading(s, b) }),
    ...cooldownRules(samples, b),
    ...genericRules(samples, { budgets: b, warmupEndsAtSimMs: options.warmupEndsAtSimMs ?? 0, baseline: options.baseline, users: options.users ?? 0, realTime: options.realTime === true }),
    ...httpRules(samples, { budgets: b, warmupEndsAtSimMs: options.warmupEndsAtSimMs ?? 0 }),
  ];
}

/**
 * Heap used after GC: fail when the whole interval is above the budget, pass when wholly at or
 * below. Judged on the soak's quiet checkpoints when there are enough for a trend
 * (MIN_TREND_POINTS), where the heap does not follow the momentary load; otherwise on every soak
 * sample, and the evidence says so.
 */
function heapSlopeRule(soak: readonly Sample[], checkpoints: readonly Sample[], b: Budgets, users: number, realTime: boolean): RuleResult {
  const metric = 'server.heapUsed';
  const unit = 'bytes/h';
  const onCheckpoints = checkpoints.length >= MIN_TREND_POINTS;
  if (onCheckpoints) return heapOnCheckpoints(checkpoints, heapSlopeBudget(b, users), realTime ? { bytesPerAction: b.heapBytesPerAction, bytesPerConnect: b.heapBytesPerConnect } : undefined);
  const budget = b.heapSlopeBytesPerHour;
  const t = trendPerHour(soak.map((s) => ({ simMs: s.simMs, value: s.server.heapUsed })));
  const basis = `on all ${soak.length} soak samples (${checkpoints.length} quiet checkpoints, fewer than the ${MIN_TREND_POINTS} a trend needs)`;
  if (t.status !== 'ok') {
    return { id: 'heap-slope', status: 'inconclusive', evidence: { metric, value: null, budget, unit, text: `no heap trend ${basis}: ${t.reason}` } };
  }
  const ci = `${mib(t.slope)} MiB/h [${mib(t.lo)}, ${mib(t.hi)}] vs budget ${mib(budget)} MiB/h ${basis} (n_eff=${t.nEff.toFixed(0)})`;
  const evidence = { metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit };
  if (t.lo > budget) return { id: 'heap-slope', status: 'fail', evidence: { ...evidence, text: `heap grows ${ci}: the interval lies above the budget` } };
  if (t.hi <= budget) return { id: 'heap-slope', status: 'pass', evidence: { ...evidence, text: `heap slope ${ci}` } };
  return {
    id: 'heap-slope',
    status: 'inconclusive',
    evidence: { ...evidence, text: `heap slope ${ci}: the interval straddles the budget (run longer or sample more often)` },
  };
}

/**
 * The heap on the soak's quiet checkpoints (heap-growth.ts): against time, actions and connects.
 */
function heapOnCheckpoints(checkpoints: readonly Sample[], budget: number, realTime?: RealTimeJudgement): RuleResult {
  const metric = 'server.heapUsed';
  const unit = 'bytes/h';
  const g = judgeHeapGrowth(checkpointHeapPoints(checkpoints), budget, undefined, realTime);
  const time = g.tests.find((t) => t.against === 'time');
  const tests = g.tests.map(heapTestText).join('; ');
  const clock = realTime ? 'per real hour (the server runs no simulated clock) and per action, a pass on either' : 'per simulated hour';
  const basis = `on ${checkpoints.length} quiet checkpoints, ${clock}, each test at ${(g.level * 100).toFixed(1)}% (Bonferroni over ${g.tests.length})`;
  // The lead names what the heap grows with whether or not the hourly test formed an interval:
  // a short real-time run often fails per action and per connect with no hourly trend at all.
  const failed = g.tests.filter((x) => x.status === 'fail').map((x) => x.against);
  const lead = g.status === 'fail' ? `heap grows with ${failed.join(' and ')}` : g.status === 'pass' ? 'heap flat' : 'heap growth not told apart from its budget';
  const text = `${lead} ${basis}: ${tests}`;
  // The evidence's figures are a test in the table's unit (per hour): on a fail, the failing
  // per-hour test with the highest lower bound (so a fail never shows a value within its budget
  // when an activity test, not the time test, found the growth); else the time test.
  const perHourFails = g.tests.flatMap((x) => (x.status === 'fail' && x.unit === unit && x.trend.status === 'ok' ? [x.trend] : []));
  const t = perHourFails.sort((a, b) => b.lo - a.lo)[0] ?? (time?.trend.status === 'ok' ? time.trend : undefined);
  if (!t) return { id: 'heap-slope', status: g.status, evidence: { metric, value: null, budget, unit, text } };
  return { id: 'heap-slope', status: g.status, evidence: { metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit, text } };
}

/** Worst presence Map against connected sockets + tolerance. */
function presenceReading(s: Sample, b: Budgets): Reading {
  const maps = metricVariants(s, 'rol_presence_map_entries');
  const sockets = readMetric(s, 'rol_connected_sockets');
  if (maps.size === 0) return { missing: 'rol_presence_map_entries' };
  if (sockets === undefined) return { missing: 'rol_connected_sockets' };
  let worst: [string, number] = ['', -Infinity];
  for (const [label, v] of maps) if (v > worst[1]) worst = [label, v];
  return { value: worst[1], limit: sockets + b.presenceMapTolerance, what: `${worst[0]} with ${sockets} sockets:` };
}

/**
 * DB connections against the server's pool size + tolerance, the worst of: the driver's pool
 * (`rol_db_connections{source="driver"}`), the store's count as the server exports it
 * (`{source="store"}`) and as the harness reads it itself (`sample.store`, serverStatus over the
 * wire), and the MongoClients open (`rol_db_clients`). The store's count holds every connection
 * to it; legitimately open are the server's pool and its driver's monitoring connections (the
 * tolerance), and connections that were there before the server started (`store.baseline`: the
 * harness's own client), which are subtracted. The load and the buddy seeding reach the store
 * only through the server. The harness's reading needs no `/metrics`, so it still judges a server
 * too busy to answer them (what db-per-event does at 100 users). The pool size is a setting, so a
 * sample without it takes the one the server exported at another sample of the run, else
 * `dbPoolSizeAssumed`.
 */
function dbReader(samples: readonly Sample[], b: Budgets): (s: Sample) => Reading {
  let exported: number | undefined;
  for (const s of samples) exported = readMetric(s, 'rol_db_pool_max_size') ?? exported;
  return (s) => {
    const own = readMetric(s, 'rol_db_pool_max_size');
    const pool = own ?? exported ?? b.dbPoolSizeAssumed;
    const poolText = own !== undefined || exported !== undefined ? `pool ${pool}` : `pool size never exported, ${pool} assumed`;
    const limit = pool + b.dbConnectionsTolerance;
    const notServer = s.store?.baseline ?? 0;
    // The harness's own reading first: on a tie it is the evidence, as it needs no /metrics.
    const checks: Array<{ what: string; value: number; limit: number }> = [];
    if (s.store) {
      const created = s.store.totalCreated === null ? '' : `, ${s.store.totalCreated} created since the store started`;
      checks.push({
        what: `store serverStatus read by the harness (${s.store.connections} open less ${notServer} not the server's${created}; ${poolText})`,
        value: s.store.connections - notServer,
        limit,
      });
    }
    const driver = readMetric(s, 'rol_db_connections', { source: 'driver' });
    if (driver !== undefined) checks.push({ what: `source=driver (${poolText})`, value: driver, limit });
    const exportedStore = readMetric(s, 'rol_db_connections', { source: 'store' });
    if (exportedStore !== undefined) {
      const less = notServer > 0 ? ` less ${notServer} not the server's` : '';
      checks.push({ what: `source=store (${poolText}${less})`, value: exportedStore - notServer, limit });
    }
    if (checks.length === 0) return { missing: 'rol_db_connections{source="driver"|"store"} and the store\'s serverStatus' };
    const clients = readMetric(s, 'rol_db_clients');
    // A second MongoClient (db-per-event's other face) is judged against its own limit.
    if (clients !== undefined && clients > b.dbClientsMax) {
      checks.push({ what: `rol_db_clients=${fmt(clients)} (max ${b.dbClientsMax}); clients`, value: clients, limit: b.dbClientsMax });
    }
    const worst = checks.reduce((x, y) => (y.value - y.limit > x.value - x.limit ? y : x));
    return { value: worst.value, limit: worst.limit, what: worst.what };
  };
}

/** Server-side and client-side sockets per user; either source suffices. */
function socketsReading(s: Sample, b: Budgets): Reading {
  const server = readMetric(s, 'rol_sockets_per_user_max');
  const client = s.client?.socketsPerUserMax;
  if (server === undefined && client === undefined) return { missing: 'rol_sockets_per_user_max and client.socketsPerUserMax' };
  const serverWorse = client === undefined || (server !== undefined && server >= client);
  return serverWorse
    ? { value: server as number, limit: b.socketsPerUserMax, what: 'server:' }
    : { value: client, limit: b.socketsPerUserMax, what: 'client:' };
}

/** Names the event with the most listeners on one socket, for the evidence text. */
function busiestEvent(s: Sample): string | undefined {
  let best: [string, number] | undefined;
  for (const [event, c] of Object.entries(s.client?.listenersByEvent ?? {})) if (!best || c.max > best[1]) best = [event, c.max];
  return best ? `event ${best[0]}:` : undefined;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(3);
}
