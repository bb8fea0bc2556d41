/**
 * The shared shape of a bound rule: each sample gives a value and the limit it must stay under
 * (the budget plus its tolerance, possibly depending on that sample, e.g. connected sockets).
 *
 * Decision (see Budgets.consecutiveBreaches): FAIL only when the limit is broken at ≥ k
 * consecutive samples — a sustained breach, not one read caught mid-disconnect. A missing
 * reading breaks a run. No reading at all → inconclusive, naming the missing metric.
 */
import type { LeakId } from '../../common/leaks.js';
import type { Sample } from '../sample.js';
import type { RuleId, RuleResult } from './rule-types.js';
import { simHours } from './sample-read.js';
import { trendPerHour } from './trend.js';

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
      run = 0;
      continue;
    }
    const item = { sample: s, value: r.value, limit: r.limit, what: r.what };
    seen.push(item);
    run = r.value > r.limit ? run + 1 : 0;
    if (run > longest) {
      longest = run;
      runEnd = item;
    }
  }
  if (seen.length === 0) {
    const names = missing.size > 0 ? [...missing].join(', ') : spec.metric;
    const why = samples.length === 0 ? 'no soak samples' : `metric missing: ${names}`;
    return {
      ...base,
      status: 'inconclusive',
      evidence: { metric: spec.metric, value: null, budget: null, unit: spec.unit, text: why },
    };
  }
  const worst = seen.reduce((a, b) => (b.value - b.limit > a.value - a.limit ? b : a));
  const trend = trendPerHour(seen.map((x) => ({ simMs: x.sample.simMs, value: x.value })));
  const slope = trend.status === 'ok' ? { slope: trend.slope, lo: trend.lo, hi: trend.hi } : {};
  const gaps = missing.size > 0 ? ` (missing at ${readings.length - seen.length} samples: ${[...missing].join(', ')})` : '';
  const evidence = (at: Seen, text: string) => ({
    metric: spec.metric,
    value: at.value,
    budget: at.limit,
    ...slope,
    unit: spec.unit,
    text: text + gaps,
  });
  const label = (x: Seen) => (x.what ? `${x.what} ` : '');
  if (longest >= spec.consecutive && runEnd) {
    const at = seen.filter((x) => x.value > x.limit).reduce((a, b) => (b.value - b.limit > a.value - a.limit ? b : a));
    return {
      ...base,
      status: 'fail',
      evidence: evidence(
        at,
        `${label(at)}${fmt(at.value)} ${spec.unit} > limit ${fmt(at.limit)} at ${simHours(at.sample).toFixed(2)} h; ` +
          `broken at ${longest} consecutive samples (ending ${simHours(runEnd.sample).toFixed(2)} h; fails at ${spec.consecutive})`,
      ),
    };
  }
  if (seen.length < spec.consecutive) {
    return {
      ...base,
      status: 'inconclusive',
      evidence: evidence(worst, `only ${seen.length} samples with ${spec.metric}; need ${spec.consecutive}`),
    };
  }
  const breaches = seen.filter((x) => x.value > x.limit).length;
  const note = breaches > 0 ? `; ${breaches} isolated breach${breaches > 1 ? 'es' : ''} (never ${spec.consecutive} in a row)` : '';
  return {
    ...base,
    status: 'pass',
    evidence: evidence(
      worst,
      `worst ${label(worst)}${fmt(worst.value)} ${spec.unit} vs limit ${fmt(worst.limit)} at ${simHours(worst.sample).toFixed(2)} h${note}`,
    ),
  };
}

/** Compact number for evidence text: integers as is, others to 3 significant digits. */
export function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(3);
}
