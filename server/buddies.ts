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

/** Sends a request; an identical pending request is returned as is (idempotent). */
export async function sendRequest(ctx: BuddyContext, to: string): Promise<{ request: BuddyRequest; created: boolean }> {
  const { BuddyRelation, BuddyRequest: Requests, User } = ctx.models;
  if (to === ctx.username) throw new AppFailure('bad-request', 'cannot befriend yourself');
  if (!(await User.exists({ username: to }))) throw new AppFailure('not-found', `no user ${to}`);
  if (await BuddyRelation.exists({ owner: ctx.username, buddy: to })) {
    throw new AppFailure('conflict', `${to} is already a buddy`);
  }
  const pending = await Requests.findOne({ from: ctx.username, to, status: 'pending' }).lean();
  if (pending) return { request: toBuddyRequest(pending), created: false };
  const doc = await Requests.create({ from: ctx.username, to, status: 'pending', createdAt: ctx.clock.date() });
  return { request: toBuddyRequest(doc.toObject()), created: true };
}

/** Accepts a pending request addressed to the caller and creates both relations. */
export async function acceptRequest(ctx: BuddyContext, requestId: string): Promise<BuddyRequest> {
  const { BuddyRelation, BuddyRequest: Requests } = ctx.models;
  const doc = await Requests.findOneAndUpdate(
    { _id: requestId, to: ctx.username, status: 'pending' },
    { $set: { status: 'accepted' } },
    { returnDocument: 'after' },
  ).lean();
  if (!doc) throw new AppFailure('not-found', 'no pending request with that id for you');
  const since = ctx.clock.date();
  for (const [owner, buddy] of [
    [doc.from, doc.to],
    [doc.to, doc.from],
  ] as const) {
    try {
      await BuddyRelation.create({ owner, buddy, since });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err; // already buddies one way: fine
    }
  }
  return toBuddyRequest(doc);
}

/** The seed's 10 s poll: pending requests addressed to the caller, oldest first. */
export async function pendingRequests(ctx: BuddyContext): Promise<BuddyRequest[]> {
  const docs = await ctx.models.BuddyRequest.find({ to: ctx.username, status: 'pending' })
    .sort({ createdAt: 1 })
    .limit(MAX_REQUESTS_PER_POLL)
    .lean();
  return docs.map(toBuddyRequest);
}
