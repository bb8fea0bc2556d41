/**
 * A socket.io client in Node made of the k6 codec over the `ws` package — the same wire code
 * the k6 scripts run, so a passing exchange with the reference server here says the k6
 * scripts speak the protocol right. `CodecClient` is one user, for codec-live's protocol cases;
 * the external load (`runLoad`, codec-load.ts) runs the k6 session itself, not this client.
 */
import WebSocket from 'ws';
import { AckRegistry, type AckOutcome } from '../../scenarios/k6/ack-registry.js';
import {
  decodeFrame, encodeAck, encodeConnect, encodeDisconnect, encodeEvent, encodePong,
  heartbeatDeadline, socketIoUrl, type OpenPacket, type SocketPacket,
} from '../../scenarios/k6/socketio-codec.js';

export interface CodecClientOptions {
  /** Server base URL, `http://127.0.0.1:PORT`. */
  readonly baseUrl: string;
  /** Handshake auth token from POST /api/login. */
  readonly token: string;
  /** Ack timeout, real ms. @default 5000 */
  readonly ackTimeoutMs?: number;
  /** Give up connecting after this many real ms. @default 5000 */
  readonly connectTimeoutMs?: number;
}

export interface CodecClientStats {
  pongsSent: number;
  invalidFrames: number;
  eventsReceived: number;
  heartbeatTimeouts: number;
}

type Handler = (args: readonly unknown[], reply?: (args: readonly unknown[]) => void) => void;

export class CodecConnectError extends Error {
  override readonly name = 'CodecConnectError';
  constructor(readonly code: 'refused' | 'timeout' | 'closed', message: string) {
    super(message);
  }
}

/** Watchdog period, ms: ack-timeout and heartbeat granularity. */
const TICK_MS = 100;

export class CodecClient {
  readonly stats: CodecClientStats = { pongsSent: 0, invalidFrames: 0, eventsReceived: 0, heartbeatTimeouts: 0 };
  #open: OpenPacket | null = null;
  #sid: string | null = null;
  #lastPingAt = 0;
  readonly #acks = new AckRegistry();
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #ws: WebSocket;
  readonly #watchdog: NodeJS.Timeout;
  readonly #ackTimeoutMs: number;
  readonly #closed: Promise<void>;

  private constructor(ws: WebSocket, ackTimeoutMs: number) {
    this.#ws = ws;
    this.#ackTimeoutMs = ackTimeoutMs;
    this.#watchdog = setInterval(() => this.#tick(), TICK_MS).unref();
    this.#closed = new Promise((resolve) => ws.once('close', () => resolve()));
    void this.#closed.then(() => {
      clearInterval(this.#watchdog);
      this.#acks.rejectAll(performance.now());
    });
  }

  /** Open, answer the engine.io handshake, CONNECT with the token; resolves once the server acks. */
  static connect(opts: CodecClientOptions): Promise<CodecClient> {
    const ws = new WebSocket(socketIoUrl(opts.baseUrl));
    const client = new CodecClient(ws, opts.ackTimeoutMs ?? 5000);
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: CodecConnectError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new CodecConnectError('timeout', 'socket.io CONNECT timed out')), opts.connectTimeoutMs ?? 5000);
      ws.on('error', () => undefined); // 'close' follows and decides
      ws.once('close', () => fail(new CodecConnectError('closed', 'closed before CONNECT')));
      ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        const p = client.#onFrame(isBinary ? data : data.toString(), opts.token);
        if (settled) return;
        if (p?.type === 'connect') {
          settled = true;
          clearTimeout(timer);
          resolve(client);
        } else if (p?.type === 'connect-error') {
          fail(new CodecConnectError('refused', p.message));
        }
      });
    });
  }

  get sid(): string | null {
    return this.#sid;
  }

  get handshake(): OpenPacket | null {
    return this.#open;
  }

  get connected(): boolean {
    return this.#ws.readyState === WebSocket.OPEN && this.#sid !== null;
  }

  on(event: string, handler: Handler): () => void {
    const set = this.#handlers.get(event) ?? new Set<Handler>();
    set.add(handler);
    this.#handlers.set(event, set);
    return () => set.delete(handler);
  }

  /** Resolves with the args of the first `event` that matches, or rejects after timeoutMs. */
  waitFor(event: string, match: (args: readonly unknown[]) => boolean = () => true, timeoutMs = 5000): Promise<readonly unknown[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on(event, (args) => {
        if (!match(args)) return;
        clearTimeout(timer);
        off();
        resolve(args);
      });
    });
  }

  /** Fire-and-forget event. */
  emit(event: string, args: readonly unknown[] = []): void {
    this.#ws.send(encodeEvent(event, args));
  }

  /** Event with an ack id; resolves with the ack's args and latency, or a timeout/disconnect. */
  request(event: string, args: readonly unknown[] = []): Promise<AckOutcome> {
    return new Promise((resolve) => {
      // After close the watchdog is gone: answer now rather than register an ack nobody expires.
      if (this.#ws.readyState !== WebSocket.OPEN) return resolve({ ok: false, reason: 'disconnected', waitedMs: 0 });
      const id = this.#acks.register(resolve, performance.now(), this.#ackTimeoutMs);
      this.#ws.send(encodeEvent(event, args, id));
    });
  }

  /** Clean logoff: socket.io DISCONNECT `41`, then close. */
  async disconnect(): Promise<void> {
    if (this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.send(encodeDisconnect());
      this.#ws.close(1000);
    }
    await this.#closed;
  }

  /** A dropped link: no DISCONNECT, TCP torn down. */
  async drop(): Promise<void> {
    this.#ws.terminate();
    await this.#closed;
  }

  #onFrame(data: unknown, token: string): SocketPacket | undefined {
    const f = decodeFrame(data);
    const now = performance.now();
    switch (f.type) {
      case 'open':
        this.#open = f.open;
        this.#lastPingAt = now;
        this.#ws.send(encodeConnect({ token }));
        return undefined;
      case 'ping':
        this.#lastPingAt = now;
        this.#ws.send(encodePong(f.data));
        this.stats.pongsSent++;
        return undefined;
      case 'close':
        this.#ws.close();
        return undefined;
      case 'invalid':
        this.stats.invalidFrames++;
        return undefined;
      case 'socket':
        this.#onPacket(f.packet, now);
        return f.packet;
      default:
        return undefined;
    }
  }

  #onPacket(p: SocketPacket, now: number): void {
    if (p.type === 'connect') this.#sid = typeof p.data?.['sid'] === 'string' ? p.data['sid'] : '';
    else if (p.type === 'ack') this.#acks.resolve(p.id, p.args, now);
    else if (p.type === 'disconnect') this.#ws.close();
    else if (p.type === 'event') {
      this.stats.eventsReceived++;
      const id = p.id;
      const reply = id === undefined ? undefined : (args: readonly unknown[]) => this.#ws.send(encodeAck(id, args));
      for (const h of [...(this.#handlers.get(p.event) ?? [])]) h(p.args, reply);
    }
  }

  #tick(): void {
    const now = performance.now();
    this.#acks.expire(now);
    if (this.#open && this.#ws.readyState === WebSocket.OPEN && now > heartbeatDeadline(this.#open, this.#lastPingAt)) {
      this.stats.heartbeatTimeouts++;
      this.#ws.terminate();
    }
  }
}

/** POST /api/login → token; throws with the server's error code on refusal. */
export async function loginHttp(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(new URL('/api/login', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(5000),
  });
  const body = (await res.json().catch(() => null)) as { token?: unknown; error?: { code?: string; message?: string } } | null;
  if (!res.ok || typeof body?.token !== 'string') {
    throw new Error(`login ${username}: HTTP ${res.status} ${body?.error?.code ?? ''} ${body?.error?.message ?? ''}`.trim());
  }
  return body.token;
}
