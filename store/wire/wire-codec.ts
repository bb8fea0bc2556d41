/**
 * MongoDB wire-protocol framing: splits a TCP byte stream into messages and encodes replies.
 * Only what the Node driver sends is understood: OP_MSG (2013) and the legacy OP_QUERY (2004)
 * that opens every connection (`ismaster`), answered with OP_REPLY (1).
 * Layout source: MongoDB "Wire Protocol" spec (all integers little-endian).
 */
import { BSON, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

/** OP_MSG flag bits. */
const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;

/** Header: messageLength, requestID, responseTo, opCode (4 × int32). */
const HEADER_BYTES = 16;
/** Largest message accepted, bytes (matches the hello reply's maxMessageSizeBytes). */
export const MAX_MESSAGE_BYTES = 48_000_000;

export type WireRequest =
  | { kind: 'msg'; requestId: number; command: Document; moreToCome: boolean }
  | { kind: 'query'; requestId: number; fullCollectionName: string; command: Document };

export class WireCodecError extends Error {
  readonly code = 'ERR_WIRE_PROTOCOL';
}

/** Deserialize options: keep BSON types the driver sent (ObjectId, Date, Binary) as classes. */
const DESERIALIZE = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

/** Reads a NUL-terminated UTF-8 string; returns it and the offset after the NUL. */
function readCString(buf: Buffer, offset: number): [string, number] {
  const end = buf.indexOf(0, offset);
  if (end < 0) throw new WireCodecError('unterminated cstring');
  return [buf.toString('utf8', offset, end), end + 1];
}

function readDocument(buf: Buffer, offset: number): [Document, number] {
  const size = buf.readInt32LE(offset);
  if (size < 5 || offset + size > buf.length) throw new WireCodecError('bad BSON document size');
  return [BSON.deserialize(buf.subarray(offset, offset + size), DESERIALIZE), offset + size];
}

/**
 * OP_MSG: one kind-0 body plus kind-1 document sequences. A sequence (driver 7.x sends
 * `documents`, `updates`, `deletes` this way) is merged into the body under its identifier.
 */
function decodeMsg(buf: Buffer, requestId: number): WireRequest {
  const flags = buf.readUInt32LE(HEADER_BYTES);
  const end = buf.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = buf.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      [body, offset] = readDocument(buf, offset);
    } else if (kind === 1) {
      const sectionEnd = offset + buf.readInt32LE(offset);
      const [identifier, start] = readCString(buf, offset + 4);
      const docs: Document[] = [];
      let at = start;
      while (at < sectionEnd) {
        const [doc, next] = readDocument(buf, at);
        docs.push(doc);
        at = next;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new WireCodecError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireCodecError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    const existing: unknown = body[identifier];
    body[identifier] = Array.isArray(existing) ? [...existing, ...docs] : docs;
  }
  return { kind: 'msg', requestId, command: body, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

/** OP_QUERY: flags, fullCollectionName, numberToSkip, numberToReturn, query[, fields]. */
function decodeQuery(buf: Buffer, requestId: number): WireRequest {
  const [fullCollectionName, at] = readCString(buf, HEADER_BYTES + 4);
  const [query] = readDocument(buf, at + 8);
  // Legacy drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const command = (query.$query as Document | undefined) ?? query;
  return { kind: 'query', requestId, fullCollectionName, command };
}

export function decodeMessage(buf: Buffer): WireRequest {
  const requestId = buf.readInt32LE(4);
  const opCode = buf.readInt32LE(12);
  if (opCode === OP_MSG) return decodeMsg(buf, requestId);
  if (opCode === OP_QUERY) return decodeQuery(buf, requestId);
  if (opCode === OP_COMPRESSED) throw new WireCodecError('OP_COMPRESSED is not supported: connect without compressors');
  throw new WireCodecError(`unsupported opCode ${opCode}`);
}

/** Accumulates TCP chunks and yields whole messages. */
export class MessageSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    // Bounded: every iteration consumes one whole message or stops.
    while (this.buffered >= 4) {
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [head];
      const size = head.readInt32LE(0);
      if (size < HEADER_BYTES || size > MAX_MESSAGE_BYTES) throw new WireCodecError(`bad message length ${size}`);
      if (head.length < size) break;
      out.push(head.subarray(0, size));
      const rest = head.subarray(size);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return out;
  }
}

let nextRequestId = 1;

function header(totalLength: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.allocUnsafe(HEADER_BYTES);
  h.writeInt32LE(totalLength, 0);
  h.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** OP_MSG reply: flags 0, one kind-0 section. */
export function encodeMsgReply(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  const prefix = Buffer.alloc(5); // flagBits (uint32) + section kind 0
  return Buffer.concat([header(HEADER_BYTES + 5 + body.length, responseTo, OP_MSG), prefix, body]);
}

/** OP_REPLY: responseFlags, cursorID (int64 0), startingFrom, numberReturned = 1, document. */
export function encodeOpReply(responseTo: number, reply: Document): Buffer {
  const body = BSON.serialize(reply);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_BYTES + 20 + body.length, responseTo, OP_REPLY), fields, body]);
}
