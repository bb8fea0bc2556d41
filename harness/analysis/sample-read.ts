/**
 * Reading values out of samples: Prometheus keys (`name` or `name{a="x",b="y"}`, labels sorted)
 * and the phases an analysis looks at. A value that is absent is `undefined`, never 0, so that
 * a missing metric makes a rule inconclusive instead of passing it.
 */
import type { Phase, Sample } from '../sample.js';

// The one canonical key builder, shared with the parser that produced the keys (labels sorted,
// values escaped), so a lookup can never miss a series whose label value holds a quote.
import { metricKey } from '../probes/prometheus-text.js';
export { metricKey };

/**
 * New sockets the load opened up to this sample (cumulative), undefined without load counts: the
 * reference client's reloads and log-offs, a socket-only user's first connects (`connect`), and
 * every automatic reconnection after a dropped link. Each starts what the server runs per socket.
 */
export function newSockets(sample: Sample): number | undefined {
  const l = sample.load;
  if (!l) return undefined;
  const a = l.actions;
  return (a['reload'] ?? 0) + (a['logoff-on'] ?? 0) + (a['connect'] ?? 0) + l.reconnects;
}

/** One metric of one sample, or undefined when the server did not export it. */
export function readMetric(
  sample: Sample,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  const v = sample.metrics[metricKey(name, labels)];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Every labelled variant of a metric name in one sample: label text (e.g. `map="x"`) → value. */
export function metricVariants(sample: Sample, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, value] of Object.entries(sample.metrics)) {
    if (!Number.isFinite(value)) continue;
    if (key === name) out.set('', value);
    else if (key.startsWith(`${name}{`)) out.set(key.slice(name.length + 1, -1), value);
  }
  return out;
}

export function inPhase(samples: readonly Sample[], phase: Phase): Sample[] {
  return samples.filter((s) => s.phase === phase);
}

/**
 * The samples trends are fitted on: soak samples, minus any taken before `warmupEndsAtSimMs`
 * (belt and braces: the phase tag and the configured warm-up must agree).
 */
export function soakSamples(samples: readonly Sample[], warmupEndsAtSimMs = 0): Sample[] {
  return samples.filter((s) => s.phase === 'soak' && s.simMs >= warmupEndsAtSimMs);
}

/** Simulated hours of a sample (for evidence text). */
export function simHours(sample: Sample): number {
  return sample.simMs / 3_600_000;
}

/** Keys worth a trend: every `rol_*` and `nodejs_*` gauge; histogram/summary parts and `_total` counters are skipped. */
export function gaugeKeys(samples: readonly Sample[]): string[] {
  const keys = new Set<string>();
  for (const s of samples) {
    for (const key of Object.keys(s.metrics)) {
      const name = key.split('{')[0] as string;
      if (/_(bucket|sum|count)$/.test(name) || name.endsWith('_total')) continue;
      if (name.startsWith('rol_') || name.startsWith('nodejs_')) keys.add(key);
    }
  }
  return [...keys].sort();
}

/**
 * The server application's own timers: those it schedules through its SimClock
 * (`rol_sim_timers{kind=…}`, summed) when it exports them, else every active Node timer
 * (`rol_active_timers`). Why prefer the first: each MongoClient keeps its own monitor timers, so
 * leaked DB clients would also raise `rol_active_timers` — that is the DB-connection rule's
 * finding, not a timer leak.
 */
export function appTimers(sample: Sample): { readonly value: number; readonly metric: string } | undefined {
  const sim = metricVariants(sample, 'rol_sim_timers');
  if (sim.size > 0) return { value: [...sim.values()].reduce((a, b) => a + b, 0), metric: 'rol_sim_timers' };
  const all = readMetric(sample, 'rol_active_timers');
  return all === undefined ? undefined : { value: all, metric: 'rol_active_timers' };
}

/**
 * The samples with a server's own metric names read as the contract's (`soak.config.ts`
 * metricNames: contract name → your name): each series of `yours` (labels kept) is added under
 * the contract name, unless the server also exports that name itself. Pure.
 */
export function withContractNames(samples: readonly Sample[], names: Readonly<Record<string, string>>): Sample[] {
  const pairs = Object.entries(names).filter(([contract, yours]) => contract !== yours);
  if (pairs.length === 0) return [...samples];
  return samples.map((s) => {
    const added: Record<string, number> = {};
    for (const [contract, yours] of pairs) {
      for (const [key, value] of Object.entries(s.metrics)) {
        if (key !== yours && !key.startsWith(`${yours}{`)) continue;
        const mapped = contract + key.slice(yours.length);
        if (!(mapped in s.metrics)) added[mapped] = value;
      }
    }
    return Object.keys(added).length === 0 ? s : { ...s, metrics: { ...s.metrics, ...added } };
  });
}
