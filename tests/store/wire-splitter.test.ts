/**
 * MessageSplitter (pure): whatever the chunking, the messages come out whole, in order, each
 * once; a length outside [16, maxMessageBytes] is refused as soon as its 4 bytes are in.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageSplitter, WireCodecError } from '../../store/wire/wire-codec.js';

function message(size: number, fill: number): Buffer {
  const msg = Buffer.alloc(size, fill);
  msg.writeInt32LE(size, 0);
  return msg;
}

/** `bytes` cut at the given positions (any order, duplicates allowed). */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

describe('MessageSplitter', () => {
  it('yields every message whole and in order for any chunking (property, seed 17)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 16, max: 300 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 40 }), (sizes, at) => {
        const messages = sizes.map((size, i) => message(size, i + 1));
        const splitter = new MessageSplitter();
        const out = cut(Buffer.concat(messages), at).flatMap((chunk) => splitter.push(chunk));
        expect(out).toEqual(messages);
        expect(splitter.bufferedBytes).toBe(0);
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it('refuses a length under the header or over the maximum once its prefix is complete, even split', () => {
    for (const size of [0, 15, -1, 1_001]) {
      const splitter = new MessageSplitter(1_000);
      const prefix = Buffer.alloc(4);
      prefix.writeInt32LE(size);
      expect(splitter.push(prefix.subarray(0, 3))).toEqual([]);
      expect(() => splitter.push(prefix.subarray(3))).toThrow(WireCodecError);
    }
  });

  it('keeps a partial message buffered and counts its bytes', () => {
    const splitter = new MessageSplitter();
    const msg = message(100, 7);
    expect(splitter.push(msg.subarray(0, 60))).toEqual([]);
    expect(splitter.bufferedBytes).toBe(60);
    expect(splitter.push(msg.subarray(60))).toEqual([msg]);
    expect(splitter.bufferedBytes).toBe(0);
  });
});
