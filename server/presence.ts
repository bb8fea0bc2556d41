/**
 * Presence, as the seed kept it: `userSocketMap` (username → socket) and `socketUserMap`
 * (socket.id → { username, socket, ... }), both holding socket objects.
 *
 * Fixed (default): the Maps are cleaned first on disconnect, in `finally`, and a sweeper every
 * 60 simulated s drops entries whose socket is no longer connected (the seed's fix).
 * Leak `presence-maps` (seed #2): the disconnect handler does the slow path first — an awaited
 * lastSeen write, then a goodbye that waits for an ack the dead socket can never send — so on an
 * abrupt disconnect it rejects before the Maps are cleaned; a reconnect then overwrites
 * `userSocketMap` while the old `socketUserMap` entry stays. One stale entry per abrupt disconnect.
 * Leak `intervals` (server part of seed #5): the per-socket heartbeat is not cleared on disconnect.
 */
import type { PresenceUpdate } from '../common/events.js';
import type { SimClock, SimInterval } from '../common/sim-clock.js';
import type { Db } from './db.js';
import { AppFailure } from './errors.js';
import { userRoom, type AppServer, type AppSocket } from './types.js';

import { HEARTBEAT_SIM_MS, SWEEP_INTERVAL_SIM_MS } from '../common/app-timers.js';

export { HEARTBEAT_SIM_MS, SWEEP_INTERVAL_SIM_MS };
/** How long the leaky disconnect path waits for a goodbye ack, simulated ms. */
export const GOODBYE_TIMEOUT_SIM_MS = 5_000;

/** Disconnect reasons where the peer vanished without a goodbye (socket.io's names). */
const ABRUPT = new Set(['transport close', 'transport error', 'ping timeout', 'parse error']);

export interface PresenceEntry {
  readonly username: string;
  readonly socket: AppSocket;
  /** Simulated ms of the last presence:ping. */
  lastPing: number;
  /** Buddy usernames, loaded at connect and updated on accept. */
  buddies: Set<string>;
  heartbeat: SimInterval | null;
}

export interface PresenceOptions {
  readonly io: AppServer;
  readonly clock: SimClock;
  readonly db: Db;
  readonly leakMaps: boolean;
  readonly leakIntervals: boolean;
  /** Called once per heartbeat tick (metrics). */
  readonly onHeartbeat?: () => void;
  /** Called once per sweeper tick (metrics). */
  readonly onSweep?: () => void;
}

export class Presence {
  readonly userSocketMap = new Map<string, AppSocket>();
  readonly socketUserMap = new Map<string, PresenceEntry>();
  readonly #o: PresenceOptions;
  #sweeper: SimInterval | null = null;
  /** Every heartbeat ever started and not cleared; only close() uses it. */
  readonly #heartbeats = new Set<SimInterval>();

  constructor(options: PresenceOptions) {
    this.#o = options;
    if (!options.leakMaps) {
      this.#sweeper = options.clock.setInterval(() => {
        options.onSweep?.();
        this.sweep();
      }, SWEEP_INTERVAL_SIM_MS);
    }
  }

  isOnline(username: string): boolean {
    return this.userSocketMap.has(username);
  }

  /**
   * Registers a freshly authenticated socket, synchronously so handlers bound right after see
   * its entry. Both modes overwrite userSocketMap: the newest socket is the user's; under the
   * leak the old socketUserMap entry stays because its disconnect handler failed.
   */
  register(socket: AppSocket): PresenceEntry {
    const { clock } = this.#o;
    const username = socket.data.username;
    void socket.join(userRoom(username)); // in-memory adapter: joins synchronously
    const entry: PresenceEntry = { username, socket, lastPing: clock.now(), buddies: new Set(), heartbeat: null };
    this.userSocketMap.set(username, socket);
    this.socketUserMap.set(socket.id, entry);
    entry.heartbeat = clock.setInterval(() => this.#beat(entry), HEARTBEAT_SIM_MS);
    this.#heartbeats.add(entry.heartbeat);
    return entry;
  }

  /** Loads the entry's buddies and tells them the user is online. */
  async announce(entry: PresenceEntry): Promise<void> {
    const relations = await this.#o.db.models().BuddyRelation.find({ owner: entry.username }, { buddy: 1 }).lean();
    for (const r of relations) entry.buddies.add(r.buddy);
    if (entry.socket.connected) this.#notify(entry, true);
  }

  /** Runs on socket.io's `disconnect`. May reject (leak on); the caller counts the error. */
  async disconnect(entry: PresenceEntry, reason: string): Promise<void> {
    if (!this.#o.leakIntervals) this.#clearHeartbeat(entry);
    if (this.#o.leakMaps) {
      // The seed's order: slow work first, Map cleanup last.
      await this.#markLastSeen(entry.username);
      if (ABRUPT.has(reason)) await this.#goodbye(entry.socket);
      this.userSocketMap.delete(entry.username);
      this.socketUserMap.delete(entry.socket.id);
      this.#notify(entry, false);
      return;
    }
    let wentOffline = false;
    try {
      this.socketUserMap.delete(entry.socket.id);
      wentOffline = this.#release(entry.username, entry.socket);
    } finally {
      if (wentOffline) {
        this.#notify(entry, false);
        await this.#markLastSeen(entry.username);
      }
    }
  }

  /** presence:ping — last ping is kept in memory only. */
  ping(entry: PresenceEntry): number {
    entry.lastPing = this.#o.clock.now();
    return entry.lastPing;
  }

  /** After a buddy request is accepted: both users' live entries learn the new buddy. */
  addBuddies(a: string, b: string): void {
    for (const entry of this.socketUserMap.values()) {
      if (entry.username === a) entry.buddies.add(b);
      if (entry.username === b) entry.buddies.add(a);
    }
  }

  /** The seed's fix: drop entries whose socket is no longer connected. Returns entries removed. */
  sweep(): number {
    let removed = 0;
    for (const [id, entry] of this.socketUserMap) {
      if (entry.socket.connected) continue;
      this.socketUserMap.delete(id);
      removed++;
      if (this.userSocketMap.get(entry.username) === entry.socket) this.#release(entry.username, entry.socket);
    }
    for (const [username, socket] of this.userSocketMap) {
      if (!socket.connected && this.#release(username, socket)) removed++;
    }
    return removed;
  }

  close(): void {
    this.#o.clock.clearInterval(this.#sweeper);
    this.#sweeper = null;
    for (const h of this.#heartbeats) this.#o.clock.clearInterval(h);
    this.#heartbeats.clear();
  }

  /** Points userSocketMap at another live socket of the user, or deletes it; true when offline. */
  #release(username: string, socket: AppSocket): boolean {
    if (this.userSocketMap.get(username) !== socket) return false;
    const nsp = this.#o.io.of('/');
    for (const id of nsp.adapter.rooms.get(userRoom(username)) ?? []) {
      const other = nsp.sockets.get(id);
      if (other && other !== socket && other.connected) {
        this.userSocketMap.set(username, other);
        return false;
      }
    }
    this.userSocketMap.delete(username);
    return true;
  }

  #clearHeartbeat(entry: PresenceEntry): void {
    if (entry.heartbeat) this.#heartbeats.delete(entry.heartbeat);
    this.#o.clock.clearInterval(entry.heartbeat);
    entry.heartbeat = null;
  }

  #beat(entry: PresenceEntry): void {
    this.#o.onHeartbeat?.();
    if (entry.socket.connected) this.#notify(entry, true);
  }

  #notify(entry: PresenceEntry, online: boolean): void {
    if (entry.buddies.size === 0) return; // io.to([]) would broadcast to everyone
    const update: PresenceUpdate = { username: entry.username, online, at: this.#o.clock.date().toISOString() };
    this.#o.io.to([...entry.buddies].map(userRoom)).emit('presence:update', update);
  }

  async #markLastSeen(username: string): Promise<void> {
    await this.#o.db.models().User.updateOne({ username }, { $set: { lastSeen: this.#o.clock.date() } });
  }

  /** Waits for an ack to `session:end`; a dead socket never acks, so this rejects. */
  #goodbye(socket: AppSocket): Promise<void> {
    const { clock } = this.#o;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(
        () => reject(new AppFailure('internal', 'goodbye not acknowledged')),
        GOODBYE_TIMEOUT_SIM_MS,
      );
      const emit = socket.emit.bind(socket) as unknown as (ev: string, info: unknown, ack: () => void) => void;
      emit('session:end', { reason: 'logoff' }, () => {
        clock.clearTimeout(timer);
        resolve();
      });
    });
  }
}
