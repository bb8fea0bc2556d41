/**
 * Zod schemas with size limits for every socket payload and REST body. Objects are strict, so
 * an extra key or an operator object (`{ to: { $gt: '' } }`) is a `bad-request` before any
 * query is built; an over-long value is `too-large`.
 */
import { z } from 'zod';
import { AppFailure } from './errors.js';

/** Usernames: 2–32 of [A-Za-z0-9_.-]; also the shape of buddy names and IM recipients. */
export const username = z.string().min(2).max(32).regex(/^[A-Za-z0-9_.-]+$/, 'invalid username');
/** A Mongo ObjectId as 24 hex digits (message and request ids). */
export const objectId = z.string().regex(/^[0-9a-f]{24}$/, 'invalid id');
/** IM text limit in UTF-16 code units. */
export const MAX_IM_TEXT = 2000;
/** Window coordinates and sizes, CSS px. */
const coordinate = z.number().min(-10_000).max(10_000);
const extent = z.number().min(0).max(10_000);

export const loginBody = z.strictObject({
  username,
  password: z.string().min(1).max(128),
});

/** POST /soak/clock/start: the run's epoch, wall-clock ms (finite; ClockStart bounds it to near now, 400 otherwise). */
export const clockStartBody = z.strictObject({ epochMs: z.number() });

export const buddyRequestPayload = z.strictObject({ to: username });
export const buddyAcceptPayload = z.strictObject({ requestId: objectId });

export const imSendPayload = z.strictObject({
  to: username,
  text: z.string().min(1).max(MAX_IM_TEXT),
  clientId: z.string().min(1).max(64),
});

export const imReadPayload = z.strictObject({
  threadId: z.string().min(5).max(65),
  upTo: objectId,
});

/** History page size: default 50, at most 200 messages. */
export const imHistoryPayload = z.strictObject({
  with: username,
  limit: z.number().int().min(1).max(200).optional(),
  before: objectId.optional(),
});

export const windowLayoutPayload = z.strictObject({
  windowId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/, 'invalid window id'),
  x: coordinate,
  y: coordinate,
  width: extent,
  height: extent,
});

export const weatherQuery = z.strictObject({
  city: z.string().min(1).max(64).regex(/^[\p{L}\p{N} .'-]+$/u, 'invalid city'),
});

/** Parses or throws AppFailure: `too-large` when any issue is a size overrun, else `bad-request`. */
export function parseOrFail<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const tooLarge = result.error.issues.some((i) => i.code === 'too_big');
  const first = result.error.issues[0];
  const where = first && first.path.length > 0 ? `${first.path.join('.')}: ` : '';
  throw new AppFailure(tooLarge ? 'too-large' : 'bad-request', `${where}${first?.message ?? 'invalid payload'}`);
}
