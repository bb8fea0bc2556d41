/**
 * The wire store's TCP server (a factory: never reads env, never exits). Each connection is
 * counted for serverStatus().connections; replies are written in request order. Whatever a peer
 * sends, the worst outcome is that its own connection is closed with a logged reason
 * (limits.ts has the caps and why); the store and every other connection go on.
 */
import net from 'node:net';
import type { Document } from 'bson';
import { Catalog } from './catalog.js';
import { runCommand } from './commands.js';
import type { CommandContext, ConnectionStats } from './context.js';
import { CursorRegistry, sessionOf } from './cursors.js';
import { WIRE_LIMITS, type WireLimits } from './limits.js';
import { decodeMessage, encodeMsgReply, encodeOpReply, MessageSplitter, WireCodecError, type WireRequest } from './wire-codec.js';

/** One line of the store's log: why a connection was closed or refused, or a server error. */
export interface WireLogEvent {
  event: 'connection-closed' | 'connection-refused' | 'server-error';
  connectionId?: number;
  reason: string;
}

export interface WireServerOptions extends Partial<WireLimits> {
  /** Receives each closed/refused connection's reason. @default discard */
  log?: (event: WireLogEvent) => void;
}

export interface WireServer {
  /** Listens on 127.0.0.1; resolves with the bound port. */
  listen(port?: number): Promise<number>;
  /** Stops accepting, destroys open connections, resolves when closed. */
  close(): Promise<void>;
  readonly connections: Readonly<ConnectionStats>;
}

function databaseOf(request: WireRequest): string | undefined {
  if (request.kind === 'query') return request.fullCollectionName.split('.', 1)[0];
  const db: unknown = request.command.$db;
  return db === undefined ? 'test' : typeof db === 'string' ? db : undefined;
}

export function createWireServer(options: WireServerOptions = {}): WireServer {
  const { log = () => {}, ...given } = options;
  const limits: WireLimits = { ...WIRE_LIMITS, ...given };
  const catalog = new Catalog();
  const cursors = new CursorRegistry(limits.cursorTimeoutMs);
  const connections: ConnectionStats = { current: 0, totalCreated: 0 };
  const startedAt = Date.now();
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;
  /** Bytes buffered over all connections (incoming unfinished messages and unread replies). */
  let totalBuffered = 0;

  function run(command: Document, request: WireRequest, connectionId: number): Document {
    const db = databaseOf(request);
    if (db === undefined) return { ok: 0, errmsg: '$db must be a string', code: 9, codeName: 'FailedToParse' };
    const scoped = cursors.scoped({ connectionId, session: sessionOf(command) });
    const ctx: CommandContext = { catalog, cursors: scoped, cursorRegistry: cursors, connections, db, connectionId, startedAt };
    return runCommand(command, ctx);
  }

  function reply(request: WireRequest, connectionId: number): Buffer | undefined {
    const result = run(request.command, request, connectionId);
    if (request.kind === 'query') return encodeOpReply(request.requestId, result);
    // moreToCome (e.g. driver 7.x endSessions with w:0): the client expects no reply.
    return request.moreToCome ? undefined : encodeMsgReply(request.requestId, result);
  }

  function serve(socket: net.Socket): void {
    const connectionId = nextConnectionId++;
    connections.current++;
    connections.totalCreated++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(limits.idleTimeoutMs);
    const splitter = new MessageSplitter();
    let held = 0; // this connection's share of totalBuffered
    let closedFor: string | undefined;
    let stalling = false;

    const account = (): number => {
      const now = splitter.bufferedBytes + socket.writableLength;
      totalBuffered += now - held;
      held = now;
      return now;
    };
    const drop = (reason: string): void => {
      if (closedFor !== undefined) return;
      closedFor = reason;
      log({ event: 'connection-closed', connectionId, reason });
      socket.destroy();
    };

    socket.on('data', (chunk: Buffer) => {
      if (closedFor !== undefined) return;
      try {
        const out: Buffer[] = [];
        for (const message of splitter.push(chunk)) {
          const buf = reply(decodeMessage(message), connectionId);
          if (buf) out.push(buf);
        }
        if (out.length) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      } catch (err) {
        // Unparseable framing: the stream cannot be resynchronised, so drop the connection
        // (what mongod does too).
        const why = err instanceof WireCodecError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
        drop(`bad frame: ${why}`);
        return;
      }
      const mine = account();
      if (mine > limits.maxConnectionBufferBytes) drop(`connection buffers ${mine} bytes, over the cap of ${limits.maxConnectionBufferBytes}`);
      else if (totalBuffered > limits.maxTotalBufferBytes) drop(`store buffers ${totalBuffered} bytes in total, over the cap of ${limits.maxTotalBufferBytes}`);
      else {
        // Mid-message, the shorter stall limit applies; between messages, the idle one. The
        // socket re-arms its timer on every read and write itself: switch only on a change.
        const nowStalling = splitter.bufferedBytes > 0;
        if (nowStalling !== stalling) socket.setTimeout(nowStalling ? limits.stallTimeoutMs : limits.idleTimeoutMs);
        stalling = nowStalling;
      }
    });
    socket.on('drain', account);
    socket.on('timeout', () =>
      drop(splitter.bufferedBytes > 0 ? `message unfinished for ${limits.stallTimeoutMs} ms` : `idle for ${limits.idleTimeoutMs} ms`),
    );
    // A reset or broken pipe is the peer leaving, not a fault of ours: closed without a log line.
    socket.on('error', () => {
      closedFor ??= 'socket error';
      socket.destroy();
    });
    socket.on('close', () => {
      totalBuffered -= held;
      held = 0;
      sockets.delete(socket);
      connections.current--;
      cursors.dropConnection(connectionId);
    });
  }

  const server = net.createServer(serve);
  server.maxConnections = limits.maxConnections;
  server.on('drop', (data) =>
    log({ event: 'connection-refused', reason: `${server.maxConnections} connections open (the cap); refused ${data?.remoteAddress ?? '?'}:${data?.remotePort ?? '?'}` }),
  );

  return {
    connections,
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          // After listening, an error is an accept failure (e.g. EMFILE at the fd limit): that
          // peer is lost, the store goes on.
          server.on('error', (err) => log({ event: 'server-error', reason: err.message }));
          resolve((server.address() as net.AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        cursors.dispose();
        server.close(() => resolve());
      });
    },
  };
}
