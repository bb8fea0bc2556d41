/**
 * The harness's own footprint (STYLE §7: measure the measurer). Its heap must stay flat over a
 * run like the server's; the peak RSS is reported so the cost of snapshot diffs is visible.
 */
import type { Probe } from './probe.js';

export interface SelfReading {
  /** Harness V8 heap used, bytes (goes to `Sample.harnessHeapUsed`). */
  readonly heapUsed: number;
  /** Harness resident set size, bytes. */
  readonly rss: number;
}

export class SelfProbe implements Probe<SelfReading, { peakRss: number; peakHeapUsed: number }> {
  readonly name = 'self';
  #peakRss = 0;
  #peakHeapUsed = 0;

  async sample(): Promise<SelfReading> {
    return this.sampleSync();
  }

  /** Synchronous form for callers on a hot path; process.memoryUsage() costs microseconds. */
  sampleSync(): SelfReading {
    const m = process.memoryUsage();
    this.#peakRss = Math.max(this.#peakRss, m.rss);
    this.#peakHeapUsed = Math.max(this.#peakHeapUsed, m.heapUsed);
    return { heapUsed: m.heapUsed, rss: m.rss };
  }

  result(): { peakRss: number; peakHeapUsed: number } {
    return { peakRss: this.#peakRss, peakHeapUsed: this.#peakHeapUsed };
  }

  async cleanup(): Promise<void> {}
}
