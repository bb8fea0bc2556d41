/**
 * What the im:send idempotency key costs on the hottest write: inserts/s of message documents
 * through the driver collection (as server/im.ts does) into a collection with the messages'
 * history index only (the reference) and into one with the unique (from, clientId) key too,
 * on the same wire store in the same run. Repetitions alternate between the two so drift on a
 * shared machine hits both; each figure is the median of REPS, with their ratio and the median
 * of the per-repetition ratios (robust to load that changes between repetitions).
 */
import mongoose, { Types } from 'mongoose';
import { startWireStore } from '../store/wire-process.js';

/** Timed repetitions per collection; the median is reported (min/max alongside). */
const REPS = 11;
/** Inserts per repetition. */
const OPS = 2_000;
/** Inserts in flight, matching the server's maxPoolSize. */
const CONCURRENCY = 10;
/** Senders the inserts rotate over (the default scenario's order of magnitude). */
const SENDERS = 100;

interface Figure { median: number; min: number; max: number; }
export interface IdempotencyBenchFigures {
  reps: number;
  opsPerRep: number;
  concurrency: number;
  referenceInsertsPerSec: Figure;
  keyedInsertsPerSec: Figure;
  /** keyed median / reference median: 1 = free, 0.9 = 10% fewer inserts per second. */
  ratio: number;
  /** Median over repetitions of keyed / reference within the same repetition (back to back). */
  pairedRatioMedian: number;
}

function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: Math.round(sorted[Math.floor(sorted.length / 2)]!), min: Math.round(sorted[0]!), max: Math.round(sorted.at(-1)!) };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function rate(collection: mongoose.mongo.Collection, rep: number): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OPS) {
        const i = next++;
        const from = `vu_${i % SENDERS}`;
        await collection.insertOne({
          _id: new Types.ObjectId(),
          threadId: `${from}:vu_x`,
          from,
          to: 'vu_x',
          text: `message ${i}`,
          clientId: `${from}>vu_x#r${rep}.${i}`,
          sentAt: new Date(),
          readAt: null,
        });
      }
    }),
  );
  return OPS / ((performance.now() - t0) / 1000);
}

export default async function idempotencyBench(): Promise<IdempotencyBenchFigures> {
  const store = await startWireStore();
  const conn = await mongoose.createConnection(store.uri, { dbName: 'bench', maxPoolSize: CONCURRENCY }).asPromise();
  try {
    const db = conn.db!;
    const reference = db.collection('reference');
    const keyed = db.collection('keyed');
    await reference.createIndex({ threadId: 1, _id: -1 });
    await keyed.createIndex({ threadId: 1, _id: -1 });
    await keyed.createIndex({ from: 1, clientId: 1 }, { unique: true });
    const ref: number[] = [];
    const key: number[] = [];
    for (let r = 0; r < REPS; r++) {
      // Alternate which goes first, so a warming or a neighbour's burst does not favour one.
      if (r % 2 === 0) {
        ref.push(await rate(reference, r));
        key.push(await rate(keyed, r));
      } else {
        key.push(await rate(keyed, r));
        ref.push(await rate(reference, r));
      }
    }
    const referenceInsertsPerSec = figure(ref);
    const keyedInsertsPerSec = figure(key);
    return {
      reps: REPS,
      opsPerRep: OPS,
      concurrency: CONCURRENCY,
      referenceInsertsPerSec,
      keyedInsertsPerSec,
      ratio: Number((keyedInsertsPerSec.median / referenceInsertsPerSec.median).toFixed(3)),
      pairedRatioMedian: Number(median(key.map((k, i) => k / ref[i]!)).toFixed(3)),
    };
  } finally {
    await conn.close();
    await store.stop();
  }
}
