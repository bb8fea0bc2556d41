import { describe, expect, it } from 'vitest';
import { recordCheckpoints } from '../../bench/checkpoint-series.js';
import type { CheckpointInfo, Sample } from '../../harness/sample.js';
import { HOUR, MiB, makeRun } from './samples.js';

describe('recordCheckpoints (bench data from a run)', () => {
  it('keeps the checkpoints the heap rule judges, with their covariates: not warm-up or overran ones, unsettled ones kept as the rule keeps them', () => {
    const run = makeRun({ warmup: 8, soak: 40, cooldown: 2 }).map((s, i): Sample => {
      const hour = s.simMs / HOUR;
      if (!Number.isInteger(hour) || s.phase === 'cooldown') return s;
      const checkpoint: CheckpointInfo = { kind: 'cadence', atSimMs: s.simMs, settleRealMs: 1, inFlight: 0, overran: hour === 6, readRealMs: 100 };
      const load = { ...(s.load as NonNullable<Sample['load']>), doneActions: 100 * hour, reconnects: hour, actions: { reload: 2 * hour, 'logoff-on': 1 }, timerEvents: { 'presence-ping': 360 * hour } };
      return { ...s, phase: hour <= 2 ? 'warmup' : s.phase, checkpoint, load, server: { ...s.server, heapUsed: 30 * MiB + i, heapStable: hour !== 7 } };
    });
    const series = recordCheckpoints('r1', { users: 10, seed: 3, scenario: 'office-day', hours: 12, warmupHours: 2, leaks: [] }, run);
    // Hours 3..12 are soak checkpoints; 6 overran; 7 never settled, and the rule reads it as an upper bound.
    expect(series.points.map((p) => p.hour)).toEqual([3, 4, 5, 7, 8, 9, 10, 11, 12]);
    const at3 = series.points[0]!;
    expect(at3).toMatchObject({ actions: 300, pingTicks: 1080, connects: 10 + 6 + 1 + 3 });
    expect(series).toMatchObject({ run: 'r1', users: 10, seed: 3, leaks: [] });
    // Samples from before checkpoints read the JIT's share record none.
    expect(series.points.every((p) => p.jitBytes === undefined)).toBe(true);
  });

  it("keeps the JIT's share (compiled code + bytecode) where the checkpoint read it", () => {
    const run = makeRun({ warmup: 4, soak: 30, cooldown: 2 }).map((s): Sample => {
      const hour = s.simMs / HOUR;
      if (!Number.isInteger(hour) || s.phase === 'cooldown' || hour <= 2) return s;
      const checkpoint: CheckpointInfo = { kind: 'cadence', atSimMs: s.simMs, settleRealMs: 1, inFlight: 0, overran: false, readRealMs: 100 };
      const load = { ...(s.load as NonNullable<Sample['load']>), doneActions: 100 * hour, reconnects: 0, actions: {}, timerEvents: {} };
      // Every other checkpoint read the code statistics.
      const code = hour % 2 === 0 ? { codeBytes: 5 * MiB + hour, bytecodeBytes: MiB } : {};
      return { ...s, checkpoint, load, server: { ...s.server, heapUsed: 30 * MiB, heapStable: true, ...code } };
    });
    const series = recordCheckpoints('r2', { users: 10, seed: 1, scenario: 'office-day', hours: 10, warmupHours: 2, leaks: [] }, run);
    const at4 = series.points.find((p) => p.hour === 4);
    const at5 = series.points.find((p) => p.hour === 5);
    expect(at4?.jitBytes).toBe(6 * MiB + 4);
    expect(at5).toBeDefined();
    expect(at5?.jitBytes).toBeUndefined();
  });
});
