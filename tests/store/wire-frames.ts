/**
 * Raw MongoDB wire frames and a raw-socket exchange, for tests that must send what no driver
 * would (bad lengths, bad sections) and see exactly what the store answers or whether it closes.
 */
import net from 'node:net';
import { BSON, type Document } from 'bson';

export const OP_QUERY = 2004;
export const OP_MSG = 2013;

let requestId = 1_000;

export function header(length: number, opCode: number, id = requestId++): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(id, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** A kind-1 section: size, identifier, documents. */
export function sequence(id: string, docs: Document[]): Buffer {
  const body = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => BSON.serialize(d))]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + body.length);
  return Buffer.concat([Buffer.from([1]), size, body]);
}

/** An OP_MSG from raw sections (each with its kind byte); the header length is computed. */
export function opMsgRaw(sections: Buffer[], flags = 0): Buffer {
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags >>> 0);
  const payload = Buffer.concat([flagBuf, ...sections]);
  return Buffer.concat([header(16 + payload.length, OP_MSG), payload]);
}

export function opMsg(body: Document, flags = 0, ...sequences: Buffer[]): Buffer {
  return opMsgRaw([Buffer.concat([Buffer.from([0]), BSON.serialize(body)]), ...sequences], flags);
}

export function opQuery(ns: string, query: Document): Buffer {
  const payload = Buffer.concat([Buffer.alloc(4), Buffer.from(`${ns}\0`), Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), BSON.serialize(query)]);
  return Buffer.concat([header(16 + payload.length, OP_QUERY), payload]);
}

export interface Reply {
  opCode: number;
  responseTo: number;
  doc: Document;
}

/** Parses whole replies off the front of `buffered`; returns them and the rest. */
export function parseReplies(buffered: Buffer): [Reply[], Buffer] {
  const replies: Reply[] = [];
  while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
    const msg = buffered.subarray(0, buffered.readInt32LE(0));
    buffered = buffered.subarray(msg.length);
    const opCode = msg.readInt32LE(12);
    const docAt = opCode === 1 ? 36 : 21;
    replies.push({ opCode, responseTo: msg.readInt32LE(8), doc: BSON.deserialize(msg.subarray(docAt), { promoteLongs: false }) });
  }
  return [replies, buffered];
}

/** A raw connection that collects replies and notices when the store closes it. */
export class RawConnection {
  readonly replies: Reply[] = [];
  closed = false;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly socket: net.Socket;
  private readonly ready: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.ready = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('error', () => {});
    this.socket.on('data', (chunk: Buffer) => {
      const [replies, rest] = parseReplies(Buffer.concat([this.buffered, chunk]));
      this.replies.push(...replies);
      this.buffered = rest;
    });
    this.socket.on('close', () => {
      this.closed = true;
    });
  }

  async send(bytes: Buffer): Promise<void> {
    await this.ready;
    await new Promise<void>((resolve, reject) => this.socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  /** Waits (bounded) until `n` replies have arrived or the connection closed. */
  async waitReplies(n: number, realMs = 10_000): Promise<Reply[]> {
    await waitFor(`${n} replies`, () => this.replies.length >= n || this.closed, realMs);
    return this.replies;
  }

  /** Waits (bounded) until the store closed the connection. */
  async waitClosed(realMs = 10_000): Promise<void> {
    await waitFor('the store to close the connection', () => this.closed, realMs);
  }

  /** Sends one command and waits for its reply (or the close). */
  async command(cmd: Document): Promise<Document | undefined> {
    const before = this.replies.length;
    await this.send(opMsg(cmd));
    await this.waitReplies(before + 1);
    return this.replies[before]?.doc;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Polls every 10 ms until `ok` holds; throws naming `what` after `realMs`. */
export async function waitFor(what: string, ok: () => boolean, realMs = 10_000): Promise<void> {
  const end = Date.now() + realMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
