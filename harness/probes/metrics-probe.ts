/**
 * Scrapes a server's Prometheus `/metrics` into `Sample.metrics` (flattened keys, see
 * prometheus-text.ts). Errors carry `ERR_METRICS_SCRAPE` and arrive within `timeoutMs`.
 */
import { ProbeError, asProbeError } from './probe-error.js';
import type { Probe } from './probe.js';
import { parsePrometheusText } from './prometheus-text.js';

export { metricKey, parsePrometheusText } from './prometheus-text.js';

export interface ScrapeOptions {
  /** Deadline for connect + response body, ms. @default 5000 */
  readonly timeoutMs?: number;
  /** Sent as `Authorization: Bearer <token>` (the reference server's SOAK_METRICS_TOKEN). @default none */
  readonly bearerToken?: string;
}

/** Fetches and parses one exposition: `{ 'name{label="v"}': value }`. */
export async function scrapeMetrics(url: string, options: ScrapeOptions = {}): Promise<Record<string, number>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let text: string;
  try {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        accept: 'text/plain;version=0.0.4',
        ...(options.bearerToken === undefined ? {} : { authorization: `Bearer ${options.bearerToken}` }),
      },
    });
    text = await res.text();
    if (!res.ok) throw new ProbeError('ERR_METRICS_SCRAPE', `${url} answered HTTP ${res.status}`);
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? new Error(`no answer within ${timeoutMs} ms`) : err;
    throw asProbeError('ERR_METRICS_SCRAPE', `scrape of ${url} failed`, why);
  }
  return parsePrometheusText(text).values;
}

/** The scrape as a lifecycle probe; `result()` reports its own cost (scrape wall time, ms). */
export class MetricsProbe implements Probe<Record<string, number>, { scrapes: number; totalMs: number; maxMs: number }> {
  readonly name = 'metrics';
  #scrapes = 0;
  #totalMs = 0;
  #maxMs = 0;

  constructor(
    readonly url: string,
    readonly options: ScrapeOptions = {},
  ) {}

  async sample(): Promise<Record<string, number>> {
    const t0 = performance.now();
    try {
      return await scrapeMetrics(this.url, this.options);
    } finally {
      const ms = performance.now() - t0;
      this.#scrapes++;
      this.#totalMs += ms;
      this.#maxMs = Math.max(this.#maxMs, ms);
    }
  }

  result(): { scrapes: number; totalMs: number; maxMs: number } {
    return { scrapes: this.#scrapes, totalMs: this.#totalMs, maxMs: this.#maxMs };
  }

  async cleanup(): Promise<void> {}
}
