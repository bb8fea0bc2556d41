/**
 * Window layouts: a drag's or resize's end persists position and size per user and window.
 * One document per (username, windowId), upserted; a user keeps at most MAX_WINDOWS layouts.
 */
import type { mongo } from 'mongoose';
import type { WindowLayout, WindowLayoutPayload } from '../common/events.js';
import type { SimClock } from '../common/sim-clock.js';
import { AppFailure } from './errors.js';
import type { Models, WindowLayoutDoc } from './models.js';

/** Layouts kept per user; the desktop has a handful of windows, this bounds abuse. */
export const MAX_WINDOWS = 64;

export interface LayoutContext {
  readonly models: Models;
  readonly clock: SimClock;
  readonly username: string;
}

function toWindowLayout(doc: WindowLayoutDoc): WindowLayout {
  return {
    windowId: doc.windowId,
    x: doc.x,
    y: doc.y,
    width: doc.width,
    height: doc.height,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export async function saveLayout(ctx: LayoutContext, payload: WindowLayoutPayload): Promise<WindowLayout> {
  const { WindowLayout: Layouts } = ctx.models;
  const key = { username: ctx.username, windowId: payload.windowId };
  const { x, y, width, height } = payload;
  const update = { $set: { x, y, width, height, updatedAt: ctx.clock.date() } };
  // Nearly every save moves a window the user already has: update it in one round trip. Only a
  // window new to the store pays for the cap check (count) and the upsert. A drag's end is the
  // afternoon's most frequent event, so it goes through the model's driver collection (as the IM
  // path does, server/im.ts): the payload is validated (schemas.windowLayoutPayload) and the
  // update is built here, so mongoose's query casting adds nothing but CPU.
  const collection = Layouts.collection as unknown as mongo.Collection<WindowLayoutDoc>;
  let doc = await collection.findOneAndUpdate(key, update, { returnDocument: 'after' });
  if (!doc) {
    if ((await Layouts.countDocuments({ username: ctx.username })) >= MAX_WINDOWS) {
      throw new AppFailure('conflict', `at most ${MAX_WINDOWS} window layouts per user`);
    }
    doc = await collection.findOneAndUpdate(key, update, { upsert: true, returnDocument: 'after' });
  }
  if (!doc) throw new AppFailure('internal', 'layout upsert returned nothing');
  return toWindowLayout(doc);
}

export async function listLayouts(ctx: LayoutContext): Promise<WindowLayout[]> {
  const docs = await ctx.models.WindowLayout.find({ username: ctx.username })
    .sort({ windowId: 1 })
    .limit(MAX_WINDOWS)
    .lean();
  return docs.map(toWindowLayout);
}
