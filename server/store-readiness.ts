/**
 * Whether the store can take the server's requests: connected, with every model's indexes in
 * place. The store restarting (the offline wire store keeps nothing; a mongod restored from a
 * dump keeps data but may lack indexes) would otherwise let writes run without their unique
 * indexes: a second account per name, duplicate relations, layouts and messages.
 *
 * States: `starting` until the first index build succeeds; `ready`; `checking` after any sign
 * that the store's connections broke (the indexes are re-created, a no-op on the same store);
 * `lost` while that fails (the store is unreachable). Requests wait out `starting`/`checking`
 * (at most AVAILABLE_WAIT_MS) and are refused with `unavailable` in `lost`, so no write reaches
 * a restarted store before its indexes exist.
 *
 * Why the driver's events and not mongoose's: with one server, mongoose's `readyState` stays
 * "connected" through a store restart (measured: 1 before, during and after), while the driver's
 * pool reports every connection the store closed (`connectionClosed`, reason `error`) within its
 * 100 ms background check. A restart takes longer than that (the wire store's process start:
 * about 300 ms here), so the server is `checking` before the new store accepts a write.
 */
import { AppFailure, isStoreUnavailable } from './errors.js';

export type StoreState = 'starting' | 'ready' | 'checking' | 'lost' | 'closed';

/**
 * Real ms a request waits for a check (or the first index build) to finish before it is answered
 * `unavailable`: one server selection (STORE_TIMEOUT_MS in db.ts, 2 s) plus 500 ms for the
 * createIndexes round trips, which take a few ms on a live store.
 */
export const AVAILABLE_WAIT_MS = 2_500;
/** Real ms between index-build attempts while the store is unreachable. */
export const RECOVER_RETRY_MS = 250;

interface ClientEvents {
  on(event: string, listener: (event: unknown) => void): unknown;
}

function unavailable(state: StoreState): AppFailure {
  return new AppFailure('unavailable', state === 'lost' ? 'the store is unreachable; retry later' : 'the store is not ready; retry later');
}

/** Promise.withResolvers() is Node 22+; the project runs on Node 20. */
function deferred(): { promise: Promise<boolean>; resolve: (ok: boolean) => void } {
  let resolve: (ok: boolean) => void = () => {};
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

export class StoreReadiness {
  readonly #ensureIndexes: () => Promise<void>;
  readonly #log: (message: string) => void;
  #state: StoreState = 'starting';
  /** Bumped by every sign of a broken connection: a build that began before it proves nothing. */
  #generation = 0;
  #recovering = false;
  #retry: NodeJS.Timeout | undefined;
  /** Settles at the next transition to `ready` (true) or `lost`/`closed` (false). */
  #settled = deferred();

  constructor(ensureIndexes: () => Promise<void>, log: (message: string) => void) {
    this.#ensureIndexes = ensureIndexes;
    this.#log = log;
    void this.#recover();
  }

  get state(): StoreState {
    return this.#state;
  }

  /** Listens to a MongoClient's pool and monitoring events for signs of a broken store connection. */
  watch(client: ClientEvents): void {
    client.on('connectionClosed', (e) => {
      if ((e as { reason?: unknown }).reason === 'error') this.suspect('a store connection broke');
    });
    client.on('connectionPoolCleared', () => this.suspect('the driver cleared its pool'));
    client.on('serverHeartbeatFailed', () => this.suspect('a store heartbeat failed'));
    client.on('serverDescriptionChanged', (e) => {
      if ((e as { newDescription?: { type?: unknown } }).newDescription?.type === 'Unknown') this.suspect('the store became unknown');
    });
  }

  /** A sign the store may have gone or restarted: re-create the indexes before serving again. */
  suspect(reason: string): void {
    if (this.#state === 'closed') return;
    this.#generation++;
    if (this.#state === 'lost') return; // its retry timer is already set
    if (this.#state === 'ready') {
      this.#state = 'checking';
      this.#log(`store: ${reason}; re-creating indexes before serving`);
    }
    void this.#recover();
  }

  /** Resolves when requests may use the store; throws AppFailure `unavailable` otherwise. */
  async available(): Promise<void> {
    if (this.#state === 'ready') return;
    if (this.#state === 'lost' || this.#state === 'closed') throw unavailable(this.#state);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), AVAILABLE_WAIT_MS);
    });
    const ok = await Promise.race([this.#settled.promise, timeout]);
    clearTimeout(timer);
    if (!ok) throw unavailable(this.#state);
  }

  /** Resolves at the first `ready`; rejects after `timeoutMs` real ms or on close. */
  async whenReady(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.#state !== 'ready') {
      if (this.#state === 'closed') throw new Error('store readiness closed');
      const left = end - Date.now();
      if (left <= 0) throw new Error(`the store was not ready (connected, indexes built) within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#settled.promise, new Promise((r) => (timer = setTimeout(r, Math.min(left, RECOVER_RETRY_MS))))]);
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#state = 'closed';
    clearTimeout(this.#retry);
    this.#settle(false);
  }

  /** A method, not a field read: the state changes across the awaits of #recover. */
  #closed(): boolean {
    return this.#state === 'closed';
  }

  #settle(ok: boolean): void {
    this.#settled.resolve(ok);
    this.#settled = deferred();
  }

  /** Builds the indexes until a build completes with no sign of a broken connection during it. */
  async #recover(): Promise<void> {
    if (this.#recovering) return;
    this.#recovering = true;
    clearTimeout(this.#retry);
    try {
      while (!this.#closed()) {
        const generation = this.#generation;
        try {
          await this.#ensureIndexes();
        } catch (err) {
          if (this.#closed()) return;
          const why = err instanceof Error ? err.message : String(err);
          if (isStoreUnavailable(err)) {
            if (this.#state !== 'lost') this.#log(`store: unavailable (${why}); refusing requests until its indexes are re-created`);
            this.#state = 'lost';
            this.#settle(false);
            this.#retry = setTimeout(() => void this.#recover(), RECOVER_RETRY_MS);
            this.#retry.unref();
            return;
          }
          // The store answered and refused (duplicates already stored, an index of that name with
          // other options): waiting cannot fix it, and refusing every request would be an outage.
          this.#log(`store: an index could not be built (${why}); serving without it`);
        }
        if (generation === this.#generation && !this.#closed()) {
          if (this.#state !== 'starting') this.#log('store: indexes in place; serving');
          this.#state = 'ready';
          this.#settle(true);
          return;
        }
      }
    } finally {
      this.#recovering = false;
    }
  }
}
