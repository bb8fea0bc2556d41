/**
 * Back to baseline after cool-down: the load has stopped, so the server must hold no sockets,
 * no presence entries and no more timers than it had before the users arrived
 * (warm-up sample with the fewest connected sockets).
 *
 * Judged on the last k cool-down samples (k = Budgets.consecutiveBreaches, fewer if the
 * cool-down was shorter): a rule fails only if every one of them is still above its limit,
 * i.e. the server did not come back at all by the end, not merely slowly.
 */
import type { LeakId } from '../../common/leaks.js';
import type { Sample } from '../sample.js';
import { fmt } from './bound-check.js';
import type { Budgets } from './budgets.js';
import type { RuleId, RuleResult } from './rule-types.js';
import { appTimers, inPhase, metricVariants, readMetric } from './sample-read.js';

type Read = (s: Sample) => { value: number; limit: number; what: string } | { missing: string };

export function cooldownRules(samples: readonly Sample[], b: Budgets): RuleResult[] {
  const cooldown = inPhase(samples, 'cooldown');
  const k = Math.max(1, Math.round(b.consecutiveBreaches));
  const tail = cooldown.slice(-k);
  const baseline = timerBaseline(inPhase(samples, 'warmup'));
  return [
    judge('cooldown-sockets', 'socket-no-disconnect', 'rol_connected_sockets', 'sockets', tail, (s) => {
      const v = readMetric(s, 'rol_connected_sockets');
      return v === undefined ? { missing: 'rol_connected_sockets' } : { value: v, limit: 0, what: 'connected sockets' };
    }),
    judge('cooldown-presence', 'presence-maps', 'rol_presence_map_entries', 'entries', tail, (s) => {
      const maps = metricVariants(s, 'rol_presence_map_entries');
      if (maps.size === 0) return { missing: 'rol_presence_map_entries' };
      let worst: [string, number] = ['', -Infinity];
      for (const [label, v] of maps) if (v > worst[1]) worst = [label, v];
      return { value: worst[1], limit: 0, what: `entries in ${worst[0]}` };
    }),
    judge('cooldown-timers', 'intervals', 'rol_sim_timers', 'timers', tail, (s) => {
      const v = appTimers(s)?.value;
      if (v === undefined) return { missing: 'rol_sim_timers or rol_active_timers' };
      if (baseline === undefined) return { missing: 'server timers during warm-up (the baseline)' };
      return { value: v, limit: baseline + b.cooldownTimersTolerance, what: `timers (warm-up baseline ${fmt(baseline)})` };
    }),
  ];
}

/**
 * Server timers before the users arrived: the reading of the warm-up sample with the fewest
 * connected sockets (ideally 0), so per-connection timers are not counted into the baseline.
 */
function timerBaseline(warmup: readonly Sample[]): number | undefined {
  let best: { sockets: number; timers: number } | undefined;
  for (const s of warmup) {
    const timers = appTimers(s)?.value;
    if (timers === undefined) continue;
    const sockets = readMetric(s, 'rol_connected_sockets') ?? Infinity;
    if (!best || sockets < best.sockets || (sockets === best.sockets && timers < best.timers)) best = { sockets, timers };
  }
  return best?.timers;
}

function judge(id: RuleId, leak: LeakId, metric: string, unit: string, tail: readonly Sample[], read: Read): RuleResult {
  if (tail.length === 0) {
    return { id, leak, status: 'inconclusive', evidence: { metric, value: null, budget: null, unit, text: 'no cool-down samples' } };
  }
  const readings = tail.map(read);
  const missing = readings.find((r): r is { missing: string } => 'missing' in r);
  if (missing) {
    return { id, leak, status: 'inconclusive', evidence: { metric, value: null, budget: null, unit, text: `metric missing: ${missing.missing}` } };
  }
  const seen = readings as Array<{ value: number; limit: number; what: string }>;
  const last = seen[seen.length - 1] as { value: number; limit: number; what: string };
  const allAbove = seen.every((r) => r.value > r.limit);
  const text = `${fmt(last.value)} ${last.what} at the end of cool-down (limit ${fmt(last.limit)}; last ${seen.length} samples ${allAbove ? 'all above' : 'not all above'})`;
  return { id, leak, status: allAbove ? 'fail' : 'pass', evidence: { metric, value: last.value, budget: last.limit, unit, text } };
}
