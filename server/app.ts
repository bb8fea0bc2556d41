/**
 * The reference server as a factory: `createApp(options)` wires HTTP, socket.io, presence,
 * metrics and the database, and never reads env, listens or exits (server/main.ts does).
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { Connection } from 'mongoose';
import { Server } from 'socket.io';
import type { LeakId } from '../common/leaks.js';
import { leaksForSide } from '../common/leaks.js';
import { heartbeatFor } from '../common/app-timers.js';
import type { SimClock } from '../common/sim-clock.js';
import { describeSyntheticLeak, type SyntheticLeakSpec } from '../common/synthetic-leak-spec.js';
import { TokenSigner } from './auth.js';
import type { ClockStart } from './clock-start.js';
import { Db } from './db.js';
import { toAppError } from './errors.js';
import { AppMetrics } from './metrics.js';
import { Presence } from './presence.js';
import type { RateLimitOptions } from './rate-limit.js';
import { createRestHandler } from './rest.js';
import { bindSocket } from './socket-handlers.js';
import { createSyntheticLeak } from './synthetic-leak.js';
import type { AppServer } from './types.js';
import { WeatherService } from './weather.js';

export interface AppOptions {
  /** A mongoose connection the caller owns and closes. One of `connection` / `uri` is required. */
  readonly connection?: Connection;
  /** MongoDB connection string; the app opens (and closes) its own connection from it. Required for `db-per-event`. */
  readonly uri?: string;
  /** The run's clock; every app timer is scheduled through it. */
  readonly clock: SimClock;
  /** Leak switches; only the server-side ones act here. @default [] */
  readonly leaks?: readonly LeakId[];
  /** HS256 secret, at least 16 characters. */
  readonly jwtSecret: string;
  /** One-line diagnostics (stderr in main). @default no-op */
  readonly logger?: (line: string) => void;
  /** Per-socket token bucket. @default RATE_LIMIT_DEFAULTS */
  readonly rateLimit?: RateLimitOptions;
  /** A pending clock's start (POST /soak/clock/start). @default none: the clock runs from its epoch */
  readonly clockStart?: ClockStart;
  /** Bearer token GET /metrics requires. @default none: /metrics is open (loopback only by default) */
  readonly metricsToken?: string;
  /**
   * A calibration leak to plant (server/synthetic-leak.ts), from the clock's start (`clockStart`)
   * until close(). @default null: none, and every hook point is a null check
   */
  readonly syntheticLeak?: SyntheticLeakSpec | null;
}

export interface App {
  readonly httpServer: HttpServer;
  readonly io: AppServer;
  readonly registry: AppMetrics['registry'];
  readonly presence: Presence;
  /** socket.io heartbeat in real ms, as chosen by `heartbeatFor`. */
  readonly heartbeat: { readonly pingIntervalMs: number; readonly pingTimeoutMs: number };
  /** Resolves once the store is connected with every index built; rejects after `timeoutMs` real ms. */
  whenStoreReady(timeoutMs: number): Promise<void>;
  /** Closes socket.io (and the HTTP server), app timers and the app's DB connections. */
  close(): Promise<void>;
}

/** Largest socket.io message, bytes: an IM is at most 2000 chars (≤ 8 KB UTF-8). */
export const MAX_HTTP_BUFFER_SIZE = 64 * 1024;
export { HEARTBEAT_FLOOR_MS, heartbeatFor } from '../common/app-timers.js';

export function createApp(options: AppOptions): App {
  const log = options.logger ?? (() => {});
  const leaks = new Set(leaksForSide(options.leaks ?? [], 'server'));
  const { clock } = options;
  const signer = new TokenSigner(options.jwtSecret);
  const db = new Db({
    ...(options.connection ? { connection: options.connection } : {}),
    ...(options.uri ? { uri: options.uri } : {}),
    dbPerEvent: leaks.has('db-per-event'),
    log,
  });
  const metrics = new AppMetrics();
  const weather = new WeatherService(clock);
  const heartbeat = heartbeatFor(clock.scale, clock.minIntervalRealMs);
  const synthetic = options.syntheticLeak ? createSyntheticLeak(options.syntheticLeak, clock) : null;

  const io: AppServer = new Server({
    maxHttpBufferSize: MAX_HTTP_BUFFER_SIZE,
    pingInterval: heartbeat.pingIntervalMs,
    pingTimeout: heartbeat.pingTimeoutMs,
    serveClient: false,
    cors: { origin: false },
  });
  const presence = new Presence({
    io,
    clock,
    db,
    leakMaps: leaks.has('presence-maps'),
    leakIntervals: leaks.has('intervals'),
    onHeartbeat: () => {
      metrics.heartbeats.inc();
      synthetic?.onEvent('server-heartbeat');
    },
    onSweep: () => metrics.sweeps.inc(),
  });
  metrics.attach({ io, presence, db, clock });
  if (synthetic) {
    metrics.watchSynthetic(synthetic);
    // From the run's simulated 0: not over a pending clock's jump to it, nor the harness's seeding before it.
    const begin = () => {
      if (synthetic.start()) log(`synthetic leak: keeping ${describeSyntheticLeak(synthetic.spec)} (calibration)`);
    };
    if (options.clockStart) options.clockStart.whenStarted(begin);
    else begin();
  }
  // Order matters: the HTTP server is created with the REST handler as its only 'request'
  // listener, then socket.io attaches. engine.io's attach() removes the listeners it finds and
  // installs one that serves /socket.io/ itself and passes everything else to them, so exactly
  // one of the two answers each request (as socket.io documents). The reverse order ran both on
  // /socket.io/: REST answered 404 first and engine.io's writeHead then threw
  // ERR_HTTP_HEADERS_SENT out of the process on an unauthenticated polling handshake.
  const rest = createRestHandler({
    clock, db, presence, weather, metrics, signer, log, synthetic,
    ...(options.clockStart ? { clockStart: options.clockStart } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
  });
  const httpServer = createServer(rest);
  io.attach(httpServer);
  // engine.io exists once attached; it emits 'heartbeat' on each pong, i.e. once per completed
  // keepalive round trip.
  io.engine.on('connection', (conn: { on(event: 'heartbeat', fn: () => void): void }) => conn.on('heartbeat', () => metrics.transportKeepalives.inc()));

  io.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
    signer.verify(token).then(
      (claims) => {
        socket.data.username = claims.username;
        socket.data.displayName = claims.displayName;
        next();
      },
      (err: unknown) => {
        const error = toAppError(err);
        metrics.eventErrors.inc({ event: 'connection', code: error.code });
        next(Object.assign(new Error(error.message), { data: error }));
      },
    );
  });
  io.on('connection', (socket) => {
    bindSocket({ io, clock, db, presence, metrics, log, synthetic, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}) }, socket);
    synthetic?.onEvent('connection');
  });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      synthetic?.stop();
      presence.close();
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
        httpServer.closeAllConnections();
      });
      await db.close();
    })());

  const whenStoreReady = (timeoutMs: number) => db.readiness.whenReady(timeoutMs);
  return { httpServer, io, registry: metrics.registry, presence, heartbeat, whenStoreReady, close };
}
