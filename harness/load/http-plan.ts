/**
 * The HTTP load's plan (pure): the requests of one simulated hour from the scenario, the real
 * rates they come to at the run's scales, the sockets that carry them, and the cycle of requests
 * the arrivals walk through in order.
 *
 * Rate: users × requestsPerUserHour requests per simulated hour, in every stretch of the run
 * (http-load.ts spaces the arrivals in simulated time), so the real rate is that × S / 3600 and
 * follows the phase's scale. The planner counts these requests in the time scale's budget
 * (plan-time-scale.ts), so no cap applies: a rate too high for the machine slows the scale instead.
 */
import type { HttpEndpointName } from './http-window.js';

/** Logged-in accounts the requests rotate over (the first virtual users' accounts). */
export const HTTP_ACCOUNTS = 4;
/** Slots of one request cycle: enough to express weights to ~4% without a long cycle. */
const CYCLE_SLOTS = 24;
/** Cities the weather requests rotate over (the client's default first). */
const CITIES = ['Amsterdam', 'Oslo', 'Lisbon', 'Berlin'] as const;
/** Messages per IM history page (the server's default page is 50). */
const HISTORY_LIMIT = 50;

export interface HttpRatePlan {
  readonly requestsPerUserHour: number;
  readonly mix: Readonly<Record<HttpEndpointName, number>>;
  /** users × requestsPerUserHour: the arrivals of every simulated hour. Absent in runs before 2026-12-05. */
  readonly requestsPerSimHour?: number;
  /** Requests per real second at the first phase's scale (unrounded). */
  readonly plannedPerSecond: number;
  /** Highest real rate over the soak's scales, requests per second (the sockets are sized for it). Absent before 2026-12-05. */
  readonly peakPerSecond?: number;
  /**
   * Runs before 2026-12-05 (autocannon at a fixed real rate): the rate it ran at, its cap, and
   * whether the cap lowered it or autocannon's minimum of 1/s raised it. Read, never written now.
   */
  readonly ratePerSecond?: number;
  readonly capPerSecond?: number;
  readonly capped?: boolean;
  readonly floored?: boolean;
}

/** What a run records about its HTTP load (run.json and report.json `http.plan` / `http.note`). */
export interface HttpRunInfo {
  /** The rate plan and what ran it; null when no HTTP load ran. */
  readonly plan: (HttpRatePlan & { readonly connections: number; readonly accounts: readonly string[] }) | null;
  /** Why there was none (`--no-http`, no REST traffic in the scenario, outside load). */
  readonly note: string | null;
}

/**
 * Most requests per real second one keep-alive socket is planned to carry. Why: a request waits
 * for a free socket, so a response held up by a stall in the server (a sampler's forced GC,
 * 0.1–0.3 s here) delays the requests queued behind it on that socket; at 4 a second a socket has
 * 250 ms per request, so one such stall delays about one request per socket and the others go on.
 * (With autocannon, which dropped the rest of a second's quota after a slow response, two
 * connections at 23 req/s drove 75–98% of the plan and six 97.5–99.5%: S 70, 100 users,
 * 2026-12-05.)
 */
export const MAX_RATE_PER_CONNECTION = 4;

/** Sockets for a rate: enough that none carries more than MAX_RATE_PER_CONNECTION, at least 1. Pure. */
export function httpConnectionsFor(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(Math.max(0, ratePerSecond) / MAX_RATE_PER_CONNECTION));
}

/**
 * The plan for `users` at the run's scales: `timeScale` is the first phase's, `scales` every
 * scale the soak runs at (the cool-down's excluded: the load has stopped by then). Pure.
 */
export function planHttpRate(input: {
  readonly requestsPerUserHour: number;
  readonly mix: Readonly<Record<HttpEndpointName, number>>;
  readonly users: number;
  readonly timeScale: number;
  readonly scales?: readonly number[];
}): HttpRatePlan {
  const perSimHour = input.users * input.requestsPerUserHour;
  const peakScale = Math.max(input.timeScale, ...(input.scales ?? []));
  return {
    requestsPerUserHour: input.requestsPerUserHour,
    mix: input.mix,
    requestsPerSimHour: perSimHour,
    plannedPerSecond: (perSimHour * input.timeScale) / 3600,
    peakPerSecond: (perSimHour * peakScale) / 3600,
  };
}

/** Whole slots per endpoint (largest remainder), so the cycle's shares match the weights. */
export function slotsFor(mix: Readonly<Record<HttpEndpointName, number>>, slots = CYCLE_SLOTS): Array<[HttpEndpointName, number]> {
  const entries = (Object.entries(mix) as Array<[HttpEndpointName, number]>).filter(([, w]) => w > 0);
  const total = entries.reduce((a, [, w]) => a + w, 0);
  if (total <= 0) return [];
  const exact = entries.map(([e, w]): [HttpEndpointName, number, number] => [e, Math.floor((w / total) * slots), ((w / total) * slots) % 1]);
  let left = slots - exact.reduce((a, [, n]) => a + n, 0);
  for (const item of [...exact].sort((a, b) => b[2] - a[2])) {
    if (left <= 0) break;
    item[1] += 1;
    left -= 1;
  }
  // Every weighted endpoint keeps at least one slot, even a tiny weight.
  return exact.map(([e, n]): [HttpEndpointName, number] => [e, Math.max(1, n)]);
}

/**
 * The order of endpoints in one cycle: smooth weighted round-robin (each step picks the
 * endpoint with the largest running credit), so that the shares hold over any stretch of the
 * cycle and one endpoint's requests do not come in a block.
 */
export function interleave(slots: ReadonlyArray<readonly [HttpEndpointName, number]>): HttpEndpointName[] {
  const total = slots.reduce((a, [, n]) => a + n, 0);
  const credit = slots.map(() => 0);
  const out: HttpEndpointName[] = [];
  for (let step = 0; step < total; step++) {
    let best = 0;
    for (let i = 0; i < slots.length; i++) {
      credit[i] = (credit[i] as number) + (slots[i]?.[1] as number);
      if ((credit[i] as number) > (credit[best] as number)) best = i;
    }
    credit[best] = (credit[best] as number) - total;
    out.push(slots[best]?.[0] as HttpEndpointName);
  }
  return out;
}

/** One logged-in account: its token, its password (for login requests) and a conversation partner. */
export interface HttpAccount {
  readonly username: string;
  readonly password: string;
  readonly token: string;
  /** Whose IM history with this account is paged (a buddy: the neighbouring virtual user). */
  readonly historyWith: string;
}

export interface PlannedRequest {
  readonly endpoint: HttpEndpointName;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** The request cycle: the interleaved endpoints, each request rotating over the accounts. */
export function buildRequestCycle(
  mix: Readonly<Record<HttpEndpointName, number>>,
  accounts: readonly HttpAccount[],
  routes: { readonly login: string; readonly buddies: string; readonly weather: string; readonly history: string },
): PlannedRequest[] {
  if (accounts.length === 0) throw new RangeError('the HTTP load needs at least one logged-in account');
  const seen: Partial<Record<HttpEndpointName, number>> = {};
  return interleave(slotsFor(mix)).map((endpoint): PlannedRequest => {
    const k = seen[endpoint] ?? 0;
    seen[endpoint] = k + 1;
    const a = accounts[k % accounts.length] as HttpAccount;
    const auth = { authorization: `Bearer ${a.token}` };
    switch (endpoint) {
      case 'login':
        return { endpoint, method: 'POST', path: routes.login, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: a.username, password: a.password }) };
      case 'buddies':
        return { endpoint, method: 'GET', path: routes.buddies, headers: auth };
      case 'weather':
        return { endpoint, method: 'GET', path: `${routes.weather}?city=${encodeURIComponent(CITIES[k % CITIES.length] as string)}`, headers: auth };
      case 'history':
        return { endpoint, method: 'GET', path: `${routes.history}?with=${encodeURIComponent(a.historyWith)}&limit=${HISTORY_LIMIT}`, headers: auth };
    }
  });
}
