/**
 * The REST half of the contract (common/http.ts): login, buddies, buddy requests, IM history,
 * weather, /metrics, /healthz (readiness) and /livez (liveness), on plain node:http (socket.io serves /socket.io/ itself).
 * Bodies are capped at MAX_BODY_BYTES; every route but login and the probes needs a Bearer token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppError } from '../common/events.js';
import { ROUTES, type LoginResponse } from '../common/http.js';
import type { SimClock } from '../common/sim-clock.js';
import { hashPassword, verifyPassword, type TokenSigner } from './auth.js';
import { listBuddies, pendingRequests, toPublicUser } from './buddies.js';
import type { ClockStart } from './clock-start.js';
import type { Db } from './db.js';
import { AppFailure, HTTP_STATUS, isDuplicateKey, toAppError } from './errors.js';
import { history } from './im.js';
import { LoginLimiter, LoginThrottled, type LoginLimitOptions } from './login-limit.js';
import type { AppMetrics } from './metrics.js';
import type { Presence } from './presence.js';
import type { SyntheticHook } from './synthetic-leak.js';
import * as schema from './schemas.js';
import { bearerToken, tokenMatches } from './token.js';
import type { WeatherService } from './weather.js';

/** Largest accepted request body, bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

export interface RestDeps {
  readonly clock: SimClock;
  readonly db: Db;
  readonly presence: Presence;
  readonly weather: WeatherService;
  readonly metrics: AppMetrics;
  readonly signer: TokenSigner;
  readonly log: (message: string) => void;
  /** Serves ROUTES.clockStart while the clock is pending; absent, the route does not exist. */
  readonly clockStart?: ClockStart;
  /** Bearer token GET /metrics requires; absent, /metrics is open. */
  readonly metricsToken?: string;
  /** Failed logins per username. @default LOGIN_LIMIT_DEFAULTS */
  readonly loginLimit?: LoginLimitOptions;
  /** The calibration leak's hook, told of each IM history request answered; null when it is off. @default null */
  readonly synthetic?: SyntheticHook | null;
}

type Reply = { status: number; body: unknown; contentType?: string; headers?: Record<string, string> };
type Route = (req: IncomingMessage, url: URL) => Promise<Reply>;

export function createRestHandler(deps: RestDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { db, presence, signer, clock } = deps;
  const isOnline = (u: string) => presence.isOnline(u);
  const authed = async (req: IncomingMessage) => {
    const claims = await signer.verifyBearer(req.headers.authorization);
    return { models: db.models(), clock, username: claims.username, isOnline };
  };
  // Routes that read or write the store: 503 `unavailable` while it is (store-readiness.ts).
  const stored = async (req: IncomingMessage) => {
    const ctx = await authed(req);
    await db.readiness.available();
    return ctx;
  };

  const { clockStart, metricsToken } = deps;
  const loginLimiter = new LoginLimiter(deps.loginLimit);
  const routes: Record<string, { method: string; name: string; run: Route }> = {
    ...(clockStart?.pending
      ? {
          [ROUTES.clockStart]: {
            method: 'POST',
            name: 'clock_start',
            run: async (req: IncomingMessage) => {
              const token = bearerToken(req.headers.authorization);
              clockStart.authorize(token); // 403 before the body is read
              const { epochMs } = schema.parseOrFail(schema.clockStartBody, await readJson(req));
              return { status: 200, body: clockStart.start(epochMs, token) };
            },
          },
        }
      : {}),
    // Readiness (the store connected, indexes in place) and liveness (the process answers).
    [ROUTES.health]: {
      method: 'GET',
      name: 'health',
      run: async () => {
        const store = db.readiness.state;
        return { status: store === 'ready' ? 200 : 503, body: { ok: store === 'ready', store } };
      },
    },
    [ROUTES.live]: { method: 'GET', name: 'live', run: async () => ({ status: 200, body: { ok: true } }) },
    [ROUTES.metrics]: {
      method: 'GET',
      name: 'metrics',
      run: async (req) => {
        if (metricsToken !== undefined && !tokenMatches(bearerToken(req.headers.authorization), metricsToken)) {
          throw new AppFailure('forbidden', 'GET /metrics needs its bearer token');
        }
        return { status: 200, body: await deps.metrics.registry.metrics(), contentType: deps.metrics.registry.contentType };
      },
    },
    [ROUTES.login]: { method: 'POST', name: 'login', run: (req) => login(req) },
    [ROUTES.buddies]: { method: 'GET', name: 'buddies', run: async (req) => ({ status: 200, body: { data: await listBuddies(await stored(req)) } }) },
    [ROUTES.buddyRequests]: {
      method: 'GET',
      name: 'buddy_requests',
      run: async (req) => ({ status: 200, body: { data: await pendingRequests(await stored(req)) } }),
    },
    [ROUTES.imHistory]: {
      method: 'GET',
      name: 'im_history',
      run: async (req, url) => {
        const ctx = await stored(req);
        const q = url.searchParams;
        const limit = q.get('limit');
        const query = schema.parseOrFail(schema.imHistoryPayload, {
          with: q.get('with') ?? undefined,
          limit: limit === null ? undefined : Number(limit),
          before: q.get('before') ?? undefined,
        });
        return { status: 200, body: { data: await history(ctx, query) } };
      },
    },
    [ROUTES.weather]: {
      method: 'GET',
      name: 'weather',
      run: async (req, url) => {
        await authed(req);
        const { city } = schema.parseOrFail(schema.weatherQuery, { city: url.searchParams.get('city') ?? undefined });
        return { status: 200, body: { data: deps.weather.report(city) } };
      },
    },
  };

  async function login(req: IncomingMessage): Promise<Reply> {
    const body = schema.parseOrFail(schema.loginBody, await readJson(req));
    // Before the limiter: a store outage is 503 `unavailable`, not a failed login.
    await db.readiness.available();
    const done = loginLimiter.begin(body.username);
    let ok = false;
    try {
      const reply = await checkLogin(body);
      ok = true;
      return reply;
    } finally {
      done(ok);
    }
  }

  /** Finds or creates the user and checks the password; `unauthorized` on a wrong one. */
  async function checkLogin(body: { username: string; password: string }): Promise<Reply> {
    const { User } = db.models();
    let user = await User.findOne({ username: body.username }).lean();
    if (!user) {
      // First login creates the user; a concurrent first login loses the insert race and verifies.
      try {
        const created = await User.create({
          username: body.username,
          displayName: body.username,
          passwordHash: await hashPassword(body.password),
          createdAt: clock.date(),
          lastSeen: null,
        });
        user = created.toObject();
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        user = await User.findOne({ username: body.username }).lean();
      }
    }
    if (!user || !(await verifyPassword(body.password, user.passwordHash))) {
      throw new AppFailure('unauthorized', 'wrong username or password');
    }
    const token = await signer.sign({ username: user.username, displayName: user.displayName });
    const reply: LoginResponse = { token, user: toPublicUser(user, isOnline(user.username)) };
    return { status: 200, body: reply };
  }

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const stop = deps.metrics.httpDuration.startTimer();
    const url = parseUrl(req.url);
    const route = url && Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
    let name = url ? (route?.name ?? 'not_found') : 'bad_url';
    const path = url?.pathname ?? '(malformed URL)';
    const run = async (): Promise<Reply> => {
      if (!url) throw new AppFailure('bad-request', 'malformed request URL');
      if (!route) throw new AppFailure('not-found', `no route ${url.pathname}`);
      if (req.method !== route.method) {
        name = route.name;
        throw new AppFailure('bad-request', `${route.method} only`);
      }
      return route.run(req, url);
    };
    run()
      .catch((err: unknown): Reply => {
        const error: AppError = toAppError(err);
        if (error.code === 'internal') deps.log(`${req.method} ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
        const headers = err instanceof LoginThrottled ? { 'retry-after': String(err.retryAfterS) } : undefined;
        return { status: HTTP_STATUS[error.code], body: { error }, ...(headers ? { headers } : {}) };
      })
      .then((reply) => {
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { ...reply.headers, 'content-type': reply.contentType ?? 'application/json; charset=utf-8' });
        res.end(text);
        stop({ route: name, status: String(reply.status) });
        // Each request counted on the route, as the histogram just counted it.
        if (deps.synthetic && name === 'im_history') deps.synthetic.onEvent('http:im_history');
      })
      .catch(() => res.destroy());
  };
  // Nothing a request carries may throw out of the 'request' listener (that would end the process).
  return (req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      deps.log(`${req.method} request failed before routing: ${err instanceof Error ? err.message : String(err)}`);
      res.destroy();
    }
  };
}

/** The request target as a URL, or null when it is not one (`GET http://[/` threw out of the handler). */
function parseUrl(target: string | undefined): URL | null {
  try {
    return new URL(target ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** Reads a JSON body of at most MAX_BODY_BYTES; `too-large` beyond, `bad-request` if not JSON. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(new AppFailure('too-large', `body over ${MAX_BODY_BYTES} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new AppFailure('too-large', `body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new AppFailure('bad-request', 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}
