/**
 * Instant messages: send → persist, read receipts, history. One thread per pair of users
 * (`threadIdFor`). Message ids are ObjectIds, so `_id` order is send order. Operators the
 * server writes itself are wrapped in `trusted()`; `sanitizeFilter` neutralises any other.
 */
import { trusted } from 'mongoose';
import { threadIdFor, type ImMessage, type ReadReceipt } from '../common/events.js';
import type { SimClock } from '../common/sim-clock.js';
import { AppFailure } from './errors.js';
import type { MessageDoc, Models } from './models.js';

/** History page size when the client gives none. */
export const DEFAULT_HISTORY_LIMIT = 50;

export interface ImContext {
  readonly models: Models;
  readonly clock: SimClock;
  readonly username: string;
  /** Presence: a user with a live socket logged in, so exists (users are never deleted). */
  readonly isOnline?: (username: string) => boolean;
}

export function toImMessage(doc: MessageDoc): ImMessage {
  return {
    id: doc._id.toHexString(),
    threadId: doc.threadId,
    from: doc.from,
    to: doc.to,
    text: doc.text,
    clientId: doc.clientId,
    sentAt: doc.sentAt.toISOString(),
    readAt: doc.readAt ? doc.readAt.toISOString() : null,
  };
}

/** Persists a message from the caller (the token's user) to `to`. */
export async function sendMessage(ctx: ImContext, payload: { to: string; text: string; clientId: string }): Promise<ImMessage> {
  const { Message, User } = ctx.models;
  if (payload.to === ctx.username) throw new AppFailure('bad-request', 'cannot message yourself');
  // Most IMs go to a buddy who is online: presence already proves the account exists, which saves
  // a store round trip per message (a third of an IM's DB work). Offline recipients are looked up.
  const known = ctx.isOnline?.(payload.to) === true;
  if (!known && !(await User.exists({ username: payload.to }))) throw new AppFailure('not-found', `no user ${payload.to}`);
  const doc = await Message.create({
    threadId: threadIdFor(ctx.username, payload.to),
    from: ctx.username,
    to: payload.to,
    text: payload.text,
    clientId: payload.clientId,
    sentAt: ctx.clock.date(),
    readAt: null,
  });
  return toImMessage(doc.toObject());
}

/** The other member of a thread the caller belongs to; `forbidden` otherwise. */
export function otherParty(threadId: string, username: string): string {
  const parts = threadId.split(':');
  if (parts.length !== 2 || !parts.includes(username)) throw new AppFailure('forbidden', 'not your thread');
  const other = parts[0] === username ? parts[1] : parts[0];
  if (!other || other === username || threadIdFor(username, other) !== threadId) {
    throw new AppFailure('bad-request', 'malformed thread id');
  }
  return other;
}

/**
 * Marks every unread message to the caller in the thread up to `upTo` as read. Duplicate
 * receipts (a leaky client) do the query again and update nothing; the work is real.
 */
export async function markRead(
  ctx: ImContext,
  payload: { threadId: string; upTo: string },
): Promise<{ updated: number; receipt: ReadReceipt; sender: string }> {
  const sender = otherParty(payload.threadId, ctx.username);
  const at = ctx.clock.date();
  const result = await ctx.models.Message.updateMany(
    { threadId: payload.threadId, to: ctx.username, readAt: null, _id: trusted({ $lte: payload.upTo }) },
    { $set: { readAt: at } },
  );
  const receipt: ReadReceipt = { threadId: payload.threadId, by: ctx.username, upTo: payload.upTo, at: at.toISOString() };
  return { updated: result.modifiedCount, receipt, sender };
}

/** The newest `limit` messages of the thread with `with` older than `before`, oldest first. */
export async function history(
  ctx: ImContext,
  query: { with: string; limit?: number | undefined; before?: string | undefined },
): Promise<ImMessage[]> {
  const filter: Record<string, unknown> = { threadId: threadIdFor(ctx.username, query.with) };
  if (query.before) filter['_id'] = trusted({ $lt: query.before });
  const docs = await ctx.models.Message.find(filter)
    .sort({ _id: -1 })
    .limit(query.limit ?? DEFAULT_HISTORY_LIMIT)
    .lean();
  return docs.reverse().map(toImMessage);
}
