/**
 * The wire store's TCP server (a factory: never reads env, never exits). Each connection is
 * counted for serverStatus().connections; replies are written in request order.
 */
import net from 'node:net';
import { Catalog } from './catalog.js';
import { runCommand } from './commands.js';
import type { CommandContext, ConnectionStats } from './context.js';
import { CursorRegistry } from './cursors.js';
import { decodeMessage, encodeMsgReply, encodeOpReply, MessageSplitter, type WireRequest } from './wire-codec.js';

export interface WireServer {
  /** Listens on 127.0.0.1; resolves with the bound port. */
  listen(port?: number): Promise<number>;
  /** Stops accepting, destroys open connections, resolves when closed. */
  close(): Promise<void>;
  readonly connections: Readonly<ConnectionStats>;
}

export function createWireServer(): WireServer {
  const catalog = new Catalog();
  const cursors = new CursorRegistry();
  const connections: ConnectionStats = { current: 0, totalCreated: 0 };
  const startedAt = Date.now();
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;

  function reply(request: WireRequest, connectionId: number): Buffer | undefined {
    const db =
      request.kind === 'msg'
        ? String(request.command.$db ?? 'test')
        : request.fullCollectionName.slice(0, request.fullCollectionName.indexOf('.'));
    const ctx: CommandContext = { catalog, cursors, connections, db, connectionId, startedAt };
    const result = runCommand(request.command, ctx);
    if (request.kind === 'query') return encodeOpReply(request.requestId, result);
    // moreToCome (e.g. driver 7.x endSessions with w:0): the client expects no reply.
    return request.moreToCome ? undefined : encodeMsgReply(request.requestId, result);
  }

  const server = net.createServer((socket) => {
    const connectionId = nextConnectionId++;
    connections.current++;
    connections.totalCreated++;
    sockets.add(socket);
    socket.setNoDelay(true);
    const splitter = new MessageSplitter();
    socket.on('data', (chunk: Buffer) => {
      try {
        const out: Buffer[] = [];
        for (const message of splitter.push(chunk)) {
          const buf = reply(decodeMessage(message), connectionId);
          if (buf) out.push(buf);
        }
        if (out.length) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      } catch {
        // Unparseable framing: the stream cannot be resynchronised, so drop the connection
        // (what mongod does too).
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      connections.current--;
    });
  });

  return {
    connections,
    listen(port = 0) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve((server.address() as net.AddressInfo).port);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}
