/**
 * The HTTP load's plan (pure): the real request rate from the scenario's simulated-time rate, and
 * the cycle of requests autocannon walks through (each connection repeats it in order).
 *
 * Rate: users × requestsPerUserHour / 3600 × S real requests per second (the events per
 * simulated hour are the real ones, compressed by S like every other rate). The planner counts
 * these requests in the time scale's budget (plan-time-scale.ts), so no cap applies by default:
 * a rate too high for the machine slows the scale instead. A cap can still be passed (tests, a
 * quick check); when it binds the report says so.
 * - autocannon paces whole requests per second per connection (integers; it sends its quota at
 *   the start of each second and then waits), so the rate is rounded, and at least 1 request/s.
 */
import type { HttpEndpointName } from './http-window.js';

/** Largest real request rate the HTTP load runs at by default: none (the planner budgets it). */
export const HTTP_MAX_REAL_RATE = Number.POSITIVE_INFINITY;
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
  /** users × requestsPerUserHour / 3600 × S, requests per real second (unrounded, uncapped). */
  readonly plannedPerSecond: number;
  /** What autocannon runs at: rounded, ≥ 1, ≤ the cap. Requests per real second. */
  readonly ratePerSecond: number;
  readonly capPerSecond: number;
  /** True when the cap lowered the rate. */
  readonly capped: boolean;
  /** True when the planned rate was below 1/s and was raised to autocannon's minimum of 1. */
  readonly floored: boolean;
}

/** What a run records about its HTTP load (run.json and report.json `http.plan` / `http.note`). */
export interface HttpRunInfo {
  /** The rate plan and what ran it; null when no HTTP load ran. */
  readonly plan: (HttpRatePlan & { readonly connections: number; readonly accounts: readonly string[] }) | null;
  /** Why there was none (`--no-http`, no REST traffic in the scenario, outside load), or that the cap bound. */
  readonly note: string | null;
}

/**
 * Most requests per real second one autocannon connection is asked to carry. Why: with
 * pipelining 1 a connection sends its second's quota one request after another and drops what
 * is left of it when the next second starts (autocannon resets the count, it carries nothing
 * over), so a connection asked for q requests a second loses some as soon as one response takes
 * longer than ~1000/q ms. Two connections at 23 req/s (S 70, 100 users, 2026-12-05) drove
 * 75–98% of the phases' planned requests while the server answered at p50 4 ms and p99 296 ms (a
 * forced-GC sample stalls its loop ~0.1–0.3 s); six, in the same run again, 97.5–99.5% outside
 * the morning, where the server itself was 0.76 busy (88%). At 4 a second a connection has
 * 250 ms per request.
 */
export const MAX_RATE_PER_CONNECTION = 4;

/** Connections for a rate: enough that none carries more than MAX_RATE_PER_CONNECTION, at least 1, never more than the rate. Pure. */
export function httpConnectionsFor(ratePerSecond: number): number {
  const rate = Math.max(1, Math.floor(ratePerSecond));
  return Math.min(rate, Math.ceil(rate / MAX_RATE_PER_CONNECTION));
}

export function planHttpRate(input: {
  readonly requestsPerUserHour: number;
  readonly mix: Readonly<Record<HttpEndpointName, number>>;
  readonly users: number;
  readonly timeScale: number;
  readonly capPerSecond?: number;
}): HttpRatePlan {
  const cap = input.capPerSecond ?? HTTP_MAX_REAL_RATE;
  const planned = (input.users * input.requestsPerUserHour * input.timeScale) / 3600;
  const rounded = Math.round(planned);
  const ratePerSecond = Math.max(1, Math.min(cap, rounded));
  return {
    requestsPerUserHour: input.requestsPerUserHour,
    mix: input.mix,
    plannedPerSecond: planned,
    ratePerSecond,
    capPerSecond: cap,
    capped: rounded > cap,
    floored: rounded < 1,
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
