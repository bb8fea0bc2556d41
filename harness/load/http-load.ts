/**
 * The HTTP load: an open-model driver in the harness process, sending the REST requests (login,
 * buddies, weather, IM history) of a server on 127.0.0.1 alongside the virtual users. Arrivals
 * are spaced evenly in **simulated** time (one every 3,600,000 / requestsPerSimHour simulated ms,
 * on the run's clock), so every simulated hour carries its planned requests whatever the phase's
 * scale: the night's faster clock sends more per real second, a quiet hold at S = 1 its few.
 * Each arrival is sent when it falls due, whether or not earlier ones have been answered
 * (open model: a slow server does not slow the plan, it builds a queue); requests wait for one of
 * `connections` keep-alive sockets (node:http's Agent queues them), so a late response delays
 * the requests behind it instead of dropping them. What the driver could not start is counted:
 * `shed` (the queue already held MAX_OUTSTANDING_S seconds of requests: the server was not
 * keeping up) and `late` (sent more than LATE_MS after its due instant). The soak's REST fidelity
 * is requests over arrivals due (phase-fidelity.ts).
 *
 * Why not autocannon any more: it paces whole requests per second per connection and drops what
 * is left of a second's quota when a response is late, so a sampler's forced-GC stall (0.1–0.3 s)
 * cost REST requests the server would have served (seed 11's afternoon: 93.2% of plan, ELU 0.5),
 * and its rate is fixed in real time, so a phase at a faster scale got fewer requests per
 * simulated hour than planned and a hold at S = 1 dozens more.
 *
 * It logs a few of the virtual users' accounts in through the real login route first (their
 * tokens go into the requests), then runs until stop(), until arrivals reach `untilSimMs`, or for
 * at most `maxDurationS` real seconds, whichever comes first. Every request's end is buffered;
 * `takeWindow()` turns the buffer into the figures of one sample window (http-window.ts).
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { ROUTES } from '../../common/http.js';
import { loginOverRest } from '../../common/rest-login.js';
import { usernameFor, VU_PASSWORD, VU_USERNAME_PREFIX } from '../../scenarios/worker-protocol.js';
import { buildRequestCycle, HTTP_ACCOUNTS, type HttpAccount, type PlannedRequest } from './http-plan.js';
import { bucketOutcomes, type HttpEndpointName, type HttpWindow, type RequestOutcome } from './http-window.js';

/** Buffered outcomes beyond this are counted but dropped (hours of requests between two samples). */
const MAX_BUFFERED = 200_000;
/** Real ms stop() waits for requests in flight to end before it closes their sockets. */
const STOP_GRACE_MS = 5_000;
/** Real ms one login may take before the HTTP load gives up starting. */
const LOGIN_TIMEOUT_MS = 10_000;
/**
 * Requests waiting or in flight may hold at most this many real seconds of the plan's current
 * rate (and at least 4 per connection); an arrival beyond it is shed, not queued. Why 10 s: the
 * per-request timeout is 10 s, so a queue longer than that holds requests that would time out
 * before they were sent; and it bounds the driver's memory whatever the server does.
 */
const MAX_OUTSTANDING_S = 10;
/**
 * An arrival sent more than this many real ms after its due instant is counted `late`. Why 1 s:
 * a sampler's forced GC stalls the server 0.1–0.3 s, which the queue absorbs well within it;
 * a request a second late is one the server (or this process) kept waiting.
 */
export const LATE_MS = 1_000;
/** Longest real wait between scheduler ticks, ms: a changed scale or a stop is seen within it. */
const MAX_TICK_MS = 250;

export class HttpLoadError extends Error {
  readonly code = 'ERR_HTTP_LOAD' as const;
  constructor(message: string) {
    super(message);
    this.name = 'HttpLoadError';
  }
}

export interface HttpLoadOptions {
  /** Base URL of the server; its host must be 127.0.0.1 (or localhost, which is read as 127.0.0.1). */
  readonly serverUrl: string;
  /** Requests per simulated hour over all users (users × the scenario's requestsPerUserHour). */
  readonly requestsPerSimHour: number;
  /** The run's simulated clock: arrivals fall due at evenly spaced simulated instants on it. */
  readonly clock: { now(): number; realUntil(simMs: number): number };
  /** Simulated ms at which arrivals stop (the soak's end); the load is then done. */
  readonly untilSimMs: number;
  /** Keep-alive sockets the requests share (http-plan.ts httpConnectionsFor of the peak real rate). */
  readonly connections: number;
  readonly mix: Readonly<Record<HttpEndpointName, number>>;
  /** Virtual users in the run: the accounts logged in are the first min(users, HTTP_ACCOUNTS). */
  readonly users: number;
  /** Hard bound on the run, real seconds: no arrival is sent after it even without stop(). */
  readonly maxDurationS: number;
  /** Username prefix and password of the virtual users' accounts. @default 'vu', the VU password */
  readonly usernamePrefix?: string;
  readonly password?: string;
  /** Per-request timeout (no byte for this long), real seconds. @default 10 */
  readonly timeoutS?: number;
  /** Real seconds of requests the queue may hold before arrivals are shed. @default MAX_OUTSTANDING_S */
  readonly maxQueueS?: number;
  /** Monotonic clock for outcome stamps and window edges, ms. @default performance.now */
  readonly now?: () => number;
}

export interface HttpLoadTotals {
  /** Requests that ended (answered, failed or timed out). */
  readonly requests: number;
  readonly errors: number;
  /** Outcomes dropped because the buffer was full (0 unless samples stopped being taken). */
  readonly dropped: number;
  /** Arrivals that fell due, sent or shed. */
  readonly due: number;
  /** Arrivals not sent: the queue was full (MAX_OUTSTANDING_S). */
  readonly shed: number;
  /** Arrivals sent more than LATE_MS after their due instant. */
  readonly late: number;
  /** Requests sent again after a reused keep-alive socket was reset before any response (see send). */
  readonly resent: number;
}

export interface HttpLoadHandle {
  /** Keep-alive sockets the requests share, at most. */
  readonly connections: number;
  /** The accounts logged in. */
  readonly accounts: readonly string[];
  /**
   * The window since the previous call (or since start): its figures, and the buffer emptied.
   * After the load stopped and its last outcomes were taken, null.
   */
  takeWindow(): HttpWindow | null;
  /** Stops sending, waits (bounded) for the requests in flight, and closes the sockets. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the load has ended (stop(), its last arrival answered, or its duration bound). */
  readonly done: Promise<void>;
  totals(): HttpLoadTotals;
}

/** Only the loopback address: the HTTP load must never reach another machine. */
export function loopbackUrl(serverUrl: string): URL {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new HttpLoadError(`not a URL: ${serverUrl}`);
  }
  if (url.protocol !== 'http:') throw new HttpLoadError(`the HTTP load speaks plain http to 127.0.0.1 only, got ${url.protocol}`);
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  if (url.hostname !== '127.0.0.1') throw new HttpLoadError(`the HTTP load runs against 127.0.0.1 only, got ${url.hostname}`);
  return url;
}

async function login(base: string, username: string, password: string): Promise<string> {
  return loginOverRest(base, username, password, LOGIN_TIMEOUT_MS).catch((err: Error) => {
    throw new HttpLoadError(err.message);
  });
}

/** Logs the accounts in, then starts the arrivals. Rejects (HttpLoadError) when a login fails or an option is out of range. */
export async function startHttpLoad(options: HttpLoadOptions): Promise<HttpLoadHandle> {
  const url = loopbackUrl(options.serverUrl);
  const now = options.now ?? (() => performance.now());
  const prefix = options.usernamePrefix ?? VU_USERNAME_PREFIX;
  const password = options.password ?? VU_PASSWORD;
  const { clock } = options;
  if (!(options.requestsPerSimHour > 0) || !Number.isFinite(options.requestsPerSimHour)) {
    throw new HttpLoadError(`requests per simulated hour must be a positive number, got ${String(options.requestsPerSimHour)}`);
  }
  if (!(options.maxDurationS > 0)) throw new HttpLoadError(`maxDurationS must be > 0, got ${String(options.maxDurationS)}`);
  if (!Number.isInteger(options.connections) || options.connections < 1) throw new HttpLoadError(`connections must be a whole number ≥ 1, got ${String(options.connections)}`);
  const timeoutMs = (options.timeoutS ?? 10) * 1000;
  const maxQueueS = options.maxQueueS ?? MAX_OUTSTANDING_S;

  // Accounts: the first virtual users; each pages its history with its neighbour (a buddy: the
  // built-in load makes user i ask the users just before it).
  const n = Math.max(1, Math.min(HTTP_ACCOUNTS, options.users));
  const accounts: HttpAccount[] = [];
  for (let i = 0; i < n; i++) {
    const username = usernameFor(prefix, i);
    const token = await login(url.origin, username, password);
    accounts.push({ username, password, token, historyWith: usernameFor(prefix, i === 0 ? 1 : i - 1) });
  }
  const cycle = buildRequestCycle(options.mix, accounts, { login: ROUTES.login, buddies: ROUTES.buddies, weather: ROUTES.weather, history: ROUTES.imHistory });

  let buffer: RequestOutcome[] = [];
  let lastEdge = now();
  let latestStamp = lastEdge;
  let requests = 0;
  let errors = 0;
  let dropped = 0;
  const counts = { due: 0, shed: 0, late: 0, resent: 0 };
  let windowCounts = { due: 0, shed: 0, late: 0, resent: 0 };
  const record = (o: Omit<RequestOutcome, 'atMs'>) => {
    // Strictly after the last window edge, even within the same clock tick as the last take.
    latestStamp = Math.max(now(), lastEdge + 1e-3, latestStamp);
    requests++;
    if (o.kind !== 'ok') errors++;
    if (buffer.length < MAX_BUFFERED) buffer.push({ atMs: latestStamp, ...o });
    else dropped++;
  };

  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  /** Requests waiting for a socket or in flight: stop() ends what the grace did not. */
  const live = new Set<ReturnType<typeof httpRequest>>();
  let outstanding = 0;
  /** Called (and cleared) whenever the last request waiting or in flight has ended. */
  let idleWaiters: Array<() => void> = [];
  const whenIdle = (boundMs: number): Promise<void> => {
    if (outstanding === 0) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    return new Promise<void>((resolve) => {
      idleWaiters.push(resolve);
      timer = setTimeout(resolve, boundMs);
    }).finally(() => clearTimeout(timer));
  };
  /**
   * Sends one planned request; its outcome is recorded once, whichever way it ends. One resend,
   * as browsers do: a request on a reused keep-alive socket that the server closed just as the
   * request went out (ECONNRESET before any response byte; the server drops a socket idle for its
   * keepAliveTimeout, 5 s, which a hold's 3 s spacing over 5 sockets reaches) never reached the
   * app, so it is sent again on a fresh socket rather than counted as the server's error (the
   * 2026-12-05 seed 14 run had one such in 27,599). Anything else is the outcome.
   */
  const send = (planned: PlannedRequest, dueRealMs: number) => {
    outstanding++;
    let ended = false;
    let sentAt: number | null = null;
    let current: ReturnType<typeof httpRequest> | null = null;
    const end = (o: Omit<RequestOutcome, 'atMs'>) => {
      if (ended) return;
      ended = true;
      if (current) live.delete(current);
      record(o);
      outstanding--;
      if (outstanding === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    };
    const issue = (attempt: number) => {
      let responded = false;
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: planned.path, method: planned.method, agent, headers: { ...planned.headers, ...(planned.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(planned.body)) }) } },
        (res: IncomingMessage) => {
          responded = true;
          res.on('error', () => end({ kind: 'socket', latencyMs: null, endpoint: planned.endpoint }));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            // From the moment a socket took the request (its wait in the queue is `late`, apart).
            end({ kind: status >= 200 && status < 300 ? 'ok' : 'non2xx', latencyMs: now() - (sentAt ?? now()), endpoint: planned.endpoint });
          });
          res.resume();
        },
      );
      current = req;
      live.add(req);
      req.on('socket', () => {
        if (sentAt !== null) return; // a resend: the request went out (late or not) the first time
        sentAt = now();
        if (sentAt - dueRealMs > LATE_MS) {
          counts.late++;
          windowCounts.late++;
        }
      });
      req.setTimeout(timeoutMs, () => req.destroy(new HttpLoadError(`request timed out after ${String(timeoutMs)} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (!ended && !stopped && attempt === 0 && !responded && req.reusedSocket && e.code === 'ECONNRESET') {
          live.delete(req);
          counts.resent++;
          windowCounts.resent++;
          issue(1);
          return;
        }
        end({ kind: e instanceof HttpLoadError ? 'timeout' : 'socket', latencyMs: null, endpoint: planned.endpoint });
      });
      req.end(planned.body);
    };
    issue(0);
  };

  // Arrival k falls due at simulated k × spacing; the first is the next one from now.
  const spacing = 3_600_000 / options.requestsPerSimHour;
  let k = Math.max(0, Math.ceil(clock.now() / spacing));
  const startedAt = now();
  const deadline = startedAt + options.maxDurationS * 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone!: () => void;
  let finished = false;
  const done = new Promise<void>((resolve) => (resolveDone = resolve)).then(() => {
    finished = true;
  });
  /** No more arrivals: done once the last request in flight has ended (or at once without any). */
  const finishArrivals = () => {
    stopped = true;
    clearTimeout(timer);
    if (outstanding === 0) resolveDone();
    else idleWaiters.push(resolveDone);
  };
  const tick = () => {
    timer = undefined;
    if (stopped) return;
    const simNow = clock.now();
    const realNow = now();
    // Every arrival now due is sent (or shed): a late tick catches up, it does not skip.
    while (k * spacing <= simNow && k * spacing < options.untilSimMs) {
      const dueRealMs = realNow + clock.realUntil(k * spacing);
      const planned = cycle[k % cycle.length] as PlannedRequest;
      k++;
      counts.due++;
      windowCounts.due++;
      // The queue's bound: MAX_OUTSTANDING_S of the current real rate, at least 4 per socket.
      const perRealS = 1000 / Math.max(1e-9, clock.realUntil(k * spacing) - clock.realUntil((k - 1) * spacing));
      if (outstanding >= Math.max(4 * options.connections, Math.ceil(perRealS * maxQueueS))) {
        counts.shed++;
        windowCounts.shed++;
        continue;
      }
      send(planned, dueRealMs);
    }
    if (k * spacing >= options.untilSimMs || realNow >= deadline) {
      finishArrivals();
      return;
    }
    const wait = Math.min(MAX_TICK_MS, deadline - realNow, Math.max(1, clock.realUntil(k * spacing)));
    timer = setTimeout(tick, wait);
  };
  tick();

  let drained = false;
  return {
    connections: options.connections,
    accounts: accounts.map((a) => a.username),
    takeWindow() {
      if (drained) return null;
      if (finished) drained = true;
      // Every buffered outcome is stamped after the previous edge (see record), so the pure
      // bucketing puts all of them in this one window.
      const edge = Math.max(now(), latestStamp);
      const [window] = bucketOutcomes(buffer, [lastEdge, edge]);
      buffer = [];
      lastEdge = edge;
      const taken = windowCounts;
      windowCounts = { due: 0, shed: 0, late: 0, resent: 0 };
      return window ? { ...window, ...taken } : null;
    },
    async stop() {
      if (!stopped) finishArrivals();
      await whenIdle(STOP_GRACE_MS);
      // Whatever is still waiting or in flight after the grace ends here, as a socket error (a
      // queued request would otherwise get a new socket as soon as the agent's are destroyed);
      // their errors come on the next turns of the loop, recorded before stop() returns.
      for (const req of [...live]) req.destroy();
      agent.destroy();
      await whenIdle(STOP_GRACE_MS);
      resolveDone();
      await done;
    },
    done,
    totals: () => ({ requests, errors, dropped, ...counts }),
  };
}
