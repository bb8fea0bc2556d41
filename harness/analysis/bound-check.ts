/**
 * The shared shape of a bound rule: each sample gives a value and the limit it must stay under
 * (the budget plus its tolerance, possibly depending on that sample, e.g. connected sockets).
 *
 * Decision (see Budgets.consecutiveBreaches): FAIL only when the limit is broken at ≥ k
 * consecutive readings — a sustained breach, not one read caught mid-disconnect. A missing
 * reading neither breaks nor extends a run of breaches (a leak that makes every other scrape fail
 * must not hide behind the gaps). No reading at all, or fewer than MIN_READING_SHARE of the
 * samples, → inconclusive, naming the missing metric. The value shown for a pass is the worst
 * *sustained* one (what the rule judged: the least excess over k consecutive readings), so a
 * passing value never exceeds its budget; an isolated peak above it is named in the text.
 */
import type { LeakId } from '../../common/leaks.js';
import type { Sample } from '../sample.js';
import type { RuleId, RuleResult } from './rule-types.js';
import { simHours } from './sample-read.js';
import { trendPerHour } from './trend.js';

/**
 * A bound rule needs a reading at this share of the soak samples (and at least k) to pass or
 * fail. Why a half: a rule that read its metric at fewer than half the samples has not seen most
 * of the run, and the readings it lacks are not missing at random — a leaking server is the one
 * too busy to answer /metrics — so the part it saw cannot stand for the whole (issue 14: a rule
 * passed on 2 readings of 88).
 */
export const MIN_READING_SHARE = 0.5;

export type Reading =
  | { readonly value: number; readonly limit: number; readonly what?: string }
  | { readonly missing: string };

export interface BoundSpec {
  readonly id: RuleId;
  readonly leak?: LeakId;
  readonly metric: string;
  readonly unit: string;
  readonly consecutive: number;
  readonly read: (sample: Sample) => Reading;
}

interface Seen {
  readonly sample: Sample;
  readonly value: number;
  readonly limit: number;
  readonly what: string | undefined;
}

const excess = (x: Seen): number => x.value - x.limit;

export function checkBound(samples: readonly Sample[], spec: BoundSpec): RuleResult {
  const base = { id: spec.id, ...(spec.leak ? { leak: spec.leak } : {}) };
  const readings = samples.map((s) => ({ s, r: spec.read(s) }));
  const seen: Seen[] = [];
  const missing = new Set<string>();
  let run = 0;
  let longest = 0;
  let runEnd: Seen | undefined;
  for (const { s, r } of readings) {
    if ('missing' in r) {
      missing.add(r.missing);
      continue; // a gap neither breaks nor extends the run
    }
    const item = { sample: s, value: r.value, limit: r.limit, what: r.what };
    seen.push(item);
    run = r.value > r.limit ? run + 1 : 0;
    if (run > longest) {
      longest = run;
      runEnd = item;
    }
  }
  const gapCount = readings.length - seen.length;
  const counts = `${seen.length} readings of ${readings.length} samples${gapCount > 0 ? `, missing at ${gapCount}: ${[...missing].join(', ')}` : ''}`;
  const judged = { readings: seen.length, missing: gapCount };
  if (seen.length === 0) {
    const names = missing.size > 0 ? [...missing].join(', ') : spec.metric;
    const why = samples.length === 0 ? 'no soak samples' : `metric missing: ${names}`;
    return {
      ...base,
      status: 'inconclusive',
      evidence: { metric: spec.metric, value: null, budget: null, unit: spec.unit, ...judged, text: `${why} (${counts})` },
    };
  }
  const trend = trendPerHour(seen.map((x) => ({ simMs: x.sample.simMs, value: x.value })));
  const slope = trend.status === 'ok' ? { slope: trend.slope, lo: trend.lo, hi: trend.hi } : {};
  const evidence = (at: Seen, text: string) => ({
    metric: spec.metric,
    value: at.value,
    budget: at.limit,
    ...slope,
    unit: spec.unit,
    ...judged,
    text: `${text} (${counts})`,
  });
  const label = (x: Seen) => (x.what ? `${x.what} ` : '');
  const at = (x: Seen) => `${label(x)}${fmt(x.value)} ${spec.unit} vs limit ${fmt(x.limit)} at ${simHours(x.sample).toFixed(2)} h`;
  if (longest >= spec.consecutive && runEnd) {
    const worst = seen.filter((x) => x.value > x.limit).reduce((a, b) => (excess(b) > excess(a) ? b : a));
    return {
      ...base,
      status: 'fail',
      evidence: evidence(
        worst,
        `${label(worst)}${fmt(worst.value)} ${spec.unit} > limit ${fmt(worst.limit)} at ${simHours(worst.sample).toFixed(2)} h; ` +
          `broken at ${longest} consecutive readings (ending ${simHours(runEnd.sample).toFixed(2)} h; fails at ${spec.consecutive})`,
      ),
    };
  }
  const needed = Math.max(spec.consecutive, Math.ceil(MIN_READING_SHARE * readings.length));
  const sustained = worstSustained(seen, spec.consecutive);
  if (seen.length < needed) {
    return {
      ...base,
      status: 'inconclusive',
      evidence: evidence(
        sustained,
        `only ${seen.length} readings of ${spec.metric}; need ${needed} (${spec.consecutive} in a row to prove a breach, and at least ${MIN_READING_SHARE * 100}% of the samples)`,
      ),
    };
  }
  const peaks = seen.filter((x) => x.value > x.limit);
  const peak = peaks.length > 0 ? peaks.reduce((a, b) => (excess(b) > excess(a) ? b : a)) : undefined;
  const note = peak
    ? `; above the limit only in isolation: ${peaks.length} isolated breach${peaks.length > 1 ? 'es' : ''}, peak ${at(peak)} (never ${spec.consecutive} readings in a row)`
    : '';
  return { ...base, status: 'pass', evidence: evidence(sustained, `worst sustained ${at(sustained)}${note}`) };
}

/**
 * The reading behind the worst breach sustained over k consecutive readings: for each window of
 * k, the reading with the least excess over its limit; of those, the window whose least excess is
 * largest. With k = 1 the worst reading. A pass has it at or under its limit by definition.
 */
function worstSustained(seen: readonly Seen[], k: number): Seen {
  const width = Math.max(1, Math.min(k, seen.length));
  let best: Seen | undefined;
  for (let i = 0; i + width <= seen.length; i++) {
    const least = seen.slice(i, i + width).reduce((a, b) => (excess(b) < excess(a) ? b : a));
    if (!best || excess(least) > excess(best)) best = least;
  }
  return best as Seen;
}

/** Compact number for evidence text: integers as is, others to 3 significant digits. */
export function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
