/**
 * Fixed-size latency histograms (HdrHistogram: memory does not grow with run length). Values
 * are recorded in microseconds, 1 µs to 60 s at 2 significant digits (about 1% error), and
 * travel between threads as compressed base64.
 */
import * as hdr from 'hdr-histogram-js';
import type { LoadCounts } from './count-types.js';

/** Longest round trip tracked, µs; slower acks count as timeouts anyway. */
const HIGHEST_US = 60_000_000;

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return hdr.build({ bitBucketSize: 32, autoResize: false, lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 2, useWebAssembly: false });
}

export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(ms * 1000))));
}

export function encode(h: Histogram): string {
  return hdr.encodeIntoCompressedBase64(h);
}

/** Adds an encoded histogram into `into`. */
export function addEncoded(into: Histogram, encoded: string): void {
  const other = hdr.decodeFromCompressedBase64(encoded, 32, false);
  into.add(other);
  other.destroy();
}

export function summaryMs(h: Histogram): LoadCounts['latencyMs'] {
  const count = h.totalCount;
  if (count === 0) return { p50: 0, p95: 0, p99: 0, max: 0, count: 0 };
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  return { p50: at(50), p95: at(95), p99: at(99), max: h.maxValue / 1000, count };
}
