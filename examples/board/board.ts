/**
 * A tiny message board over socket.io, written as the example of soaking your own server (not the
 * reference chat app): log in over HTTP for a token, connect with it, join a room, post, list.
 * A factory (it never listens, reads env or exits; main.ts does). One planted leak behind a
 * switch: `leak: true` keeps a per-connection record in a Map that disconnect never deletes.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/** Posts kept per room: the board shows the newest ones, so a clean board's memory is bounded. */
const POSTS_PER_ROOM = 50;
/** Longest post, characters. */
const MAX_TEXT = 500;

export interface BoardOptions {
  /** The planted leak: per-connection records never deleted. @default false */
  readonly leak?: boolean;
}

interface Post {
  readonly id: string;
  readonly author: string;
  readonly text: string;
  readonly at: number;
}

type Reply<T> = { data: T } | { error: string };
type Ack<T> = (reply: Reply<T>) => void;

const isAck = (cb: unknown): cb is Ack<unknown> => typeof cb === 'function';
const roomName = (v: unknown): string | null => (typeof v === 'string' && /^[\w-]{1,40}$/.test(v) ? v : null);

export function createBoard(options: BoardOptions = {}): { http: HttpServer; io: Server; registry: Registry } {
  // One token per name, the newest: a user who logs in again replaces their old token, so the
  // sessions a clean board holds are bounded by its users, not by their logins.
  const tokens = new Map<string, string>(); // token → name
  const tokenOf = new Map<string, string>(); // name → token
  const rooms = new Map<string, Post[]>();
  // What the leak keeps: a record per connection (its handshake and a scratch array of 2,048
  // numbers, ~16 KiB of heap). At this size the stress scenario's 22 checkpoints fail 97.7–100%
  // of resampled runs (bench/results/realtime-power.json, worst and best recorded series); at
  // ~5 KiB, 91–100%.
  const connections = new Map<string, { name: string; headers: unknown; scratch: number[] }>();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({ name: 'board_connection_records', help: 'per-connection records held', registers: [registry], collect() { this.set(connections.size); } });
  new Gauge({ name: 'board_sockets', help: 'connected sockets', registers: [registry], collect() { this.set(io.engine.clientsCount); } });

  const http = createServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/metrics') {
      registry.metrics().then((text) => send(200, text, registry.contentType), () => send(500, { error: 'metrics' }));
      return;
    }
    if (req.method === 'POST' && req.url === '/login') {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
        if (body.length > 4096) req.destroy();
      });
      req.on('end', () => {
        let name: unknown;
        try {
          name = (JSON.parse(body) as { name?: unknown }).name;
        } catch {
          return send(400, { error: 'bad json' });
        }
        if (typeof name !== 'string' || !/^[\w-]{1,40}$/.test(name)) return send(400, { error: 'bad name' });
        const token = randomUUID();
        const old = tokenOf.get(name);
        if (old !== undefined) tokens.delete(old);
        tokens.set(token, name);
        tokenOf.set(name, token);
        send(200, { token });
      });
      return;
    }
    send(404, { error: 'not found' });
  });

  const io = new Server(http, { serveClient: false });
  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token;
    const name = typeof token === 'string' ? tokens.get(token) : undefined;
    if (!name) return next(new Error('unauthorized'));
    socket.data.name = name;
    next();
  });
  io.on('connection', (socket) => {
    const name = socket.data.name as string;
    connections.set(socket.id, { name, headers: socket.handshake.headers, scratch: new Array<number>(2048).fill(0) });
    socket.on('disconnect', () => {
      if (!options.leak) connections.delete(socket.id);
    });
    socket.on('room:join', (room: unknown, ack: unknown) => {
      const r = roomName(room);
      if (!isAck(ack)) return;
      if (!r) return ack({ error: 'bad room' });
      void socket.join(r);
      ack({ data: { room: r, posts: rooms.get(r)?.length ?? 0 } });
    });
    socket.on('post:create', (msg: unknown, ack: unknown) => {
      const m = msg as { room?: unknown; text?: unknown } | null;
      const r = roomName(m?.room);
      if (!isAck(ack)) return;
      if (!r || !socket.rooms.has(r)) return ack({ error: 'join the room first' });
      if (typeof m?.text !== 'string' || m.text.length === 0 || m.text.length > MAX_TEXT) return ack({ error: 'bad text' });
      const post: Post = { id: randomUUID(), author: name, text: m.text, at: Date.now() };
      const list = rooms.get(r) ?? [];
      list.push(post);
      if (list.length > POSTS_PER_ROOM) list.splice(0, list.length - POSTS_PER_ROOM);
      rooms.set(r, list);
      socket.to(r).emit('post:new', post);
      ack({ data: { id: post.id } });
    });
    socket.on('post:list', (room: unknown, ack: unknown) => {
      const r = roomName(room);
      if (!isAck(ack)) return;
      if (!r) return ack({ error: 'bad room' });
      ack({ data: rooms.get(r) ?? [] });
    });
    socket.on('ping:app', (ack: unknown) => {
      if (isAck(ack)) ack({ data: Date.now() });
    });
  });
  return { http, io, registry };
}
