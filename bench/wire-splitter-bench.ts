/**
 * The wire store's frame splitter fed one 8 MiB message trickled in 4 KiB chunks (issue 17:
 * the splitter used to re-concatenate its whole buffer per chunk, 5.1 s of blocked loop).
 * Three timings in the same run, each the median of its repetitions:
 * - `current`: store/wire/wire-codec.ts's MessageSplitter, trickled;
 * - `previous`: the splitter as it was before (kept below, verbatim in its algorithm), trickled;
 * - `reference`: one Buffer.concat of all the chunks, the single copy any splitter must make.
 * Ratios to the reference say how far each is from linear (1 = one copy of the message).
 */
import { MessageSplitter } from '../store/wire/wire-codec.js';

/** Message size, bytes (8 MiB, as in the issue). */
const MESSAGE_BYTES = 8 * 1024 * 1024;
/** Chunk size, bytes (4 KiB, as in the issue). */
const CHUNK_BYTES = 4 * 1024;
/** Repetitions per timing; the median is reported. The previous splitter takes seconds each. */
const REPS = 5;
const PREVIOUS_REPS = 3;

/** The splitter before issue 17: concatenates everything buffered on every chunk (quadratic). */
class PreviousSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    while (this.buffered >= 4) {
      const head = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
      this.chunks = [head];
      const size = head.readInt32LE(0);
      if (head.length < size) break;
      out.push(head.subarray(0, size));
      const rest = head.subarray(size);
      this.chunks = rest.length ? [rest] : [];
      this.buffered = rest.length;
    }
    return out;
  }
}

function message(): Buffer {
  const msg = Buffer.alloc(MESSAGE_BYTES, 0x61);
  msg.writeInt32LE(MESSAGE_BYTES, 0);
  return msg;
}

/** Fresh chunks per repetition (subarrays of a fresh copy), as a socket would deliver them. */
function chunksOf(msg: Buffer): Buffer[] {
  const copy = Buffer.from(msg);
  const out: Buffer[] = [];
  for (let at = 0; at < copy.length; at += CHUNK_BYTES) out.push(copy.subarray(at, at + CHUNK_BYTES));
  return out;
}

/** Median ms of `reps` runs of `feed` over fresh chunks; checks the one message comes out whole. */
function time(reps: number, msg: Buffer, feed: (chunks: Buffer[]) => Buffer[]): number {
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const chunks = chunksOf(msg);
    const t0 = performance.now();
    const out = feed(chunks);
    ms.push(performance.now() - t0);
    if (out.length !== 1 || !out[0]!.equals(msg)) throw new Error('splitter bench: the message did not come out whole');
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)]!;
}

const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

export default async function wireSplitterBench(): Promise<Record<string, unknown>> {
  const msg = message();
  const reference = time(REPS, msg, (chunks) => [Buffer.concat(chunks)]);
  const current = time(REPS, msg, (chunks) => {
    const s = new MessageSplitter();
    return chunks.flatMap((c) => s.push(c));
  });
  const previous = time(PREVIOUS_REPS, msg, (chunks) => {
    const s = new PreviousSplitter();
    return chunks.flatMap((c) => s.push(c));
  });
  return {
    messageBytes: MESSAGE_BYTES,
    chunkBytes: CHUNK_BYTES,
    chunks: MESSAGE_BYTES / CHUNK_BYTES,
    reps: { reference: REPS, current: REPS, previous: PREVIOUS_REPS },
    medianMs: { reference: round(reference, 2), current: round(current, 2), previous: round(previous) },
    ratioToReference: { current: round(current / reference, 2), previous: round(previous / reference, 0) },
    speedup: round(previous / current, 0),
  };
}
