import { describe, expect, it } from 'vitest';
import { SelfProbe } from '../../harness/probes/self-probe.js';

describe('SelfProbe', () => {
  it('reads the harness heap and keeps peaks', async () => {
    const probe = new SelfProbe();
    const a = await probe.sample();
    const b = probe.sampleSync();
    expect(a.heapUsed).toBeGreaterThan(1e6);
    expect(a.rss).toBeGreaterThan(a.heapUsed);
    expect(probe.result().peakRss).toBeGreaterThanOrEqual(Math.max(a.rss, b.rss));
    expect(probe.result().peakHeapUsed).toBeGreaterThanOrEqual(Math.max(a.heapUsed, b.heapUsed));
    await probe.cleanup();
  });
});
