/**
 * Per-sample-window figures of the HTTP load, from the individual request outcomes the driver
 * records: how many requests ended in the window, how many failed (non-2xx, socket error,
 * timeout), and the latency percentiles of the responses. Pure: the live collector
 * (http-load.ts) hands its buffered outcomes to `bucketOutcomes` at every sample.
 *
 * Why exact percentiles and not an HDR histogram: a window holds at most a few thousand
 * responses (the default drives 15–17 req/s, times the real length of one sample window), so sorting them costs less than
 * a histogram's allocation and gives nearest-rank percentiles that a test can check by hand.
 */

/** The REST endpoints the HTTP load drives (the scenario's `http.mix` keys). */
export type HttpEndpointName = 'login' | 'buddies' | 'weather' | 'history';

/** How one request ended. */
export type OutcomeKind = 'ok' | 'non2xx' | 'socket' | 'timeout';

/** One request's end, as the collector records it. */
export interface RequestOutcome {
  /** Real time the request ended (response complete, or error/timeout noticed), ms on the collector's monotonic clock. */
  readonly atMs: number;
  readonly kind: OutcomeKind;
  /** Response time (first byte written → response complete), ms; null without a response. */
  readonly latencyMs: number | null;
  /** Which endpoint answered; null when the request failed without a response (unknown then). */
  readonly endpoint: HttpEndpointName | null;
}

export interface LatencyPercentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What one sample carries about the HTTP load since the previous sample. */
export interface HttpWindow {
  /** Real ms the window covers (previous sample → this one). */
  readonly realMs: number;
  /** Requests that ended in the window: responses of any status plus failures without one. */
  readonly requests: number;
  /** non2xx + socketErrors + timeouts. */
  readonly errors: number;
  readonly non2xx: number;
  readonly socketErrors: number;
  readonly timeouts: number;
  /** Percentiles (nearest rank) of the window's response times, ms, any status; null without responses. */
  readonly latencyMs: LatencyPercentiles | null;
  /** Per endpoint: requests answered, non-2xx among them, and their p90 latency (ms). */
  readonly byEndpoint: Readonly<Partial<Record<HttpEndpointName, { readonly requests: number; readonly non2xx: number; readonly p90: number }>>>;
  /**
   * The driver's arrivals in the window (http-load.ts): fell due (sent or shed), shed (the queue
   * was full), sent late (> LATE_MS after due), and sent again after a reused keep-alive socket
   * was reset before any answer. Absent in runs before 2026-12-05 (autocannon).
   */
  readonly due?: number;
  readonly shed?: number;
  readonly late?: number;
  readonly resent?: number;
}

/** Nearest-rank percentile of an ascending array (p in (0, 1]); the k-th smallest with k = ⌈p·n⌉. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const k = Math.min(n, Math.max(1, Math.ceil(p * n)));
  return sorted[k - 1] as number;
}

/** The figures of one window from the outcomes that ended in it. */
export function summariseWindow(outcomes: readonly RequestOutcome[], realMs: number): HttpWindow {
  let non2xx = 0;
  let socketErrors = 0;
  let timeouts = 0;
  const latencies: number[] = [];
  const perEndpoint = new Map<HttpEndpointName, { latencies: number[]; non2xx: number }>();
  for (const o of outcomes) {
    if (o.kind === 'non2xx') non2xx++;
    else if (o.kind === 'socket') socketErrors++;
    else if (o.kind === 'timeout') timeouts++;
    if (o.latencyMs !== null && Number.isFinite(o.latencyMs)) {
      latencies.push(o.latencyMs);
      if (o.endpoint) {
        const e = perEndpoint.get(o.endpoint) ?? { latencies: [], non2xx: 0 };
        e.latencies.push(o.latencyMs);
        if (o.kind === 'non2xx') e.non2xx++;
        perEndpoint.set(o.endpoint, e);
      }
    }
  }
  const sorted = Float64Array.from(latencies).sort();
  const byEndpoint: Partial<Record<HttpEndpointName, { requests: number; non2xx: number; p90: number }>> = {};
  for (const [name, e] of [...perEndpoint].sort((a, b) => a[0].localeCompare(b[0]))) {
    byEndpoint[name] = { requests: e.latencies.length, non2xx: e.non2xx, p90: nearestRank(Float64Array.from(e.latencies).sort(), 0.9) };
  }
  return {
    realMs,
    requests: outcomes.length,
    errors: non2xx + socketErrors + timeouts,
    non2xx,
    socketErrors,
    timeouts,
    latencyMs:
      sorted.length === 0
        ? null
        : { p50: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9), p99: nearestRank(sorted, 0.99), max: sorted[sorted.length - 1] as number },
    byEndpoint,
  };
}

/**
 * Buckets outcomes into the windows between consecutive real-time edges: window i holds the
 * outcomes with edges[i] < atMs ≤ edges[i+1] (so an outcome exactly at a sample instant belongs
 * to the window that sample closes). Outcomes outside [edges[0], edges[last]] belong to no
 * window; the result has edges.length − 1 windows (none for fewer than two edges).
 */
export function bucketOutcomes(outcomes: readonly RequestOutcome[], edges: readonly number[]): HttpWindow[] {
  const windows: RequestOutcome[][] = [];
  for (let i = 1; i < edges.length; i++) {
    if ((edges[i] as number) < (edges[i - 1] as number)) throw new RangeError(`window edges must not decrease (edge ${i}: ${edges[i]} < ${edges[i - 1]})`);
    windows.push([]);
  }
  if (windows.length === 0) return [];
  for (const o of outcomes) {
    // Binary search for the first edge ≥ atMs: the outcome belongs to the window that edge closes.
    let lo = 1;
    let hi = edges.length - 1;
    if (!(o.atMs > (edges[0] as number) && o.atMs <= (edges[hi] as number))) continue;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((edges[mid] as number) >= o.atMs) hi = mid;
      else lo = mid + 1;
    }
    windows[lo - 1]?.push(o);
  }
  return windows.map((w, i) => summariseWindow(w, (edges[i + 1] as number) - (edges[i] as number)));
}
