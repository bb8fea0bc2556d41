import { describe, expect, it } from 'vitest';
import { attributeHeap, type AttributionOk } from '../../harness/analysis/attribution.js';
import type { Sample } from '../../harness/sample.js';
import { makeRun, MiB } from './samples.js';
import { ar1, rng } from './synthetic.js';

/** Cumulative actions with rates that vary sample to sample (a working day's ebb and flow). */
function runWithActions(seed: number, bytes: Record<string, number>, perHour = 0, opts: { sameRate?: boolean } = {}): Sample[] {
  const u = rng(seed);
  const noise = ar1(110, 0.5, 20_000, seed + 1000);
  const cum: Record<string, number> = { message: 0, reconnect: 0, drag: 0, reload: 0 };
  return makeRun({
    at: (phase, hour, i) => {
      if (phase === 'soak') {
        const day = 1 + Math.sin((2 * Math.PI * hour) / 24);
        cum.message = (cum.message as number) + Math.round(200 * day * (0.5 + u()));
        cum.reconnect = (cum.reconnect as number) + Math.round(5 * (0.2 + u()) * day);
        cum.drag = opts.sameRate ? 2 * (cum.message as number) : (cum.drag as number) + Math.round(30 * u());
      }
      const heap = 8 * MiB + perHour * hour + Object.entries(bytes).reduce((a, [k, b]) => a + b * (cum[k] as number), 0) + (noise[i] as number);
      return { heapUsed: heap, load: { actions: { ...cum } } };
    },
  });
}

describe('attributeHeap', () => {
  it('recovers known bytes per action within its 95% interval', () => {
    const truth = { message: 2000, reconnect: 40_000, drag: 0 };
    const r = attributeHeap(runWithActions(3, truth, 10_000), { warmupEndsAtSimMs: 0 });
    expect(r.status).toBe('ok');
    const ok = r as AttributionOk;
    for (const [action, bytes] of Object.entries(truth)) {
      const term = ok.terms.find((t) => t.action === action);
      expect(term, action).toBeDefined();
      expect(term!.lo, action).toBeLessThanOrEqual(bytes);
      expect(term!.hi, action).toBeGreaterThanOrEqual(bytes);
    }
    expect(ok.dropped).toEqual([{ action: 'reload', reason: 'count did not change during the soak' }]);
    expect(ok.time.lo).toBeLessThanOrEqual(10_000);
    expect(ok.time.hi).toBeGreaterThanOrEqual(10_000);
  });

  it('the interval covers the truth in ≥ 90% of 100 seeded runs', () => {
    let covered = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const r = attributeHeap(runWithActions(seed, { message: 1500, reconnect: 25_000 }));
      const m = r.status === 'ok' ? r.terms.find((t) => t.action === 'message') : undefined;
      if (m && m.lo <= 1500 && m.hi >= 1500) covered += 1;
    }
    expect(covered).toBeGreaterThanOrEqual(90);
  });

  it('drops a column that is an exact multiple of another and says so', () => {
    const r = attributeHeap(runWithActions(5, { message: 1000 }, 0, { sameRate: true }));
    expect(r.status).toBe('ok');
    // drag = 2 × message: the more frequent (drag) is kept, message is dropped into it.
    const dropped = (r as AttributionOk).dropped.find((d) => d.action === 'message');
    expect(dropped?.reason).toMatch(/collinear with time \+ drag/);
    const drag = (r as AttributionOk).terms.find((t) => t.action === 'drag');
    expect(drag!.lo).toBeLessThanOrEqual(500);
    expect(drag!.hi).toBeGreaterThanOrEqual(500);
  });

  it('insufficient data without load counts or with too few samples', () => {
    expect(attributeHeap(makeRun({ at: () => ({ load: null }) })).status).toBe('insufficient-data');
    expect(attributeHeap(runWithActions(1, { message: 1 })).status).toBe('ok');
    const short = attributeHeap(makeRun({ soak: 5, at: (_p, h) => ({ load: { actions: { message: Math.round(h * h * 10) } } }) }));
    expect(short.status).toBe('insufficient-data');
  });
});
