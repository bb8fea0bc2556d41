import { describe, expect, it } from 'vitest';
import { evaluateRules } from '../../harness/analysis/rules.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { summariseCheckpoints } from '../../harness/analysis/checkpoint-rules.js';
import { checkpointSentence } from '../../harness/report/checkpoint-text.js';
import type { CheckpointInfo, Sample } from '../../harness/sample.js';
import { gaussian, sawtooth } from './synthetic.js';
import { HOUR, MiB, load, makeRun } from './samples.js';

const WARMUP_END = 2 * HOUR;

/**
 * A 25-hour run at 15-minute samples whose regular samples follow the load (a day-shaped cycle:
 * a busy morning, a backlog drained over lunch, an idle night, with sawtooth GC on top), and
 * whose hourly quiet checkpoints read `quiet(hour)` plus post-GC noise. The last sample is the
 * end checkpoint, read `endHeap` bytes after the cool-down.
 */
function dayRun(quiet: (hour: number) => number, endHeap: number, seed = 7): Sample[] {
  const noise = gaussian(seed);
  const load = (h: number) => {
    const t = h % 24;
    const busy = t < 4 ? 1 : t < 5 ? 0.6 + 0.4 * (5 - t) : t < 16 ? 0.8 : t < 18 ? 0.5 : 0.1;
    return 12 * MiB * busy + sawtooth(h, 3 * MiB, 0.75);
  };
  const run = makeRun({ warmup: 8, soak: 92, cooldown: 2, at: (_p, hour) => ({ heapUsed: 30 * MiB + quiet(hour) + load(hour) }) });
  return run.map((s, i) => {
    const hour = s.simMs / HOUR;
    const last = i === run.length - 1;
    const onHour = Number.isInteger(hour) && s.phase !== 'cooldown';
    if (!onHour && !last) return s;
    const checkpoint: CheckpointInfo = { kind: last ? 'end' : 'cadence', atSimMs: s.simMs, settleRealMs: 5, inFlight: 0, overran: false, readRealMs: 150 };
    const heapUsed = last ? endHeap : 30 * MiB + quiet(hour) + noise() * 40 * 1024;
    // A checkpoint closes the stretch before it: the one at the warm-up's end is the warm-up's.
    return { ...s, phase: hour <= 2 ? 'warmup' : s.phase, server: { ...s.server, heapUsed, gcRounds: 2, heapStable: true }, checkpoint };
  });
}

function baseline(heapUsed: number, stable = true): Sample {
  const s = makeRun({ warmup: 1, soak: 0, cooldown: 0 })[0] as Sample;
  return { ...s, seq: -1, server: { ...s.server, heapUsed, gcRounds: 2, heapStable: stable }, checkpoint: { kind: 'baseline', atSimMs: 0, settleRealMs: 0, inFlight: 0, overran: false, readRealMs: 120 } };
}

const rule = (samples: readonly Sample[], id: string, base: Sample | null = null) =>
  evaluateRules(samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: WARMUP_END, baseline: base, users: 100 }).find((r) => r.id === id);

describe('heap-slope on quiet checkpoints', () => {
  it('passes a flat server whose heap between checkpoints follows a day-shaped load cycle', () => {
    const r = rule(dayRun(() => 0, 30 * MiB), 'heap-slope');
    expect(r?.evidence.text).toMatch(/on 23 quiet checkpoints/);
    expect(r?.status).toBe('pass');
  });

  it('fails a planted growth of 3 MiB per simulated hour (budget 1 MiB/h) and its interval covers it', () => {
    const r = rule(dayRun((h) => 3 * MiB * h, 30 * MiB), 'heap-slope');
    expect(r?.status).toBe('fail');
    expect(r?.evidence.lo).toBeLessThanOrEqual(3 * MiB);
    expect(r?.evidence.hi).toBeGreaterThanOrEqual(3 * MiB);
  });

  it('fails a leak that grows with actions (busy days, still nights) and shows that test, over its budget, as the evidence', () => {
    // Actions per simulated hour follow the same day as dayRun's load: 3,000 at its busiest, 300 at night.
    const rate = (h: number) => {
      const t = h % 24;
      return 3000 * (t < 4 ? 1 : t < 16 ? 0.8 : t < 18 ? 0.5 : 0.1);
    };
    const actionsAt = (hour: number) => {
      let total = 0;
      for (let m = 0; m < hour * 60; m++) total += rate(m / 60) / 60;
      return Math.round(total);
    };
    const perAction = 160;
    const run = dayRun((h) => perAction * actionsAt(h), 30 * MiB).map((s) => ({ ...s, load: load({ doneActions: actionsAt(s.simMs / HOUR), actions: {} }) }));
    const r = rule(run, 'heap-slope');
    expect(r?.status).toBe('fail');
    expect(r?.evidence.text).toMatch(/^heap grows with actions/);
    // A fail never shows a figure within its budget, whichever test found the growth.
    expect(r?.evidence.lo).toBeGreaterThan(r?.evidence.budget as number);
    const fitted = /with actions, per h [\d.]+ KiB \[[\d.]+ KiB, [\d.]+ KiB\] vs 112\.5 KiB \(fail; fitted on hours and actions: (\d+) B \[(\d+) B, (\d+) B\] per action\)/.exec(r?.evidence.text ?? '');
    expect(fitted).not.toBeNull();
    expect(Number(fitted?.[2])).toBeLessThanOrEqual(perAction);
    expect(Number(fitted?.[3])).toBeGreaterThanOrEqual(perAction);
  });

  it('falls back to every soak sample, and says so, when a run has fewer checkpoints than a trend needs', () => {
    const few = dayRun(() => 0, 30 * MiB).map((s) => (s.checkpoint && s.checkpoint.kind === 'cadence' && s.simMs > 8 * HOUR ? (({ checkpoint: _c, ...rest }) => rest)(s) : s));
    const r = rule(few, 'heap-slope');
    expect(r?.evidence.text).toMatch(/on all \d+ soak samples \(\d quiet checkpoints, fewer than the 8/);
  });

  it('leaves out a checkpoint whose reads overran its hold', () => {
    const run = dayRun(() => 0, 30 * MiB).map((s) => (s.checkpoint?.kind === 'cadence' && s.simMs === 10 * HOUR ? { ...s, server: { ...s.server, heapUsed: 90 * MiB }, checkpoint: { ...s.checkpoint, overran: true } } : s));
    const r = rule(run, 'heap-slope');
    expect(r?.evidence.text).toMatch(/on 22 quiet checkpoints/);
    expect(summariseCheckpoints(run, null).overran).toBe(1);
  });
});

describe('the checkpoint summary', () => {
  it("gives a hold's reads apart from the idle baseline's and the end's, which wait for the heap to stop falling", () => {
    const run = dayRun(() => 0, 30 * MiB).map((s, i, all) =>
      i === all.length - 1 && s.checkpoint ? { ...s, server: { ...s.server, gcRounds: 17 }, checkpoint: { ...s.checkpoint, readRealMs: 17_500 } } : s,
    );
    const base = baseline(25 * MiB);
    const idleBase = { ...base, server: { ...base.server, gcRounds: 12 }, checkpoint: { ...base.checkpoint!, readRealMs: 12_000 } };
    const c = summariseCheckpoints(run, idleBase);
    // Every hold in dayRun reads in 150 ms: the idle readings' 12 and 17.5 s are not among them.
    expect(c.readRealMsMax).toBe(150);
    expect(c.baselineReadRealMs).toBe(12_000);
    expect(c.endReadRealMs).toBe(17_500);
    const text = checkpointSentence({ ...c, everyHours: 1, holdSeconds: 2, holdRealSeconds: 46, addedWallSeconds: 46, shareOfRun: 0.024 });
    expect(text).toMatch(/a hold's reads took a median 150 ms \(max 150 ms\)/);
    expect(text).toMatch(/idle baseline 25\.0 MiB \(read in 12\.0 s, 12 GCs\), end 30\.0 MiB \(read in 17\.5 s, 17 GCs\)/);
  });
});

describe('heap-cooldown: the end checkpoint against the idle baseline', () => {
  const budget = DEFAULT_BUDGETS.cooldownHeapRetainedBytes + 100 * DEFAULT_BUDGETS.cooldownHeapRetainedBytesPerUser;

  it('passes what stays within the budget and fails what exceeds it, naming both readings', () => {
    const base = baseline(25 * MiB);
    const ok = rule(dayRun(() => 0, 25 * MiB + budget - MiB), 'heap-cooldown', base);
    expect(ok?.status).toBe('pass');
    const bad = rule(dayRun(() => 0, 25 * MiB + budget + MiB), 'heap-cooldown', base);
    expect(bad?.status).toBe('fail');
    expect(bad?.evidence.value).toBe(budget + MiB);
    expect(bad?.evidence.text).toMatch(/idle baseline 25\.00 MiB/);
  });

  it('reads a heap that never settled as an upper bound: decides only the way the bound allows, and is absent without a baseline', () => {
    const base = baseline(25 * MiB);
    const unsettledEnd = (run: Sample[]): Sample[] => run.map((s, i) => (i === run.length - 1 ? { ...s, server: { ...s.server, gcRounds: 30, heapStable: false } } : s));
    // An unsettled end within the budget passes (the settled end is lower); beyond it, no reading.
    expect(rule(unsettledEnd(dayRun(() => 0, 26 * MiB)), 'heap-cooldown', base)?.status).toBe('pass');
    const over = rule(unsettledEnd(dayRun(() => 0, 25 * MiB + budget + MiB)), 'heap-cooldown', base);
    expect(over?.status).toBe('inconclusive');
    expect(over?.evidence.text).toMatch(/end heap was still falling/);
    // An unsettled baseline beyond the budget fails (the settled baseline is lower); within it, no reading.
    const low = rule(dayRun(() => 0, 26 * MiB), 'heap-cooldown', baseline(25 * MiB, false));
    expect(low?.status).toBe('inconclusive');
    expect(low?.evidence.text).toMatch(/baseline was still falling/);
    expect(rule(dayRun(() => 0, 25 * MiB + budget + MiB), 'heap-cooldown', baseline(25 * MiB, false))?.status).toBe('fail');
    expect(rule(dayRun(() => 0, 26 * MiB), 'heap-cooldown', null)).toBeUndefined();
  });

  it('is inconclusive when the run ended before its end checkpoint', () => {
    const cut = dayRun(() => 0, 26 * MiB).slice(0, -1);
    expect(rule(cut, 'heap-cooldown', baseline(25 * MiB))?.status).toBe('inconclusive');
  });
});

describe('client-heap: the load workers heaps at the checkpoints, per virtual user', () => {
  const withClients = (perVuAt: (hour: number) => number, every = 1): Sample[] =>
    dayRun(() => 0, 30 * MiB).map((s) => {
      const hour = s.simMs / HOUR;
      if (!s.checkpoint || s.checkpoint.kind === 'end' || hour % every !== 0) return s;
      return { ...s, clientHeap: { usedBytes: 100 * perVuAt(hour), vus: 100, workers: 2 } };
    });
  const judge = (samples: readonly Sample[]) => evaluateRules(samples, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: WARMUP_END, users: 100 }).find((r) => r.id === 'client-heap');
  const noise = gaussian(11);

  it('passes flat clients and fails clients that keep 1 MiB per VU per simulated hour (budget 512 KiB)', () => {
    expect(judge(withClients(() => 2 * MiB + noise() * 40_000))?.status).toBe('pass');
    const leaking = judge(withClients((h) => 2 * MiB + MiB * h + noise() * 40_000));
    expect(leaking?.status).toBe('fail');
    expect(leaking?.evidence.text).toMatch(/100 VUs in 2 workers/);
  });

  it('an interval that straddles its budget does not block a pass (advisory), a clear excess fails the run', async () => {
    const { analyse } = await import('../../harness/analysis/verdict.js');
    const opts = { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: WARMUP_END, users: 100 };
    const straddling = withClients((h) => 2 * MiB + 512 * 1024 * h + noise() * 400_000);
    expect(judge(straddling)?.status).toBe('inconclusive');
    expect(analyse(straddling, opts).verdict.status).not.toBe('inconclusive');
    const leaking = withClients((h) => 2 * MiB + 2 * MiB * h + noise() * 40_000);
    expect(analyse(leaking, opts).verdict.status).toBe('fail');
  });

  it('is not judged with fewer checkpoints than a trend needs, and the verdict says what it did not cover', async () => {
    const { analyse } = await import('../../harness/analysis/verdict.js');
    const few = withClients(() => 2 * MiB, 4);
    expect(judge(few)).toBeUndefined();
    const a = analyse(few, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: WARMUP_END, users: 100 });
    expect(a.verdict.notCovered?.join(' ')).toMatch(/client-heap: \d quiet checkpoints/);
  });
});

describe('heap-slope on a target (real time, judged per hour, per action and per connect)', () => {
  it('names what the heap grows with even when the hourly test forms no interval', () => {
    // Connects accelerate (i² of them) while time and actions go evenly: the heap follows the
    // connects exactly, so per connect fails and no line in time fits (its residuals persist).
    const run = makeRun({ warmup: 2, soak: 22, cooldown: 1 }).map((s, i) => {
      if (s.phase !== 'soak') return s;
      const k = i - 2;
      const checkpoint: CheckpointInfo = { kind: 'cadence', atSimMs: s.simMs, settleRealMs: 3, inFlight: 0, overran: false, readRealMs: 130 };
      return { ...s, server: { ...s.server, heapUsed: 8 * MiB + 16 * 1024 * k * k, gcRounds: 2, heapStable: true }, load: load({ doneActions: 5000 + 600 * k, reconnects: k * k, actions: { connect: 20 } }), checkpoint };
    });
    const r = evaluateRules(run, { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 0, users: 20, realTime: true }).find((x) => x.id === 'heap-slope');
    expect(r?.status).toBe('fail');
    expect(r?.evidence.text).toMatch(/per h: no trend/);
    expect(r?.evidence.text).toMatch(/^heap grows with [a-z ]*connects on 22 quiet checkpoints/);
  });
});

