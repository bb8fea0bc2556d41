/**
 * engine.io v4 / socket.io v5 text codec over a raw WebSocket, for clients that cannot load
 * socket.io-client (k6: grafana/k6#667). Pure: no node, no k6, no DOM imports, so the k6
 * scripts and the Node driver (tests/k6/codec-driver.ts) share it unchanged.
 *
 * Wire format (one engine.io packet per WebSocket text frame; no polling, no batching):
 *   engine.io  `<type>[data]`   0 open, 1 close, 2 ping, 3 pong, 4 message, 5 upgrade, 6 noop
 *   socket.io  `4<type>[/nsp,][ackId][json]`  inside an engine.io message
 *              0 CONNECT, 1 DISCONNECT, 2 EVENT, 3 ACK, 4 CONNECT_ERROR, 5/6 BINARY_* (refused)
 * In EIO 4 the SERVER pings (`2`) every pingInterval ms and drops a client whose pong (`3`)
 * does not arrive within pingTimeout ms (grafana/k6#1306 is that drop).
 */

/** The engine.io handshake, `0{...}`: the first frame the server sends. */
export interface OpenPacket {
  readonly sid: string;
  readonly upgrades: readonly string[];
  /** Server ping period, real ms. */
  readonly pingInterval: number;
  /** How long the server waits for our pong before dropping us, real ms. */
  readonly pingTimeout: number;
  /** Largest frame the server accepts, bytes. */
  readonly maxPayload: number;
}

export type SocketPacket =
  /** Client → server: `data` is the handshake auth. Server → client: `data` is `{ sid }`. */
  | { readonly type: 'connect'; readonly nsp: string; readonly data?: Readonly<Record<string, unknown>> }
  | { readonly type: 'disconnect'; readonly nsp: string }
  | { readonly type: 'event'; readonly nsp: string; readonly id?: number; readonly event: string; readonly args: readonly unknown[] }
  | { readonly type: 'ack'; readonly nsp: string; readonly id: number; readonly args: readonly unknown[] }
  | { readonly type: 'connect-error'; readonly nsp: string; readonly message: string; readonly data?: unknown };

export type InvalidCode = 'binary-unsupported' | 'empty' | 'unknown-type' | 'malformed';

/** One decoded WebSocket frame. `invalid` is a value, not a throw: a load loop counts it and goes on. */
export type Frame =
  | { readonly type: 'open'; readonly open: OpenPacket }
  | { readonly type: 'close' }
  | { readonly type: 'ping'; readonly data: string }
  | { readonly type: 'pong'; readonly data: string }
  | { readonly type: 'noop' }
  | { readonly type: 'upgrade' }
  | { readonly type: 'socket'; readonly packet: SocketPacket }
  | { readonly type: 'invalid'; readonly code: InvalidCode; readonly reason: string };

/** Thrown only by encoders, for caller bugs (reserved event name, bad ack id). */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  readonly code: 'reserved-event' | 'bad-ack-id';
  constructor(code: 'reserved-event' | 'bad-ack-id', message: string) {
    super(message);
    this.code = code;
  }
}

/** Event names socket.io reserves; emitting them is refused by socket.io-client too. */
export const RESERVED_EVENTS: readonly string[] = Object.freeze([
  'connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener',
]);

const ENGINE_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;

/** `http://host:port[/]` → `ws://host:port/socket.io/?EIO=4&transport=websocket` (https → wss). */
export function socketIoUrl(baseUrl: string, path = '/socket.io/'): string {
  const m = /^(https?|wss?):\/\/([^/?#]+)/i.exec(baseUrl.trim());
  if (!m || !m[1] || !m[2]) throw new TypeError(`not an http(s)/ws(s) URL: ${baseUrl}`);
  const scheme = m[1].toLowerCase();
  const ws = scheme === 'https' || scheme === 'wss' ? 'wss' : 'ws';
  const p = (path.startsWith('/') ? path : `/${path}`).replace(/\/?$/, '/');
  return `${ws}://${m[2]}${p}?EIO=4&transport=websocket`;
}

/** Decode one WebSocket frame. Binary frames (ArrayBuffer, Blob, Buffer) are refused clearly. */
export function decodeFrame(frame: unknown): Frame {
  if (typeof frame !== 'string') {
    return invalid('binary-unsupported', 'binary frames (socket.io BINARY_EVENT/ACK attachments) are not supported by this codec');
  }
  if (frame.length === 0) return invalid('empty', 'empty frame');
  const kind = /^[0-6]$/.test(frame[0] ?? '') ? ENGINE_TYPES[Number(frame[0])] : undefined;
  if (kind === undefined) return invalid('unknown-type', `unknown engine.io packet type '${frame[0] ?? ''}'`);
  const rest = frame.slice(1);
  switch (kind) {
    case 'open': return decodeOpen(rest);
    case 'ping': return { type: 'ping', data: rest };
    case 'pong': return { type: 'pong', data: rest };
    case 'message': return decodeSocketPacket(rest);
    default: return { type: kind };
  }
}

function decodeOpen(json: string): Frame {
  const o = tryJson(json);
  if (!isObject(o) || typeof o.sid !== 'string' || !isPositive(o.pingInterval) || !isPositive(o.pingTimeout)) {
    return invalid('malformed', `open packet needs sid, pingInterval, pingTimeout: ${json.slice(0, 120)}`);
  }
  const upgrades = Array.isArray(o.upgrades) ? o.upgrades.filter((u): u is string => typeof u === 'string') : [];
  // maxPayload is absent on old servers; 1e6 bytes is the engine.io default.
  const maxPayload = isPositive(o.maxPayload) ? o.maxPayload : 1_000_000;
  return { type: 'open', open: { sid: o.sid, upgrades, pingInterval: o.pingInterval, pingTimeout: o.pingTimeout, maxPayload } };
}

/** Decode the socket.io packet carried by an engine.io message (the text after the `4`). */
export function decodeSocketPacket(s: string): Frame {
  const t = s[0];
  if (t === '5' || t === '6') {
    return invalid('binary-unsupported', `socket.io binary packet type ${t} is not supported by this codec`);
  }
  if (t === undefined || !/^[0-4]$/.test(t)) return invalid('unknown-type', `unknown socket.io packet type '${t ?? ''}'`);
  let i = 1;
  let nsp = '/';
  if (s[i] === '/') {
    const comma = s.indexOf(',', i);
    const end = comma === -1 ? s.length : comma;
    nsp = s.slice(i, end);
    i = comma === -1 ? end : end + 1;
  }
  let id: number | undefined;
  const digits = /^\d+/.exec(s.slice(i));
  if (digits) {
    id = Number(digits[0]);
    i += digits[0].length;
  }
  const body = s.slice(i);
  const payload = body === '' ? undefined : tryJson(body);
  if (body !== '' && payload === NOT_JSON) return invalid('malformed', `payload is not JSON: ${body.slice(0, 120)}`);
  switch (t) {
    case '0':
      if (payload !== undefined && !isObject(payload)) return invalid('malformed', 'CONNECT payload must be an object');
      return socket(payload === undefined ? { type: 'connect', nsp } : { type: 'connect', nsp, data: payload });
    case '1':
      return socket({ type: 'disconnect', nsp });
    case '2': {
      if (!Array.isArray(payload) || typeof payload[0] !== 'string') {
        return invalid('malformed', 'EVENT payload must be ["event", ...args]');
      }
      const [event, ...args] = payload as [string, ...unknown[]];
      return socket(id === undefined ? { type: 'event', nsp, event, args } : { type: 'event', nsp, id, event, args });
    }
    case '3':
      if (id === undefined || !Array.isArray(payload)) return invalid('malformed', 'ACK needs an id and an array payload');
      return socket({ type: 'ack', nsp, id, args: payload });
    default: {
      // CONNECT_ERROR: `{ message, data? }` from socket.io ≥ 3; a bare string from older servers.
      if (typeof payload === 'string') return socket({ type: 'connect-error', nsp, message: payload });
      if (!isObject(payload)) return invalid('malformed', 'CONNECT_ERROR payload must be an object or string');
      const message = typeof payload.message === 'string' ? payload.message : 'connect error';
      return socket({ type: 'connect-error', nsp, message, data: payload.data });
    }
  }
}

// ---- encoders: each returns one WebSocket text frame ----

/** Reply to a server ping `2[data]`; echoes the data (the `probe` of an upgrade check). */
export function encodePong(data = ''): string {
  return `3${data}`;
}

/** Namespace CONNECT with handshake auth, e.g. `40{"token":"…"}`. */
export function encodeConnect(auth?: Readonly<Record<string, unknown>>, nsp = '/'): string {
  return `40${nspPrefix(nsp)}${auth === undefined ? '' : JSON.stringify(auth)}`;
}

export function encodeDisconnect(nsp = '/'): string {
  return `41${nspPrefix(nsp).replace(/,$/, '')}`;
}

/** EVENT `42["ev",...]`, or `42<id>["ev",...]` when the sender wants an ACK back. */
export function encodeEvent(event: string, args: readonly unknown[] = [], id?: number, nsp = '/'): string {
  if (RESERVED_EVENTS.includes(event)) throw new CodecError('reserved-event', `'${event}' is a reserved socket.io event name`);
  return `42${nspPrefix(nsp)}${id === undefined ? '' : checkId(id)}${JSON.stringify([event, ...args])}`;
}

/** ACK `43<id>[...]`: our answer to a server event that asked for one. */
export function encodeAck(id: number, args: readonly unknown[] = [], nsp = '/'): string {
  return `43${nspPrefix(nsp)}${checkId(id)}${JSON.stringify(args)}`;
}

/** When to declare the link dead if no ping arrived since `lastPingAt` (ms, same clock). */
export function heartbeatDeadline(open: OpenPacket, lastPingAt: number): number {
  return lastPingAt + open.pingInterval + open.pingTimeout;
}

// ---- helpers ----

const NOT_JSON = Symbol('not-json');

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositive(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function nspPrefix(nsp: string): string {
  return nsp === '/' || nsp === '' ? '' : `${nsp.startsWith('/') ? nsp : `/${nsp}`},`;
}

function checkId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 0) throw new CodecError('bad-ack-id', `ack id must be a non-negative integer, got ${id}`);
  return id;
}

function socket(packet: SocketPacket): Frame {
  return { type: 'socket', packet };
}

function invalid(code: InvalidCode, reason: string): Frame {
  return { type: 'invalid', code, reason };
}
