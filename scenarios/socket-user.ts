/**
 * A socket-only virtual user: one socket.io-client connection (no DOM), the scenario's login and
 * handshake, its periodic timers through the SimClock, and the Session its scripts drive. Every
 * script run ends as `ok` or a FailureReason; an ack or wait that outlives its real time-out is
 * a `timeout`, never a success.
 */
import { io, type Socket } from 'socket.io-client';
import type { SimClock, SimInterval } from '../common/sim-clock.js';
import type { LoadTotals } from './counts.js';
import { recordMs, type Histogram } from './latency.js';
import type { Rng } from './rng.js';
import { ScriptFailure, type EmitOptions, type FailureReason, type ScenarioUser, type Script, type Session, type SocketScenario } from './socket-scenario.js';

/** Real ms an ack waits when the script gives no timeoutMs; also a waitFor's default. */
const DEFAULT_TIMEOUT_MS = 5_000;
/** Real ms a login or a connection may take when the scenario gives no timeoutMs. */
const DEFAULT_CONNECT_MS = 10_000;

type Totals = { -readonly [K in keyof LoadTotals]: LoadTotals[K] } & { actions: Record<string, number> };

export interface SocketUserOptions {
  readonly serverUrl: string;
  readonly scenario: SocketScenario;
  readonly user: ScenarioUser;
  readonly rng: Rng;
  readonly clock: SimClock;
  readonly totals: Totals;
  readonly latency: Histogram;
}

export type Outcome = 'ok' | FailureReason;

function reasonOf(err: unknown): FailureReason {
  if (err instanceof ScriptFailure) return err.reason;
  // socket.io-client's emitWithAck time-out.
  if (err instanceof Error && /timed out/i.test(err.message)) return 'timeout';
  return 'error';
}

export class SocketUser {
  readonly #o: SocketUserOptions;
  readonly state: Record<string, unknown> = {};
  #socket: Socket | null = null;
  #token: string | null = null;
  #timers: SimInterval[] = [];
  #stopped = false;
  /** The current connection's onConnect run: actions wait for it (a user rejoins before posting). */
  #joined: Promise<void> = Promise.resolve();
  readonly session: Session;

  constructor(options: SocketUserOptions) {
    this.#o = options;
    this.session = this.#makeSession();
  }

  get connected(): boolean {
    return this.#socket?.connected ?? false;
  }

  /** Counts a run as `<key>` (ok) or `<key>:<reason>`; failures are also load errors. */
  count(key: string, outcome: Outcome): void {
    const k = outcome === 'ok' ? key : `${key}:${outcome}`;
    this.#o.totals.actions[k] = (this.#o.totals.actions[k] ?? 0) + 1;
    if (outcome !== 'ok') this.#o.totals.errors += 1;
  }

  /** Runs a script; never throws. */
  async run(script: Script): Promise<Outcome> {
    try {
      await script(this.session);
      return 'ok';
    } catch (err) {
      return reasonOf(err);
    }
  }

  /** Logs in (when the scenario has a login step) and connects, unless already connected. */
  async ensureConnected(): Promise<void> {
    if (this.#socket) {
      await this.#waitConnect(this.#socket);
      await this.#joined;
      return;
    }
    const s = this.#o.scenario;
    if (s.auth?.login && this.#token === null) this.#token = await this.#login();
    const hs = s.auth?.handshake?.(this.#o.user, this.#token) ?? {};
    const clock = this.#o.clock;
    const socket = io(`${this.#o.serverUrl}${s.connection?.namespace ?? ''}`, {
      path: s.connection?.path ?? '/socket.io',
      transports: [...(s.connection?.transports ?? ['websocket'])],
      forceNew: true,
      ...(hs.auth ? { auth: { ...hs.auth } } : {}),
      ...(hs.query ? { query: { ...hs.query } } : {}),
      ...(hs.headers ? { extraHeaders: { ...hs.headers } } : {}),
      // Back-off in simulated time (socket.io's 1 s then up to 5 s), floored at 20/100 real ms.
      reconnectionDelay: Math.max(20, clock.toReal(1_000)),
      reconnectionDelayMax: Math.max(100, clock.toReal(5_000)),
      timeout: s.connection?.timeoutMs ?? DEFAULT_CONNECT_MS,
    });
    this.#socket = socket;
    socket.io.on('reconnect', () => (this.#o.totals.reconnects += 1));
    socket.onAny(() => (this.#o.totals.messagesDelivered += 1));
    socket.on('connect', () => (this.#joined = this.#onConnect()));
    await this.#waitConnect(socket);
    await this.#joined;
  }

  /** Clears timers and closes the socket for good. */
  stop(): void {
    this.#stopped = true;
    this.#stopTimers();
    this.#socket?.disconnect();
    this.#socket = null;
  }

  /** Live periodic timers of this user. */
  get timersAlive(): number {
    return this.#timers.length;
  }

  async #login(): Promise<string> {
    const login = this.#o.scenario.auth!.login!;
    const res = await fetch(new URL(login.path, this.#o.serverUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(login.body(this.#o.user)),
      signal: AbortSignal.timeout(login.timeoutMs ?? DEFAULT_CONNECT_MS),
    });
    const reply: unknown = await res.json().catch(() => null);
    if (!res.ok) throw new ScriptFailure('error', `login ${login.path}: HTTP ${res.status}`);
    const token = login.token(reply);
    if (typeof token !== 'string' || token === '') throw new ScriptFailure('check', `login ${login.path}: no token in the reply`);
    return token;
  }

  #waitConnect(socket: Socket): Promise<void> {
    if (socket.connected) return Promise.resolve();
    const ms = this.#o.scenario.connection?.timeoutMs ?? DEFAULT_CONNECT_MS;
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        socket.off('connect', onConnect);
        socket.off('connect_error', onError);
        if (err) reject(err);
        else resolve();
      };
      const onConnect = () => done();
      const onError = (err: Error) => done(new ScriptFailure('error', `connect: ${err.message}`));
      const timer = setTimeout(() => done(new ScriptFailure('timeout', `not connected within ${ms} ms`)), ms);
      socket.on('connect', onConnect);
      socket.on('connect_error', onError);
      if (!socket.active) socket.connect();
    });
  }

  /** Every (re)connection: the scenario's onConnect, then the timers (once per connection). */
  async #onConnect(): Promise<void> {
    const s = this.#o.scenario;
    if (s.onConnect) this.count('onConnect', await this.run(s.onConnect));
    if (this.#stopped || this.#timers.length > 0) return;
    for (const [name, timer] of Object.entries(s.timers)) {
      let running = false;
      const handle = this.#o.clock.setInterval(() => {
        // One run at a time per timer: a slow server shows as fewer runs, not a pile-up.
        if (running || !this.#socket?.connected) return;
        running = true;
        void this.run(timer.run).then((outcome) => {
          running = false;
          this.count(`timer.${name}`, outcome);
        });
      }, timer.everyMs);
      this.#timers.push(handle);
    }
  }

  #stopTimers(): void {
    for (const t of this.#timers) this.#o.clock.clearInterval(t);
    this.#timers = [];
  }

  #makeSession(): Session {
    const o = this.#o;
    const tokenOf = () => this.#token;
    const socketOrFail = (): Socket => {
      if (!this.#socket) throw new ScriptFailure('error', 'not connected (the user left)');
      return this.#socket;
    };
    const emit = (event: string, payload?: unknown, options?: EmitOptions): Promise<unknown> | undefined => {
      const socket = socketOrFail();
      const body = typeof payload === 'function' ? (payload as (s: Session) => unknown)(this.session) : payload;
      o.totals.messagesSent += 1;
      // No payload means no argument, so a handler `(ack) => …` gets the ack first.
      const args: unknown[] = body === undefined ? [] : [body];
      if (!options?.ack) {
        socket.emit(event, ...args);
        return undefined;
      }
      const t0 = performance.now();
      const ms = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      return socket
        .timeout(ms)
        .emitWithAck(event, ...args)
        .then(
          (reply: unknown) => {
            o.totals.messagesAcked += 1;
            recordMs(o.latency, performance.now() - t0);
            return reply;
          },
          () => {
            throw new ScriptFailure('timeout', `${event}: no ack within ${ms} ms`);
          },
        );
    };
    return {
      user: o.user,
      get token() {
        return tokenOf();
      },
      rng: o.rng,
      pick: <T>(items: readonly T[]): T => {
        if (items.length === 0) throw new ScriptFailure('error', 'pick from an empty list');
        return items[Math.floor(o.rng() * items.length)] as T;
      },
      state: this.state,
      emit: emit as Session['emit'],
      waitFor: (event, timeoutMs = DEFAULT_TIMEOUT_MS) =>
        new Promise((resolve, reject) => {
          const socket = socketOrFail();
          const onEvent = (arg: unknown) => {
            clearTimeout(timer);
            resolve(arg);
          };
          const timer = setTimeout(() => {
            socket.off(event, onEvent);
            reject(new ScriptFailure('timeout', `no ${event} within ${timeoutMs} ms`));
          }, timeoutMs);
          socket.once(event, onEvent);
        }),
      check(condition: unknown, message: string): void {
        if (!condition) throw new ScriptFailure('check', message);
      },
      think: (simMs) => o.clock.sleep(simMs),
      drop: () => {
        const engine = this.#socket?.io.engine as unknown as { transport?: { ws?: { terminate?: () => void } }; close(): void } | undefined;
        const ws = engine?.transport?.ws;
        // A TCP reset without a close frame: the server learns of it from the socket error, as from a real drop.
        if (ws?.terminate) ws.terminate();
        else engine?.close();
      },
      reconnect: async () => {
        const socket = socketOrFail();
        await this.#waitConnect(socket);
        await this.#joined;
      },
      leave: async () => {
        this.#stopTimers();
        this.#socket?.disconnect();
        this.#socket = null;
        this.#token = null;
      },
    } satisfies Session;
  }
}
