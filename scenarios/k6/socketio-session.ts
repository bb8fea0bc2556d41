/**
 * One socket.io client session over k6/websockets, built on the pure codec: engine.io open
 * packet, namespace CONNECT with the auth token, pong for every server ping, events with acks,
 * a heartbeat watchdog, and reconnect after a drop. k6 cannot load socket.io-client
 * (grafana/k6#667) and a client that ignores pings is dropped after pingInterval + pingTimeout
 * (grafana/k6#1306); this is the smallest client that does neither.
 *
 * Every timer here is real time (ms): k6 drives a remote server, which runs its own clock.
 */
import { WebSocket } from 'k6/websockets';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'k6/timers';
import { Counter, Rate, Trend } from 'k6/metrics';
import { AckRegistry, type AckCallback } from './ack-registry.ts';
import {
  decodeFrame, encodeAck, encodeConnect, encodeDisconnect, encodeEvent, encodePong,
  heartbeatDeadline, socketIoUrl, type OpenPacket, type SocketPacket,
} from './socketio-codec.ts';

/** Metrics every script shares; created here, in the init context, as k6 requires. */
export const socketMetrics = {
  /** new WebSocket → socket.io CONNECT reply, ms (WS handshake + engine.io open + auth). */
  connectDuration: new Trend('socketio_connect_duration', true),
  /** Share of connection attempts that did not reach CONNECT (refused, CONNECT_ERROR, closed). */
  connectFailed: new Rate('socketio_connect_failed'),
  reconnects: new Counter('socketio_reconnects'),
  /** Closes we did not ask for, plus `drop()`s: each is followed by a reconnect while budget lasts. */
  drops: new Counter('socketio_drops'),
  pongsSent: new Counter('socketio_pongs_sent'),
  heartbeatTimeouts: new Counter('socketio_heartbeat_timeouts'),
  ackTimeouts: new Counter('socketio_ack_timeouts'),
  invalidFrames: new Counter('socketio_invalid_frames'),
};

export type EventHandler = (event: string, args: readonly unknown[], reply?: (args: readonly unknown[]) => void) => void;

export interface SessionOptions {
  /** Server base URL, `http://host:port`. */
  readonly baseUrl: string;
  /** Handshake auth token from POST /api/login. */
  readonly token: string;
  /** @default 5000 (ms) */
  readonly ackTimeoutMs?: number;
  /** Dial → engine.io open packet, ms; past it the attempt counts as failed. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Reconnects allowed after drops, for the whole session. @default 5 */
  readonly maxReconnects?: number;
  /** Delay before a reconnect, ms, plus up to the same again as jitter. @default 500 */
  readonly reconnectDelayMs?: number;
  /** Runs on every (re)connect, once CONNECT is acknowledged. */
  readonly onConnect?: (session: SocketIoSession) => void;
  readonly onEvent?: EventHandler;
  /** Runs once, when the session is over for good (closed, refused, or out of reconnects). */
  readonly onEnd?: (reason: 'closed' | 'refused' | 'server-disconnect' | 'gave-up') => void;
}

/** Watchdog period, ms: granularity of ack timeouts and heartbeat checks. */
const TICK_MS = 250;

export class SocketIoSession {
  private ws: WebSocket | null = null;
  private open: OpenPacket | null = null;
  private dialedAt = 0;
  private lastPingAt = 0;
  private connectedNow = false;
  /** We asked the current WebSocket to close; its close event is pending. */
  private closingWs = false;
  private ended = false;
  private reconnectsLeft: number;
  private watchdog: number | null = null;
  private retry: number | null = null;
  private readonly acks = new AckRegistry();

  constructor(private readonly opts: SessionOptions) {
    this.reconnectsLeft = opts.maxReconnects ?? 5;
  }

  get connected(): boolean {
    return this.connectedNow;
  }

  /** Heartbeat figures from the last open packet (null before the first one). */
  get handshake(): OpenPacket | null {
    return this.open;
  }

  start(): void {
    this.watchdog = setInterval(() => this.tick(), TICK_MS);
    this.dial();
  }

  /** Emit an event; with `onAck` it carries an ack id and the callback gets latency or timeout. */
  emit(event: string, args: readonly unknown[], onAck?: AckCallback): boolean {
    if (!this.ws || !this.connectedNow) return false;
    let id: number | undefined;
    if (onAck) {
      id = this.acks.register((o) => {
        if (!o.ok && o.reason === 'timeout') socketMetrics.ackTimeouts.add(1);
        onAck(o);
      }, Date.now(), this.opts.ackTimeoutMs ?? 5000);
    }
    this.ws.send(encodeEvent(event, args, id));
    return true;
  }

  /** Simulate a network drop / tab kill: close without socket.io DISCONNECT; reconnects follow. */
  drop(): void {
    this.closeWs();
  }

  /** End for good: DISCONNECT `41` first (a clean logoff), then close the WebSocket. */
  close(): void {
    if (this.ws && this.connectedNow) this.ws.send(encodeDisconnect());
    this.finish('closed');
  }

  private dial(): void {
    this.open = null;
    this.closingWs = false;
    this.dialedAt = Date.now();
    const ws = new WebSocket(socketIoUrl(this.opts.baseUrl));
    this.ws = ws;
    ws.onmessage = (e) => {
      if (this.ws === ws) this.onFrame(e?.data);
    };
    ws.onclose = () => {
      if (this.ws === ws) this.onClosed();
    };
    ws.onerror = () => {
      // k6 fires close after error; the close handler decides about reconnecting.
    };
  }

  private onFrame(data: unknown): void {
    const ws = this.ws;
    if (!ws) return;
    const f = decodeFrame(data);
    const now = Date.now();
    switch (f.type) {
      case 'open':
        this.open = f.open;
        this.lastPingAt = now;
        ws.send(encodeConnect({ token: this.opts.token }));
        return;
      case 'ping':
        this.lastPingAt = now;
        ws.send(encodePong(f.data));
        socketMetrics.pongsSent.add(1);
        return;
      case 'close':
        this.closeWs();
        return;
      case 'socket':
        this.onPacket(f.packet, now);
        return;
      case 'invalid':
        socketMetrics.invalidFrames.add(1, { code: f.code });
        return;
      default:
        return; // pong, noop, upgrade: nothing to do on a websocket-only link
    }
  }

  private onPacket(p: SocketPacket, now: number): void {
    switch (p.type) {
      case 'connect':
        this.connectedNow = true;
        socketMetrics.connectDuration.add(now - this.dialedAt);
        socketMetrics.connectFailed.add(false);
        this.opts.onConnect?.(this);
        return;
      case 'connect-error':
        // An auth refusal will not get better by retrying with the same token.
        socketMetrics.connectFailed.add(true);
        this.finish('refused');
        return;
      case 'disconnect':
        // The server ended the session on purpose (socket.io-client does not reconnect either).
        this.finish('server-disconnect');
        return;
      case 'ack':
        this.acks.resolve(p.id, p.args, now);
        return;
      case 'event': {
        const ws = this.ws;
        const id = p.id;
        const reply = id === undefined || !ws ? undefined : (args: readonly unknown[]) => ws.send(encodeAck(id, args));
        this.opts.onEvent?.(p.event, p.args, reply);
        return;
      }
    }
  }

  private onClosed(): void {
    const wasConnected = this.connectedNow;
    this.connectedNow = false;
    this.ws = null;
    this.acks.rejectAll(Date.now());
    if (this.ended) return; // our own finish(): already accounted for
    if (!wasConnected) socketMetrics.connectFailed.add(true);
    socketMetrics.drops.add(1);
    if (this.reconnectsLeft <= 0) {
      this.finish('gave-up');
      return;
    }
    this.reconnectsLeft--;
    const base = this.opts.reconnectDelayMs ?? 500;
    this.retry = setTimeout(() => {
      this.retry = null;
      socketMetrics.reconnects.add(1);
      this.dial();
    }, base + Math.random() * base);
  }

  private tick(): void {
    const now = Date.now();
    this.acks.expire(now);
    if (!this.ws || this.closingWs) return;
    if (!this.open) {
      // No open packet yet: a hung handshake (proxy, overloaded server) must not stall the VU.
      if (now - this.dialedAt > (this.opts.connectTimeoutMs ?? 10_000)) this.closeWs();
    } else if (now > heartbeatDeadline(this.open, this.lastPingAt)) {
      // No ping within pingInterval + pingTimeout: the link is dead even if TCP has not noticed.
      socketMetrics.heartbeatTimeouts.add(1);
      this.closeWs();
    }
  }

  private closeWs(): void {
    if (!this.ws || this.closingWs) return;
    this.closingWs = true;
    this.ws.close();
  }

  private finish(reason: 'closed' | 'refused' | 'server-disconnect' | 'gave-up'): void {
    if (this.ended) return;
    this.ended = true;
    // Clearing every timer lets the k6 iteration end: a VU waits for open sockets and timers.
    if (this.watchdog !== null) clearInterval(this.watchdog);
    if (this.retry !== null) clearTimeout(this.retry);
    this.watchdog = this.retry = null;
    const ws = this.ws;
    this.connectedNow = false;
    this.acks.rejectAll(Date.now());
    ws?.close();
    this.opts.onEnd?.(reason);
  }
}
