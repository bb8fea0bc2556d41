/**
 * The sampling loop keeps going through failed /metrics scrapes (empty metrics + the error in
 * the sample, the store still read) and ends the run as a target failure only after
 * scrapeFailureLimit() of them in a row; a server without /metrics is never scraped. Fake probes, a clock at 1 simulated hour per 40 real ms.
 */
import { describe, expect, it } from 'vitest';
import { SimClock } from '../../common/sim-clock.js';
import { DEFAULTS } from '../../harness/config/defaults.js';
import type { ResolvedSoakConfig } from '../../harness/config/types.js';
import { TargetError } from '../../harness/errors.js';
import type { NdjsonWriter } from '../../harness/run/ndjson-writer.js';
import { runSoakLoop, scrapeFailureLimit, type LoopResult } from '../../harness/run/soak-loop.js';
import type { Sample, ServerProbe } from '../../harness/sample.js';

const config: ResolvedSoakConfig = { ...DEFAULTS, hours: 3, warmupHours: 1, cooldownHours: 0.25, snapshots: false, sources: {} };
const probe: ServerProbe = {
  heapUsed: 1, heapTotal: 2, rss: 3, external: 0, arrayBuffers: 0, cpuPercent: 1,
  eventLoopDelayP50Ms: 1, eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 1, eventLoopUtilization: 0.1, probeMs: 1,
};

/** `scrape` null: a server without /metrics (an inspector-only `--target`). */
async function loop(scrape: ((call: number) => Record<string, number>) | null): Promise<{ out: LoopResult; error: unknown; logs: string[] }> {
  const out: LoopResult = { samples: [] as Sample[], snapshots: [] };
  const logs: string[] = [];
  let calls = 0;
  let error: unknown = null;
  try {
    await runSoakLoop(
      {
        config,
        clock: new SimClock({ scale: 3_600_000 / 40 }),
        runDir: '/nonexistent',
        inspector: { sample: async () => probe, takeHeapSnapshot: async () => ({ bytes: 0, pauseMs: 0 }) },
        scrape: scrape === null ? null : async () => scrape(calls++),
        readStore: async () => ({ connections: 13, totalCreated: 20, baseline: 2 }),
        load: null,
        writer: { write: () => undefined } as unknown as NdjsonWriter<Sample>,
        signal: new AbortController().signal,
        failure: new Promise<never>(() => undefined),
        emit: (e) => (e.type === 'log' ? logs.push(e.message) : undefined),
        startedRealMs: Date.now(),
      },
      out,
    );
  } catch (caught) {
    error = caught;
  }
  return { out, error, logs };
}

const timedOut = () => {
  throw new Error('scrape of http://127.0.0.1:1/metrics failed: no answer within 10000 ms');
};

describe('failed /metrics scrapes', () => {
  it('the limit covers warm-up plus twice the consecutive breaches (defaults: 12)', () => {
    expect(scrapeFailureLimit(DEFAULTS)).toBe(12);
    expect(scrapeFailureLimit(config)).toBe(8);
    expect(scrapeFailureLimit({ ...DEFAULTS, warmupHours: 0 })).toBe(4);
  });

  it('an intermittent failure leaves a sample with empty metrics and the error, and the run goes on', async () => {
    const { out, error, logs } = await loop((call) => (call % 3 === 1 ? timedOut() : { rol_connected_sockets: 1 }));
    expect(error).toBeNull();
    expect(out.samples.at(-1)?.phase).toBe('cooldown');
    const failed = out.samples.filter((s) => s.scrapeError);
    expect(failed.length).toBeGreaterThan(0);
    for (const s of failed) expect(s.metrics).toEqual({});
    for (const s of out.samples) expect(s.store).toEqual({ connections: 13, totalCreated: 20, baseline: 2 });
    expect(logs.some((l) => l.includes('/metrics failed'))).toBe(true);
  });

  it('the limit of failures in a row ends the run as a target failure, every sample kept', async () => {
    const { out, error } = await loop(timedOut);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).message).toMatch(/8 samples in a row/);
    expect(out.samples).toHaveLength(scrapeFailureLimit(config));
    expect(out.samples.every((s) => s.scrapeError && s.store?.connections === 13)).toBe(true);
  });

  it('a server without /metrics is never scraped: empty metrics, no scrapeError, the run goes to its end', async () => {
    const { out, error, logs } = await loop(null);
    expect(error).toBeNull();
    // Far past the failure limit (8 here): nothing was asked, so nothing failed.
    expect(out.samples.length).toBeGreaterThan(scrapeFailureLimit(config));
    expect(out.samples.at(-1)?.phase).toBe('cooldown');
    for (const s of out.samples) {
      expect(s.metrics).toEqual({});
      expect(s).not.toHaveProperty('scrapeError');
      expect(s.store?.connections).toBe(13);
    }
    expect(logs.some((l) => l.includes('/metrics'))).toBe(false);
  });

  it('a failed store read is recorded as null with its error', async () => {
    const out: LoopResult = { samples: [] as Sample[], snapshots: [] };
    await runSoakLoop(
      {
        config: { ...config, hours: 1.5 },
        clock: new SimClock({ scale: 3_600_000 / 40 }),
        runDir: '/nonexistent',
        inspector: { sample: async () => probe, takeHeapSnapshot: async () => ({ bytes: 0, pauseMs: 0 }) },
        scrape: async () => ({}),
        readStore: async () => {
          throw new Error('serverStatus of the store failed: timed out');
        },
        load: null,
        writer: { write: () => undefined } as unknown as NdjsonWriter<Sample>,
        signal: new AbortController().signal,
        failure: new Promise<never>(() => undefined),
        emit: () => undefined,
        startedRealMs: Date.now(),
      },
      out,
    );
    expect(out.samples.length).toBeGreaterThan(2);
    for (const s of out.samples) expect([s.store, s.storeError]).toEqual([null, 'serverStatus of the store failed: timed out']);
  });
});
