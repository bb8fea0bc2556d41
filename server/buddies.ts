/**
 * Buddy list and buddy requests (send, accept, poll). A friendship is two BuddyRelation
 * documents, one per direction, so "my buddies" is one indexed query on `owner`.
 */
import { trusted } from 'mongoose';
import type { BuddyRequest, PublicUser } from '../common/events.js';
import type { SimClock } from '../common/sim-clock.js';
import { AppFailure, isDuplicateKey } from './errors.js';
import type { BuddyRequestDoc, Models, UserDoc } from './models.js';

/** At most this many pending requests are returned by one poll. */
export const MAX_REQUESTS_PER_POLL = 100;
/** At most this many buddies are listed. */
export const MAX_BUDDIES = 500;

export interface BuddyContext {
  readonly models: Models;
  readonly clock: SimClock;
  readonly username: string;
  readonly isOnline: (username: string) => boolean;
}

export function toBuddyRequest(doc: BuddyRequestDoc): BuddyRequest {
  return {
    id: doc._id.toHexString(),
    from: doc.from,
    to: doc.to,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
  };
}

export function toPublicUser(doc: Pick<UserDoc, 'username' | 'displayName' | 'lastSeen'>, online: boolean): PublicUser {
  return {
    username: doc.username,
    displayName: doc.displayName,
    online,
    lastSeen: doc.lastSeen ? doc.lastSeen.toISOString() : null,
  };
}

export async function listBuddies(ctx: BuddyContext): Promise<PublicUser[]> {
  const { BuddyRelation, User } = ctx.models;
  const relations = await BuddyRelation.find({ owner: ctx.username }, { buddy: 1 }).limit(MAX_BUDDIES).lean();
  if (relations.length === 0) return [];
  const users = await User.find(
    { username: trusted({ $in: relations.map((r) => r.buddy) }) },
    { username: 1, displayName: 1, lastSeen: 1 },
  )
    .sort({ username: 1 })
    .lean();
  return users.map((u) => toPublicUser(u, ctx.isOnline(u.username)));
}

/**
 * Sends a request; an identical pending request is returned as is (idempotent). Concurrent
 * duplicates race on the unique partial index (one pending request per pair): one inserts, the
 * others read what it inserted.
 */
export async function sendRequest(ctx: BuddyContext, to: string): Promise<{ request: BuddyRequest; created: boolean }> {
  const { BuddyRelation, BuddyRequest: Requests, User } = ctx.models;
  if (to === ctx.username) throw new AppFailure('bad-request', 'cannot befriend yourself');
  if (!(await User.exists({ username: to }))) throw new AppFailure('not-found', `no user ${to}`);
  if (await BuddyRelation.exists({ owner: ctx.username, buddy: to })) {
    throw new AppFailure('conflict', `${to} is already a buddy`);
  }
  const pendingOne = () => Requests.findOne({ from: ctx.username, to, status: 'pending' }).lean();
  const pending = await pendingOne();
  if (pending) return { request: toBuddyRequest(pending), created: false };
  try {
    const doc = await Requests.create({ from: ctx.username, to, status: 'pending', createdAt: ctx.clock.date() });
    return { request: toBuddyRequest(doc.toObject()), created: true };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const winner = await pendingOne();
    if (!winner) throw err;
    return { request: toBuddyRequest(winner), created: false };
  }
}

/**
 * Accepts a request addressed to the caller: the two relations first (upserts), the request
 * marked accepted last, so a failure in between leaves a pending request that a retry completes.
 * A retry after success (the ack was lost) answers the accepted request with `accepted: false`;
 * a request marked accepted whose relations are missing gets them.
 */
export async function acceptRequest(ctx: BuddyContext, requestId: string): Promise<{ request: BuddyRequest; accepted: boolean }> {
  const { BuddyRelation, BuddyRequest: Requests } = ctx.models;
  const mine = { _id: requestId, to: ctx.username };
  const found = await Requests.findOne({ ...mine, status: trusted({ $in: ['pending', 'accepted'] }) }).lean();
  if (!found) throw new AppFailure('not-found', 'no pending request with that id for you');
  const since = ctx.clock.date();
  for (const [owner, buddy] of [
    [found.from, found.to],
    [found.to, found.from],
  ] as const) {
    try {
      await BuddyRelation.updateOne({ owner, buddy }, { $setOnInsert: { since } }, { upsert: true });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // a concurrent accept inserted it first: fine
    }
  }
  if (found.status === 'accepted') return { request: toBuddyRequest(found), accepted: false };
  const marked = await Requests.findOneAndUpdate({ ...mine, status: 'pending' }, { $set: { status: 'accepted' } }, { returnDocument: 'after' }).lean();
  // Null: a concurrent accept of the same request marked it between our read and this update.
  return marked ? { request: toBuddyRequest(marked), accepted: true } : { request: toBuddyRequest({ ...found, status: 'accepted' }), accepted: false };
}

/** The seed's 10 s poll: pending requests addressed to the caller, oldest first. */
export async function pendingRequests(ctx: BuddyContext): Promise<BuddyRequest[]> {
  const docs = await ctx.models.BuddyRequest.find({ to: ctx.username, status: 'pending' })
    .sort({ createdAt: 1 })
    .limit(MAX_REQUESTS_PER_POLL)
    .lean();
  return docs.map(toBuddyRequest);
}
