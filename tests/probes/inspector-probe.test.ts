import { PassThrough } from 'node:stream';
import CDP from 'chrome-remote-interface';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InspectorProbe, MIN_HOLD_ROUNDS } from '../../harness/probes/inspector-probe.js';
import { parseInspectArg, splitHostPort, waitForInspectorUrl } from '../../harness/probes/inspector-url.js';
import { COUNT_EXPRESSION } from '../../harness/probes/target-scripts.js';
import { startTarget, type Target } from './target-process.js';
import type { SamplingHeapProfile } from '../../harness/probes/inspector-probe.js';

/** Probes with state in the target, read over a session of our own (not a probe's). */
async function probesInTarget(wsUrl: string): Promise<number> {
  const client = await CDP({ target: wsUrl, local: true });
  try {
    const { result } = await client.Runtime.evaluate({ expression: COUNT_EXPRESSION, returnByValue: true });
    return result.value as number;
  } finally {
    await client.close();
  }
}

/** Bytes a sampling heap profile attributes to allocations made directly in `functionName`. */
function sampledBytesIn(profile: SamplingHeapProfile, functionName: string): number {
  let sum = 0;
  const walk = (node: SamplingHeapProfile['head']) => {
    if (node.callFrame.functionName === functionName) sum += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  return sum;
}

describe('inspector URL', () => {
  it('parses the Debugger listening line across chunk boundaries', async () => {
    const s = new PassThrough();
    const p = waitForInspectorUrl(s, 1_000);
    s.write('Debugger listening on ws://127.0.0.1:4');
    s.write('1234/0f2c-aa\nFor help, see: https://nodejs.org/en/docs/inspector\n');
    await expect(p).resolves.toBe('ws://127.0.0.1:41234/0f2c-aa');
  });

  it('fails with ERR_INSPECTOR_URL within the timeout when nothing is announced', async () => {
    const s = new PassThrough();
    await expect(waitForInspectorUrl(s, 200)).rejects.toMatchObject({ code: 'ERR_INSPECTOR_URL' });
  });

  it('splits HOST:PORT and rejects nonsense with ERR_INSPECTOR_CONNECT', () => {
    expect(splitHostPort('127.0.0.1:9229')).toEqual({ host: '127.0.0.1', port: 9229 });
    expect(splitHostPort('9229')).toEqual({ host: '127.0.0.1', port: 9229 });
    expect(() => splitHostPort('localhost:99999')).toThrow(expect.objectContaining({ code: 'ERR_INSPECTOR_CONNECT' }));
  });
});

describe('InspectorProbe on a real child process', () => {
  let target: Target;
  let probe: InspectorProbe;

  beforeAll(async () => {
    target = await startTarget();
    probe = await InspectorProbe.connect(target.wsUrl);
  }, 20_000);

  afterAll(async () => {
    await probe?.close();
    await target?.stop();
  });

  it('resolves the same target through /json/list (target mode)', async () => {
    const port = new URL(target.wsUrl).port;
    await expect(parseInspectArg(`127.0.0.1:${port}`)).resolves.toBe(target.wsUrl);
  });

  it('connects in target mode with HOST:PORT, alongside the first session', async () => {
    const port = new URL(target.wsUrl).port;
    const second = await InspectorProbe.connect(`127.0.0.1:${port}`);
    try {
      expect((await second.sample()).heapUsed).toBeGreaterThan(1e6);
    } finally {
      await second.close();
    }
  });

  it('two probes on one target keep their own state: one closing leaves the other sampling, the last leaves nothing', async () => {
    const a = await InspectorProbe.connect(target.wsUrl);
    const b = await InspectorProbe.connect(target.wsUrl);
    try {
      expect(await probesInTarget(target.wsUrl)).toBe(3); // the suite's probe, a and b
      expect((await a.sample()).heapUsed).toBeGreaterThan(1e6);
      expect((await b.sample()).heapUsed).toBeGreaterThan(1e6);
      await b.close();
      expect(await probesInTarget(target.wsUrl)).toBe(2);
      const s = await a.sample(); // was: "probe state missing in target" once b had closed
      expect(s.eventLoopUtilization).toBeGreaterThanOrEqual(0);
      expect(Number.isNaN(s.eventLoopDelayP99Ms)).toBe(false);
      expect((await probe.sample()).heapUsed).toBeGreaterThan(1e6);
    } finally {
      await b.close();
      await a.close();
    }
    expect(await probesInTarget(target.wsUrl)).toBe(1);
  });

  it('fails with ERR_INSPECTOR_CONNECT when nothing listens', async () => {
    await expect(InspectorProbe.connect('ws://127.0.0.1:9/none')).rejects.toMatchObject({ code: 'ERR_INSPECTOR_CONNECT' });
  });

  it('returns sane numbers', async () => {
    await new Promise((r) => setTimeout(r, 100));
    const s = await probe.sample();
    expect(s.heapUsed).toBeGreaterThan(1e6);
    expect(s.heapTotal).toBeGreaterThanOrEqual(s.heapUsed);
    expect(s.rss).toBeGreaterThan(s.heapUsed);
    expect(s.external).toBeGreaterThan(0);
    expect(s.arrayBuffers).toBeGreaterThanOrEqual(0);
    expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(s.cpuPercent).toBeLessThan(400);
    expect(probe.eventLoopDelayAvailable).toBe(true);
    expect(s.eventLoopDelayP50Ms).toBeGreaterThanOrEqual(0);
    expect(s.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(s.eventLoopDelayP99Ms);
    expect(s.eventLoopUtilization).toBeGreaterThanOrEqual(0);
    expect(s.eventLoopUtilization).toBeLessThanOrEqual(1);
    expect(s.probeMs).toBeGreaterThan(0);
    expect(s.probeCpuMs).toBeGreaterThan(0);
    expect(probe.result().samples).toBeGreaterThan(0);
    expect(probe.result().probeMsMax).toBeGreaterThanOrEqual(s.probeMs);
  });

  it('sees post-GC heap grow when the array grows, and stay flat when it does not', async () => {
    await probe.sample();
    const base = (await probe.sample()).heapUsed;
    // Idle: the post-GC heap moves by KBs (issue 4 measured 10–15 KB noise), far below 1 MB.
    const idle = (await probe.sample()).heapUsed;
    expect(Math.abs(idle - base)).toBeLessThan(1_000_000);
    // 20 000 LeakyThing × (16 doubles + object + Map entry) ≈ 5 MB retained.
    await target.get('/grow?n=20000&size=16');
    const grown = (await probe.sample()).heapUsed;
    expect(grown - idle).toBeGreaterThan(3_000_000);
    await target.get('/clear');
    const cleared = (await probe.sample()).heapUsed;
    expect(grown - cleared).toBeGreaterThan(3_000_000);
  });

  it('measures CPU of a busy loop in the target', async () => {
    await probe.sample();
    await target.get('/grow?n=200000&size=1');
    const s = await probe.sample();
    expect(s.cpuPercent).toBeGreaterThan(1);
    expect(s.eventLoopDelayMaxMs).toBeGreaterThan(5);
    await target.get('/clear');
  });

  it("leaves its own forced GC out of the loop figures: an idle interval after a long GC shows no stall", async () => {
    // ~500,000 live objects make a full GC take tens of ms: the measurer's pause, not the server's work.
    await target.get('/grow?n=500000&size=16');
    await probe.sample();
    const s = await probe.sample();
    // The GC did block the target (probeMs spans it) ...
    expect(s.probeMs).toBeGreaterThan(20);
    // ... and cost it CPU, which the probe reads in the target: a full GC of 500,000 live
    // objects is milliseconds of work.
    expect(s.probeCpuMs).toBeGreaterThan(5);
    // ... and its pauses on the main thread, seen by a gc observer in the target: a full GC of
    // that heap is milliseconds, and the probe's idle-heap sample before it was much cheaper.
    expect(s.probeMainMs).toBeGreaterThan(5);
    await target.get('/clear');
    await probe.sample();
    const small = await probe.sample();
    expect(small.probeMainMs).toBeGreaterThan(0);
    expect(small.probeMainMs).toBeLessThan(s.probeMainMs! / 2);
    await target.get('/grow?n=500000&size=16');
    await probe.sample();
    // ... and the loop reading, taken before it over an idle stretch, holds no stall of that size.
    // (Read after the GC, as before, its max delay was the pause itself, ~probeMs.)
    expect(s.eventLoopDelayMaxMs).toBeLessThan(s.probeMs / 2);
    await target.get('/clear');
  });

  it("an idle checkpoint waits out what a timer releases seconds later; a hold's back-to-back rounds read it as settled", async () => {
    await probe.sample();
    const before = (await probe.sample({ settle: 'hold' })).heapUsed;
    // About 8 MB of small objects, dropped by the target's own timer 3 s from now.
    await target.get('/release-later?mb=8&ms=3000');
    const hold = await probe.sample({ settle: 'hold' });
    expect(hold.heapStable).toBe(true);
    expect(hold.heapUsed - before).toBeGreaterThan(6_000_000);
    const idle = await probe.sample({ settle: 'idle', quietMs: 4_000 });
    expect(idle.heapStable).toBe(true);
    // The idle reading saw the release and then 4 s without a fall, rounds ≤ 1 s apart: ≥ 4 rounds.
    expect(hold.heapUsed - idle.heapUsed).toBeGreaterThan(6_000_000);
    expect(idle.gcRounds).toBeGreaterThanOrEqual(4);
    // Every round's heap is kept, in order; the reading is their lowest, and the fall is in them.
    expect(idle.gcHeaps).toHaveLength(idle.gcRounds as number);
    expect(idle.heapUsed).toBe(Math.min(...(idle.gcHeaps as number[])));
    expect((idle.gcHeaps as number[])[0]! - idle.heapUsed).toBeGreaterThan(6_000_000);
    expect(Math.abs(idle.heapUsed - before)).toBeLessThan(1_000_000);
  }, 60_000);

  it('a hold runs at least MIN_HOLD_ROUNDS rounds, so what falls only after a few full GCs (as aged code does) is read fallen', async () => {
    const settled = await probe.sample({ settle: 'hold' });
    expect(settled.heapStable).toBe(true);
    expect(settled.gcRounds).toBeGreaterThanOrEqual(MIN_HOLD_ROUNDS);
    // About 4 MB held until 8 more full GCs have run (a round's HeapProfiler.collectGarbage runs
    // two here): the heap stands still for 4 rounds (3 quiet rounds in a row), then falls at round 5.
    await target.get('/release-after-gcs?mb=4&gcs=8');
    const hold = await probe.sample({ settle: 'hold' });
    const heaps = hold.gcHeaps as number[];
    expect(hold.heapStable).toBe(true);
    expect(heaps[0]! - hold.heapUsed).toBeGreaterThan(3_000_000);
    // It fell at round 5 or later, after 3 quiet rounds: where a hold stopped before.
    expect(heaps.findIndex((h) => heaps[0]! - h > 3_000_000)).toBeGreaterThanOrEqual(4);
    expect(Math.abs(hold.heapUsed - settled.heapUsed)).toBeLessThan(1_000_000);
  }, 60_000);

  it("a checkpoint reads the JIT's share of the heap (code and bytecode); a regular sample does not", async () => {
    const regular = await probe.sample();
    expect(regular.codeBytes).toBeUndefined();
    const before = await probe.sample({ settle: 'hold' });
    expect(before.codeBytes).toBeGreaterThan(0);
    expect(before.bytecodeBytes).toBeGreaterThan(0);
    // Both are parts of the heap used.
    expect((before.codeBytes as number) + (before.bytecodeBytes as number)).toBeLessThan(before.heapUsed);
    // 3,000 new functions, each run once and kept: each has a bytecode array of its own (tens of bytes
    // of code plus its constant pool and metadata), so bytecode grows by well over 100 KB.
    await target.get('/compile?n=3000');
    const after = await probe.sample({ settle: 'hold' });
    expect((after.bytecodeBytes as number) - (before.bytecodeBytes as number)).toBeGreaterThan(100_000);
  });

  it('a read that throws inside the target comes back as a probe error; the target stays up', async () => {
    const short = await InspectorProbe.connect(target.wsUrl, { callTimeoutMs: 5_000 });
    try {
      await target.get('/throw-next-cpu-usage');
      await expect(short.sample()).rejects.toMatchObject({ code: 'ERR_INSPECTOR_PROTOCOL', message: expect.stringContaining('cpuUsage broken once') });
    } finally {
      await short.close();
    }
    // Not an uncaught exception in the server: it still answers HTTP, and samples go on.
    expect(await target.get('/metrics')).toContain('process_cpu_user_seconds_total');
    expect((await probe.sample()).heapUsed).toBeGreaterThan(0);
  });

  it('an evaluate that never settles times out and says the target still answers (its loop runs)', async () => {
    const short = await InspectorProbe.connect(target.wsUrl, { callTimeoutMs: 1_500 });
    try {
      await target.get('/lose-timers?n=1000000');
      await expect(short.sample()).rejects.toMatchObject({
        code: 'ERR_INSPECTOR_PROTOCOL',
        timedOut: true,
        message: expect.stringMatching(/evaluate took longer than 1500 ms.*it still answers a plain evaluate/),
      });
    } finally {
      await target.get('/lose-timers?n=0');
      await short.close();
    }
    // The probe that was not stuck samples on.
    expect((await probe.sample()).heapUsed).toBeGreaterThan(0);
  }, 20_000);

  it('sampling heap profile: what stays alive survives the forced GCs of sampling; what is freed drops out', async () => {
    // 20,000 LeakyThing of 16 doubles: payload arrays of 16 × 8 B + headers ≈ 3–4 MB retained.
    await probe.startHeapSampling(32_768);
    await target.get('/grow?n=20000&size=16');
    for (let i = 0; i < 3; i++) await probe.sample(); // each one a forced GC, as in a soak
    const kept = await probe.stopHeapSampling();
    expect(kept.samples.length).toBeGreaterThan(20);
    // Sampled in LeakyThing's own frame: 0.85–1.2 MB in repeated runs here (a Poisson sample of
    // one allocation per 32 KiB, ~30 of them), so the bar sits well below that and well above
    // the freed case's 100 KB; the contrast between the two is what this test is about.
    expect(sampledBytesIn(kept, 'LeakyThing')).toBeGreaterThan(400_000);

    await probe.startHeapSampling(32_768);
    await target.get('/grow?n=20000&size=16');
    await target.get('/clear');
    await probe.sample();
    const freed = await probe.stopHeapSampling();
    // Only objects alive at stopSampling are reported: the cleared ones are gone from the profile.
    expect(sampledBytesIn(freed, 'LeakyThing')).toBeLessThan(100_000);
  });
});
