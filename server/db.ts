/**
 * Database access and its instrumentation. Fixed (the seed's fix): one shared connection with
 * `maxPoolSize: 10`, reused by every handler. Leak `db-per-event` (seed #4): `dbConnect()` at
 * the top of every socket handler opens a new mongoose connection, uses its models and never
 * closes it, so driver pools, TCP connections on the store and MongoClients grow by about one
 * per event. Pool events of every connection (shared and leaked) feed the `rol_db_*` gauges.
 * Whether the store may be used (connected, indexes in place) is `readiness` (store-readiness.ts).
 */
import mongoose, { type Connection } from 'mongoose';
import { modelsFor, type Models } from './models.js';
import { StoreReadiness } from './store-readiness.js';

/** The seed's fixed pool size. */
export const MAX_POOL_SIZE = 10;
/**
 * Real ms a command may wait for a store to talk to (the driver's serverSelectionTimeoutMS and
 * mongoose's bufferTimeoutMS, instead of 30 s and 10 s): a store on this machine answers its
 * hello in milliseconds and the driver re-checks an unknown one every 500 ms, so 2 s is four
 * checks; after that the request is answered `unavailable` rather than held.
 */
export const STORE_TIMEOUT_MS = 2_000;
/** Database used when the connection string names none (the store's URIs end in `/`). */
export const DEFAULT_DB_NAME = 'rol';

/** True when a mongodb:// URI has a database path (`…/name`). */
function namesDatabase(uri: string): boolean {
  return /^mongodb(\+srv)?:\/\/[^/]+\/[^?/]+/.test(uri);
}

export interface DbOptions {
  /** A connection the caller owns (not closed by `close()`). */
  readonly connection?: Connection;
  /** Connection string; required when no connection is given or when `db-per-event` is on. */
  readonly uri?: string;
  /** Leak switch `db-per-event`. @default false */
  readonly dbPerEvent?: boolean;
  /** @default MAX_POOL_SIZE */
  readonly maxPoolSize?: number;
  readonly log?: (message: string) => void;
}

export interface DbStats {
  /** Driver pool connections open (created − closed), over every connection. */
  readonly driverConnections: number;
  /** Pool connections checked out right now. */
  readonly checkedOut: number;
  /** Mongoose connections in readyState connected. */
  readonly clientsOpen: number;
  readonly maxPoolSize: number;
}

interface PoolEvents {
  on(event: string, listener: () => void): unknown;
}

export class Db {
  readonly shared: Connection;
  readonly maxPoolSize: number;
  /** Connected with every index in place; requests consult it before they use the store. */
  readonly readiness: StoreReadiness;
  readonly #owned: boolean;
  readonly #uri: string | undefined;
  readonly #dbPerEvent: boolean;
  readonly #log: (message: string) => void;
  /** Connections opened by the leaky dbConnect(); kept only so close() can end them. */
  readonly #perEvent = new Set<Connection>();
  #driverConnections = 0;
  #checkedOut = 0;

  constructor(options: DbOptions) {
    this.maxPoolSize = options.maxPoolSize ?? MAX_POOL_SIZE;
    this.#uri = options.uri;
    this.#dbPerEvent = options.dbPerEvent ?? false;
    this.#log = options.log ?? (() => {});
    if (this.#dbPerEvent && !this.#uri) throw new RangeError('db-per-event needs a MongoDB uri');
    if (options.connection) {
      this.shared = options.connection;
      this.shared.set('sanitizeFilter', true);
      this.#owned = false;
    } else if (this.#uri) {
      this.shared = this.#open(this.#uri, true);
      this.#owned = true;
    } else {
      throw new RangeError('createApp needs a mongoose connection or a MongoDB uri');
    }
    this.#track(this.shared);
    // After #track: the same client's events, attached synchronously like the pool gauges.
    this.readiness = new StoreReadiness(() => this.#ensureIndexes(), this.#log);
    const client = (this.shared as unknown as { client?: { on(event: string, listener: (e: unknown) => void): unknown } }).client;
    if (client) this.readiness.watch(client);
    else this.shared.once('connected', () => this.readiness.watch(this.shared.getClient() as unknown as { on(event: string, listener: (e: unknown) => void): unknown }));
  }

  /** Models for one socket event: the shared ones, or (leak on) a fresh never-closed connection's. */
  async forEvent(): Promise<Models> {
    if (!this.#dbPerEvent || !this.#uri) return modelsFor(this.shared);
    // The seed's dbConnect(): a new connection per event, never closed.
    const conn = this.#open(this.#uri, false);
    this.#perEvent.add(conn);
    this.#track(conn);
    await conn.asPromise();
    return modelsFor(conn);
  }

  /** Models on the shared connection (REST routes, presence bookkeeping). */
  models(): Models {
    return modelsFor(this.shared);
  }

  stats(): DbStats {
    let clientsOpen = this.shared.readyState === 1 ? 1 : 0;
    for (const c of this.#perEvent) if (c.readyState === 1) clientsOpen++;
    return {
      driverConnections: this.#driverConnections,
      checkedOut: this.#checkedOut,
      clientsOpen,
      maxPoolSize: this.maxPoolSize,
    };
  }

  /** The store's own TCP connection count (serverStatus().connections.current), or null. */
  async storeConnections(): Promise<number | null> {
    // Not while the store is down or being checked: /metrics must not wait a server selection.
    const db = this.shared.readyState === 1 && this.readiness.state === 'ready' ? this.shared.db : undefined;
    if (!db) return null;
    try {
      const status = await db.admin().serverStatus();
      const current = (status['connections'] as { current?: unknown } | undefined)?.current;
      return typeof current === 'number' ? current : null;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    this.readiness.close();
    const all = [...this.#perEvent, ...(this.#owned ? [this.shared] : [])];
    this.#perEvent.clear();
    await Promise.allSettled(all.map((c) => c.close(true)));
  }

  #open(uri: string, primary: boolean): Connection {
    const conn = mongoose.createConnection(uri, {
      maxPoolSize: this.maxPoolSize,
      sanitizeFilter: true,
      // Leaked per-event connections skip index builds: the leak is the connection, not DDL.
      autoIndex: primary,
      autoCreate: primary,
      // The shared connection only: a leaked per-event connection keeps the driver's defaults,
      // so the leak behaves as the seed's did (a slow store makes it wait, not fail).
      ...(primary ? { serverSelectionTimeoutMS: STORE_TIMEOUT_MS } : {}),
      ...(namesDatabase(uri) ? {} : { dbName: DEFAULT_DB_NAME }),
    });
    if (primary) conn.set('bufferTimeoutMS', STORE_TIMEOUT_MS);
    conn.on('error', (err: Error) => this.#log(`db connection error: ${err.message}`));
    return conn;
  }

  /** Every model's indexes on the shared connection (createIndexes: a no-op where they exist). */
  async #ensureIndexes(): Promise<void> {
    await Promise.all(Object.values(modelsFor(this.shared)).map((model: Models[keyof Models]) => model.createIndexes()));
  }

  #track(conn: Connection): void {
    const attach = (client: PoolEvents) => {
      client.on('connectionCreated', () => this.#driverConnections++);
      client.on('connectionClosed', () => (this.#driverConnections = Math.max(0, this.#driverConnections - 1)));
      client.on('connectionCheckedOut', () => this.#checkedOut++);
      client.on('connectionCheckedIn', () => (this.#checkedOut = Math.max(0, this.#checkedOut - 1)));
    };
    // createConnection builds its MongoClient synchronously, before any pool connection exists.
    const client = (conn as unknown as { client?: PoolEvents }).client;
    if (client) attach(client);
    else conn.once('connected', () => attach(conn.getClient() as unknown as PoolEvents));
  }
}
