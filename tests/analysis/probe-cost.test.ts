import { describe, expect, it } from 'vitest';
import { probeCost } from '../../harness/analysis/probe-cost.js';
import { probeSentence } from '../../harness/report/format.js';
import type { Sample } from '../../harness/sample.js';
import { makeRun } from './samples.js';

/**
 * makeRun's samples: every 15 simulated minutes at S = 600 (1.5 s real apart), the server at 20%
 * of a core: 300 ms of its CPU per interval.
 */
function withProbes(cost: (s: Sample, i: number) => { probeMs: number; probeCpuMs?: number; probeMainMs?: number; checkpoint?: boolean }): Sample[] {
  return makeRun().map((s, i) => {
    const c = cost(s, i);
    const server = { ...s.server, probeMs: c.probeMs, ...(c.probeCpuMs === undefined ? {} : { probeCpuMs: c.probeCpuMs }), ...(c.probeMainMs === undefined ? {} : { probeMainMs: c.probeMainMs }) };
    return c.checkpoint ? { ...s, server, checkpoint: { kind: 'cadence', atSimMs: s.simMs, settleRealMs: 10, inFlight: 0, overran: false, readRealMs: 200 } } : { ...s, server };
  });
}

describe('probeCost', () => {
  it("measures the probe's CPU, not its wall time, once the samples carry it; regular samples and checkpoints apart", () => {
    // Every 4th sample a checkpoint (4 GCs: 24 ms CPU), the others 6 ms CPU; each waits ~20 ms on the target's timers.
    const samples = withProbes((_s, i) => (i % 4 === 3 ? { probeMs: 90, probeCpuMs: 24, checkpoint: true } : { probeMs: 30, probeCpuMs: 6 }));
    const p = probeCost(samples)!;
    const serverCpuMs = (samples.length - 1) * 300;
    expect(p.basis).toBe('cpu');
    expect(p.serverCpuMs).toBeCloseTo(serverCpuMs, 6);
    const probed = samples.slice(1);
    const cps = probed.filter((s) => s.checkpoint).length;
    const regular = probed.length - cps;
    expect(p.totalMs).toBeCloseTo(cps * 24 + regular * 6, 6);
    expect(p.shareOfServerCpu).toBeCloseTo((cps * 24 + regular * 6) / serverCpuMs, 9);
    expect(p.samples?.shareOfServerCpu).toBeCloseTo((regular * 6) / serverCpuMs, 9);
    expect(p.checkpoints?.shareOfServerCpu).toBeCloseTo((cps * 24) / serverCpuMs, 9);
    expect(p.medianWallMs).toBe(30);
    expect(probeSentence(p)).toMatch(/median 6 ms of CPU per sample \(forced GC and reads; 30 ms wall\), \d+\.\d% of its CPU time over the run \(regular samples \d+\.\d%, quiet checkpoints \d+\.\d%\)\./);
  });

  it("measures the probe's time on the main thread against the loop's busy time, beside the CPU bound", () => {
    // makeRun's server loop is 0.2 busy: 300 ms of each 1.5 s interval. Checkpoints take 12 ms of
    // the main thread (their GC pauses), regular samples 3 ms; their CPU, helper threads included, twice that.
    const samples = withProbes((_s, i) => (i % 4 === 3 ? { probeMs: 90, probeCpuMs: 24, probeMainMs: 12, checkpoint: true } : { probeMs: 30, probeCpuMs: 6, probeMainMs: 3 }));
    const p = probeCost(samples)!;
    const probed = samples.slice(1);
    const cps = probed.filter((s) => s.checkpoint).length;
    const regular = probed.length - cps;
    const busyMs = probed.length * 0.2 * 1500;
    const m = p.mainThread!;
    expect(m.serverLoopBusyMs).toBeCloseTo(busyMs, 6);
    expect(m.totalMs).toBeCloseTo(cps * 12 + regular * 3, 6);
    expect(m.shareOfServerCpu).toBeCloseTo((cps * 12 + regular * 3) / busyMs, 9);
    expect(m.samples?.shareOfServerCpu).toBeCloseTo((regular * 3) / busyMs, 9);
    expect(m.checkpoints?.shareOfServerCpu).toBeCloseTo((cps * 12) / busyMs, 9);
    expect(m.medianMs).toBe(3);
    const sentence = probeSentence(p) ?? '';
    expect(sentence).toMatch(/^On the server's event loop, sampling took a median 3 ms per sample \(its GC pauses and reads\), \d+\.\d% of the loop's busy time over the run \(regular samples \d+\.\d%, quiet checkpoints \d+\.\d%\)\. /);
    expect(sentence).toMatch(/median 6 ms of CPU per sample .*: an upper bound/);
    // One sample without it (an older run, no gc observer): no main-thread figure at all.
    const mixed = samples.map((s, i) => (i === 5 ? { ...s, server: { ...s.server, probeMainMs: undefined } } : s)) as Sample[];
    expect(probeCost(mixed)?.mainThread).toBeNull();
  });

  it('falls back to wall time, and says so, for samples from before the CPU was measured', () => {
    const p = probeCost(withProbes(() => ({ probeMs: 30 })))!;
    expect(p.basis).toBe('wall');
    expect(p.medianMs).toBe(30);
    expect(probeSentence(p)).toMatch(/held the server a median 30 ms per sample \(forced GC, reads and waits: wall time\)/);
    // No checkpoint among these samples: no split.
    expect(probeSentence(p)).toMatch(/10\.0% of its CPU time over the run\.$/);
  });

  it('has no figure without two samples or any server CPU', () => {
    expect(probeCost(makeRun().slice(0, 1))).toBeNull();
    expect(probeCost(makeRun().map((s) => ({ ...s, server: { ...s.server, cpuPercent: 0 } })))).toBeNull();
  });
});
