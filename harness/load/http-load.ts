/**
 * The HTTP load: autocannon, in the harness process, driving the REST endpoints (login, buddies,
 * weather, IM history) of a server on 127.0.0.1 at a fixed overall rate, alongside the virtual
 * users. It logs a few of the virtual users' accounts in through the real login route first
 * (their tokens go into the requests), then runs until stop() or for at most `maxDurationS`
 * real seconds, whichever comes first. Every request's end is buffered; `takeWindow()` turns
 * the buffer into the figures of one sample window (http-window.ts) and empties it.
 */
import autocannon from 'autocannon';
import { ROUTES } from '../../common/http.js';
import { loginOverRest } from '../../common/rest-login.js';
import { usernameFor, VU_PASSWORD, VU_USERNAME_PREFIX } from '../../scenarios/worker-protocol.js';
import { buildRequestCycle, HTTP_ACCOUNTS, httpConnectionsFor, type HttpAccount } from './http-plan.js';
import { bucketOutcomes, type HttpEndpointName, type HttpWindow, type RequestOutcome } from './http-window.js';

/** Buffered outcomes beyond this are counted but dropped (≥ 1 h of the 50 req/s cap between two samples). */
const MAX_BUFFERED = 200_000;
/** Real ms autocannon may take to wind down after stop() (it stops on its next 1 s tick). */
const STOP_GRACE_MS = 5_000;
/** Real ms one login may take before the HTTP load gives up starting. */
const LOGIN_TIMEOUT_MS = 10_000;

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
  /** Overall requests per real second (see planHttpRate). */
  readonly ratePerSecond: number;
  readonly mix: Readonly<Record<HttpEndpointName, number>>;
  /** Virtual users in the run: the accounts logged in are the first min(users, HTTP_ACCOUNTS). */
  readonly users: number;
  /** Hard bound on the run, real seconds: autocannon stops itself after it even without stop(). */
  readonly maxDurationS: number;
  /** Username prefix and password of the virtual users' accounts. @default 'vu', the VU password */
  readonly usernamePrefix?: string;
  readonly password?: string;
  /** Per-request timeout, real seconds. @default 10 */
  readonly timeoutS?: number;
  /** Monotonic clock for outcome stamps and window edges, ms. @default performance.now */
  readonly now?: () => number;
}

export interface HttpLoadTotals {
  readonly requests: number;
  readonly errors: number;
  /** Outcomes dropped because the buffer was full (0 unless samples stopped being taken). */
  readonly dropped: number;
}

export interface HttpLoadHandle {
  /** Connections autocannon opened. */
  readonly connections: number;
  /** The accounts logged in. */
  readonly accounts: readonly string[];
  /**
   * The window since the previous call (or since start): its figures, and the buffer emptied.
   * After the load stopped and its last outcomes were taken, null.
   */
  takeWindow(): HttpWindow | null;
  /** Stops autocannon and waits (bounded) until it has closed its connections. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when autocannon finished (stop(), its duration bound, or an error). */
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

/** Logs the accounts in, then starts autocannon. Rejects (HttpLoadError) when a login fails. */
export async function startHttpLoad(options: HttpLoadOptions): Promise<HttpLoadHandle> {
  const url = loopbackUrl(options.serverUrl);
  const base = url.origin;
  const now = options.now ?? (() => performance.now());
  const prefix = options.usernamePrefix ?? VU_USERNAME_PREFIX;
  const password = options.password ?? VU_PASSWORD;
  if (!(options.ratePerSecond >= 1)) throw new HttpLoadError(`rate must be at least 1 request/s, got ${options.ratePerSecond}`);
  if (!(options.maxDurationS > 0)) throw new HttpLoadError(`maxDurationS must be > 0, got ${options.maxDurationS}`);

  // Accounts: the first virtual users; each pages its history with its neighbour (a buddy: the
  // built-in load makes user i ask the users just before it).
  const n = Math.max(1, Math.min(HTTP_ACCOUNTS, options.users));
  const accounts: HttpAccount[] = [];
  for (let i = 0; i < n; i++) {
    const username = usernameFor(prefix, i);
    const token = await login(base, username, password);
    accounts.push({ username, password, token, historyWith: usernameFor(prefix, i === 0 ? 1 : i - 1) });
  }
  const cycle = buildRequestCycle(options.mix, accounts, { login: ROUTES.login, buddies: ROUTES.buddies, weather: ROUTES.weather, history: ROUTES.imHistory });

  let buffer: RequestOutcome[] = [];
  let lastEdge = now();
  let latestStamp = lastEdge;
  let requests = 0;
  let errors = 0;
  let dropped = 0;
  const record = (o: Omit<RequestOutcome, 'atMs'>) => {
    // Strictly after the last window edge, even within the same clock tick as the last take.
    latestStamp = Math.max(now(), lastEdge + 1e-3, latestStamp);
    requests++;
    if (o.kind !== 'ok') errors++;
    if (buffer.length < MAX_BUFFERED) buffer.push({ atMs: latestStamp, ...o });
    else dropped++;
  };
  // autocannon calls a request's onResponse synchronously just before it emits 'response' for
  // it (requestIterator.recordBody → emit, in one call stack), so the endpoint of the response
  // being reported is the one noted here.
  let lastEndpoint: HttpEndpointName | null = null;
  const requestsForAutocannon = cycle.map((r) => ({
    method: r.method,
    path: r.path,
    headers: { ...r.headers },
    ...(r.body === undefined ? {} : { body: r.body }),
    onResponse: () => {
      lastEndpoint = r.endpoint;
    },
  }));

  // Enough connections that a slow response (a forced GC in the server) costs no other
  // connection its quota (http-plan.ts MAX_RATE_PER_CONNECTION).
  const connections = httpConnectionsFor(options.ratePerSecond);
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve)).then(() => {
    finished = true;
  });
  // The callback form returns the running instance (events, stop()); the callback runs once
  // when it ends — by stop(), by its duration bound, or with an error (bad options): the run
  // then goes on without HTTP load rather than failing.
  const instance = autocannon(
    {
      url: base,
      connections,
      overallRate: Math.floor(options.ratePerSecond),
      duration: options.maxDurationS,
      timeout: options.timeoutS ?? 10,
      pipelining: 1,
      requests: requestsForAutocannon,
    },
    () => resolveDone(),
  );
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    record({ kind: statusCode >= 200 && statusCode < 300 ? 'ok' : 'non2xx', latencyMs: responseTime, endpoint: lastEndpoint });
    lastEndpoint = null;
  });
  instance.on('reqError', (err: unknown) => {
    const timeout = err instanceof Error && /timed out/i.test(err.message);
    record({ kind: timeout ? 'timeout' : 'socket', latencyMs: null, endpoint: null });
  });

  let drained = false;

  return {
    connections,
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
      return window ?? null;
    },
    async stop() {
      if (!finished) instance.stop();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, STOP_GRACE_MS)))]);
      clearTimeout(timer);
    },
    done,
    totals: () => ({ requests, errors, dropped }),
  };
}
