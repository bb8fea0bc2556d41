/**
 * Binds every client event of the contract on one authenticated socket. Each handler goes
 * through `bind`: rate limit (simulated-time token bucket), zod validation, the seed's
 * `dbConnect()` (db.forEvent: shared models, or a fresh connection under `db-per-event`),
 * then the domain call; any failure becomes `{ error }` on the ack and is counted. The sender is
 * always `socket.data.username`, set from the verified token.
 */
import type { z } from 'zod';
import type { AckFn, ClientEventName } from '../common/events.js';
import type { SimClock } from '../common/sim-clock.js';
import { acceptRequest, listBuddies, pendingRequests, sendRequest } from './buddies.js';
import type { Db } from './db.js';
import { AppFailure, toAppError } from './errors.js';
import { history, markRead, sendMessage } from './im.js';
import { listLayouts, saveLayout } from './layouts.js';
import type { AppMetrics } from './metrics.js';
import type { Models } from './models.js';
import type { Presence, PresenceEntry } from './presence.js';
import type { SyntheticHook } from './synthetic-leak.js';
import { TokenBucket, type RateLimitOptions } from './rate-limit.js';
import * as schema from './schemas.js';
import { userRoom, type AppServer, type AppSocket } from './types.js';

export interface SocketDeps {
  readonly io: AppServer;
  readonly clock: SimClock;
  readonly db: Db;
  readonly presence: Presence;
  readonly metrics: AppMetrics;
  readonly rateLimit?: RateLimitOptions;
  readonly log: (message: string) => void;
  /** The calibration leak's hook, told of each event handled; null when it is off. @default null */
  readonly synthetic?: SyntheticHook | null;
}

interface Ctx {
  readonly models: Models;
  readonly clock: SimClock;
  readonly username: string;
  readonly isOnline: (username: string) => boolean;
}

/** Events that never touch the store: they keep answering while it is unavailable. */
const STORELESS_EVENTS: ReadonlySet<ClientEventName> = new Set(['presence:ping', 'presence:logoff']);

type LooseOn = { on(event: string, listener: (...args: unknown[]) => void): void };

/** A thrown value as one log line, at most 200 characters (a client chooses what it says). */
function describe(err: unknown): string {
  let text: string;
  try {
    text = err instanceof Error ? err.message : String(err);
  } catch {
    text = typeof err;
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Wires one connected socket: presence entry, handlers, disconnect. Never throws. */
export function bindSocket(deps: SocketDeps, socket: AppSocket): void {
  const { io, clock, db, presence, metrics } = deps;
  const username = socket.data.username;
  const bucket = new TokenBucket(clock, deps.rateLimit);
  const entry: PresenceEntry = presence.register(socket);
  const isOnline = (u: string) => presence.isOnline(u);

  function bind<P, T>(
    event: ClientEventName,
    payloadSchema: z.ZodType<P> | null,
    handler: (ctx: Ctx, payload: P) => Promise<T>,
    onError?: (payload: unknown, error: ReturnType<typeof toAppError>) => void,
  ): void {
    (socket as unknown as LooseOn).on(event, (...args: unknown[]) => {
      const last = args[args.length - 1];
      const ack = typeof last === 'function' ? (last as AckFn<T>) : null;
      const raw = payloadSchema ? args[0] : undefined;
      const stop = metrics.handlerDuration.startTimer({ event });
      void (async () => {
        try {
          if (!ack) throw new AppFailure('bad-request', `${event} needs an acknowledgement callback`);
          if (payloadSchema && args.length !== 2) throw new AppFailure('bad-request', `${event} takes (payload, ack)`);
          if (!bucket.take()) throw new AppFailure('rate-limited', 'too many events; slow down');
          const payload = payloadSchema ? schema.parseOrFail(payloadSchema, raw) : (undefined as P);
          if (!STORELESS_EVENTS.has(event)) await db.readiness.available();
          const models = await db.forEvent();
          const data = await handler({ models, clock, username, isOnline }, payload);
          if (socket.connected) ack({ data });
        } catch (err) {
          const error = toAppError(err);
          if (error.code === 'internal') deps.log(`${event} failed: ${describe(err)}`);
          metrics.eventErrors.inc({ event, code: error.code });
          if (ack && socket.connected) ack({ error });
          onError?.(raw, error);
        } finally {
          metrics.eventsHandled.inc({ event });
          deps.synthetic?.onEvent(event);
          stop();
        }
      })().catch((err: unknown) => {
        // Only a throw from the error path itself (an ack, onError) lands here: logged, never an
        // unhandled rejection, which would end the process.
        deps.log(`${event} error handling failed: ${describe(err)}`);
      });
    });
  }

  bind('presence:ping', null, async () => ({ at: new Date(clock.epochMs + presence.ping(entry)).toISOString() }));

  bind('presence:logoff', null, async () => {
    // Ack first, then end the session on the next turn so the ack is flushed.
    setImmediate(() => {
      socket.emit('session:end', { reason: 'logoff' });
      socket.disconnect(true);
    });
    return { ok: true as const };
  });

  bind('buddy:list', null, (ctx) => listBuddies(ctx));

  bind('buddy:request', schema.buddyRequestPayload, async (ctx, p) => {
    const { request, created } = await sendRequest(ctx, p.to);
    if (created) io.to(userRoom(p.to)).emit('buddy:request', request);
    return request;
  });

  bind('buddy:accept', schema.buddyAcceptPayload, async (ctx, p) => {
    const { request, accepted } = await acceptRequest(ctx, p.requestId);
    // A retry after success only repeats the ack; the notifications went out the first time.
    if (!accepted) return request;
    presence.addBuddies(request.from, request.to);
    io.to(userRoom(request.from)).emit('buddy:accepted', request);
    const at = clock.date().toISOString();
    if (isOnline(request.from)) socket.emit('presence:update', { username: request.from, online: true, at });
    io.to(userRoom(request.from)).emit('presence:update', { username, online: true, at });
    return request;
  });

  bind('buddy:requests', null, (ctx) => pendingRequests(ctx));

  bind(
    'im:send',
    schema.imSendPayload,
    async (ctx, p) => {
      const { message, created } = await sendMessage(ctx, p);
      // A retry of a stored message was delivered the first time: only its ack is repeated.
      if (created) {
        io.to(userRoom(username)).emit('im:sent', message);
        io.to(userRoom(p.to)).emit('im:new', message);
      }
      return message;
    },
    (raw, error) => {
      // The seed's im:error: the sender's IM window matches it by clientId.
      const clientId = (raw as { clientId?: unknown } | null)?.clientId;
      if (typeof clientId === 'string' && clientId.length <= 64 && socket.connected) {
        socket.emit('im:error', { clientId, error });
      }
    },
  );

  bind('im:read', schema.imReadPayload, async (ctx, p) => {
    const { updated, receipt, sender } = await markRead(ctx, p);
    io.to(userRoom(sender)).emit('im:read', receipt);
    return { updated };
  });

  bind('im:history', schema.imHistoryPayload, (ctx, p) => history(ctx, p));
  bind('window:layout', schema.windowLayoutPayload, (ctx, p) => saveLayout(ctx, p));
  bind('window:layouts', null, (ctx) => listLayouts(ctx));

  socket.on('disconnect', (reason) => {
    presence.disconnect(entry, reason).then(
      () => metrics.eventsHandled.inc({ event: 'disconnect' }),
      (err: unknown) => {
        metrics.eventsHandled.inc({ event: 'disconnect' });
        metrics.eventErrors.inc({ event: 'disconnect', code: toAppError(err).code });
      },
    );
  });

  presence.announce(entry).catch((err: unknown) => {
    metrics.eventErrors.inc({ event: 'connection', code: toAppError(err).code });
    deps.log(`presence announce failed for ${username}: ${err instanceof Error ? err.message : String(err)}`);
  });
}
