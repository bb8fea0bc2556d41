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
/**
 * Bits 0–15 are "required" (spec: a receiver must refuse a message with a required bit it does
 * not know); bits 16–31 are optional and ignored (exhaustAllowed, 16, is one).
 */
const REQUIRED_FLAG_BITS = 0xffff;
const KNOWN_REQUIRED_FLAGS = CHECKSUM_PRESENT | MORE_TO_COME;

/** Header: messageLength, requestID, responseTo, opCode (4 × int32). */
const HEADER_BYTES = 16;
/** Smallest BSON document: int32 size + terminating NUL. */
const MIN_DOCUMENT_BYTES = 5;
/** Largest message accepted, bytes (matches the hello reply's maxMessageSizeBytes). */
export const MAX_MESSAGE_BYTES = 48_000_000;

export type WireRequest =
  | { kind: 'msg'; requestId: number; command: Document; moreToCome: boolean }
  | { kind: 'query'; requestId: number; fullCollectionName: string; command: Document };

/** A frame that cannot be understood: the stream cannot be resynchronised after it. */
export class WireCodecError extends Error {
  readonly code = 'ERR_WIRE_PROTOCOL';
}

/** Deserialize options: keep BSON types the driver sent (ObjectId, Date, Binary) as classes. */
const DESERIALIZE = { promoteLongs: true, promoteValues: true, promoteBuffers: false } as const;

/** Reads a NUL-terminated UTF-8 string ending before `limit`; returns it and the offset after the NUL. */
function readCString(buf: Buffer, offset: number, limit: number): [string, number] {
  const end = buf.subarray(offset, limit).indexOf(0);
  if (end < 0) throw new WireCodecError('unterminated cstring');
  return [buf.toString('utf8', offset, offset + end), offset + end + 1];
}

/** One BSON document lying wholly in [offset, limit); bson's own errors become WireCodecError. */
function readDocument(buf: Buffer, offset: number, limit: number): [Document, number] {
  if (limit - offset < 4) throw new WireCodecError('BSON document size past the end of its section');
  const size = buf.readInt32LE(offset);
  if (size < MIN_DOCUMENT_BYTES || size > limit - offset) throw new WireCodecError(`bad BSON document size ${size}`);
  try {
    return [BSON.deserialize(buf.subarray(offset, offset + size), DESERIALIZE), offset + size];
  } catch (err) {
    // Includes RangeError from a nesting deep enough to exhaust the stack.
    throw new WireCodecError(`invalid BSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A kind-1 section: int32 size (counting itself), cstring identifier, documents up to its end. */
function readSequence(buf: Buffer, offset: number, end: number): [string, Document[], number] {
  if (end - offset < 4) throw new WireCodecError('document sequence size past the message end');
  const size = buf.readInt32LE(offset);
  // Size 5 would be an empty identifier: no field to merge the documents into.
  if (size < 6 || size > end - offset) throw new WireCodecError(`bad document sequence size ${size}`);
  const sectionEnd = offset + size;
  const [identifier, start] = readCString(buf, offset + 4, sectionEnd);
  if (!identifier) throw new WireCodecError('document sequence without an identifier');
  const docs: Document[] = [];
  // Terminates: every readDocument advances `at` by at least MIN_DOCUMENT_BYTES or throws.
  for (let at = start; at < sectionEnd; ) {
    const [doc, next] = readDocument(buf, at, sectionEnd);
    docs.push(doc);
    at = next;
  }
  return [identifier, docs, sectionEnd];
}

/**
 * OP_MSG: exactly one kind-0 body plus kind-1 document sequences. A sequence (driver 7.x sends
 * `documents`, `updates`, `deletes` this way) is merged into the body under its identifier.
 * A checksum, when flagged, is skipped unverified (drivers never send one).
 */
function decodeMsg(buf: Buffer, requestId: number): WireRequest {
  const flags = buf.readUInt32LE(HEADER_BYTES);
  const unknown = flags & REQUIRED_FLAG_BITS & ~KNOWN_REQUIRED_FLAGS;
  if (unknown) throw new WireCodecError(`unrecognised required OP_MSG flag bits 0x${unknown.toString(16)}`);
  const end = buf.length - (flags & CHECKSUM_PRESENT ? 4 : 0);
  let offset = HEADER_BYTES + 4;
  if (end < offset + 1 + MIN_DOCUMENT_BYTES) throw new WireCodecError(`OP_MSG of ${buf.length} bytes is too short`);
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  // Terminates: each section advances `offset` by at least one byte or throws.
  while (offset < end) {
    const kind = buf.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new WireCodecError('OP_MSG with more than one body section');
      [body, offset] = readDocument(buf, offset, end);
    } else if (kind === 1) {
      const [identifier, docs, next] = readSequence(buf, offset, end);
      sequences.push([identifier, docs]);
      offset = next;
    } else {
      throw new WireCodecError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!body) throw new WireCodecError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    const existing: unknown = Object.hasOwn(body, identifier) ? body[identifier] : undefined;
    // defineProperty: an identifier such as `__proto__` becomes a plain field, never a prototype.
    Object.defineProperty(body, identifier, {
      value: Array.isArray(existing) ? [...(existing as Document[]), ...docs] : docs,
      enumerable: true, writable: true, configurable: true,
    });
  }
  return { kind: 'msg', requestId, command: body, moreToCome: (flags & MORE_TO_COME) !== 0 };
}

/** OP_QUERY: flags, fullCollectionName, numberToSkip, numberToReturn, query[, fields]. */
function decodeQuery(buf: Buffer, requestId: number): WireRequest {
  const [fullCollectionName, at] = readCString(buf, HEADER_BYTES + 4, buf.length);
  const [query] = readDocument(buf, at + 8, buf.length);
  // Legacy drivers wrap the command as {$query: {...}, $readPreference: ...}.
  const wrapped: unknown = query.$query;
  const command = wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped) ? (wrapped as Document) : query;
  return { kind: 'query', requestId, fullCollectionName, command };
}

/** Decodes one whole message (as cut by MessageSplitter); throws WireCodecError, nothing else. */
export function decodeMessage(buf: Buffer): WireRequest {
  if (buf.length < HEADER_BYTES || buf.readInt32LE(0) !== buf.length) throw new WireCodecError('message length does not match its header');
  const requestId = buf.readInt32LE(4);
  const opCode = buf.readInt32LE(12);
  if (opCode === OP_MSG) return decodeMsg(buf, requestId);
  if (opCode === OP_QUERY) return decodeQuery(buf, requestId);
  if (opCode === OP_COMPRESSED) throw new WireCodecError('OP_COMPRESSED is not supported: connect without compressors');
  throw new WireCodecError(`unsupported opCode ${opCode}`);
}

/**
 * Accumulates TCP chunks and yields whole messages, linear in bytes received: chunks are kept
 * as received and each message is copied once, when its last byte has arrived (a trickled
 * 8 MiB message costs one 8 MiB copy, not one per chunk).
 */
export class MessageSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the message being assembled once its 4-byte prefix has arrived, else 0. */
  private expected = 0;

  constructor(private readonly maxMessageBytes = MAX_MESSAGE_BYTES) {}

  /** Bytes received and not yet yielded as a message. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Buffer): Buffer[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const out: Buffer[] = [];
    // Bounded: every iteration yields one whole message or stops.
    for (;;) {
      if (this.expected === 0) {
        if (this.buffered < 4) break;
        const size = this.peekLength();
        if (size < HEADER_BYTES || size > this.maxMessageBytes) throw new WireCodecError(`bad message length ${size}`);
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      out.push(this.take(this.expected));
      this.expected = 0;
    }
    return out;
  }

  private peekLength(): number {
    const first = this.chunks[0]!;
    return (first.length >= 4 ? first : Buffer.concat(this.chunks, 4)).readInt32LE(0);
  }

  /** Removes and returns the first `n` buffered bytes; no copy when they lie in one chunk. */
  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const msg = Buffer.allocUnsafe(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const c = this.chunks[i]!;
      const k = Math.min(c.length, n - filled);
      c.copy(msg, filled, 0, k);
      filled += k;
      if (k < c.length) this.chunks[i] = c.subarray(k);
      else i++;
    }
    this.chunks = this.chunks.slice(i);
    return msg;
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
