/**
 * Store throughput through mongoose with `maxPoolSize: 10` against the offline wire store:
 * inserts/s, finds/s by `_id`, by a unique field (both index fast paths) and, for contrast, by
 * an unindexed field (a full scan). Each figure is the median of REPS timed repetitions;
 * requests run CONCURRENCY at a time so the driver's pool is really used.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import { startWireStore } from '../store/wire-process.js';

/** Timed repetitions per figure; the median is reported (min/max alongside). */
const REPS = 5;
/** Operations per repetition (inserts, indexed finds). */
const OPS = 2_000;
/** Operations per repetition for the full-scan contrast (each one scans the whole collection). */
const SCAN_OPS = 100;
/** Requests in flight, matching maxPoolSize. */
const CONCURRENCY = 10;

interface Row { email: string; n: number; bio: string; }

interface Figure { median: number; min: number; max: number; }
export interface StoreBenchFigures {
  engine: string;
  version: string;
  reps: number;
  concurrency: number;
  maxPoolSize: number;
  collectionDocs: number;
  insertsPerSec: Figure;
  findsByIdPerSec: Figure;
  findsByUniquePerSec: Figure;
  findsByScanPerSec: Figure;
}

function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number): number => Math.round(v);
  return { median: round(sorted[Math.floor(sorted.length / 2)]!), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

/** Runs `op(0..count-1)` with `CONCURRENCY` in flight; returns ops per second. */
async function rate(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await op(next++);
    }),
  );
  return count / ((performance.now() - t0) / 1000);
}

export default async function storeBench(): Promise<StoreBenchFigures> {
  const store = await startWireStore();
  const conn = await mongoose.createConnection(store.uri, { dbName: 'bench', maxPoolSize: 10 }).asPromise();
  try {
    const Rows = conn.model<Row>('Row', new Schema<Row>({ email: { type: String, unique: true }, n: Number, bio: String }));
    await Rows.init();
    const ids: Types.ObjectId[] = [];
    const inserts: number[] = [];
    for (let r = 0; r < REPS; r++) {
      inserts.push(await rate(OPS, async (i) => {
        const doc = await Rows.create({ email: `u${r}-${i}@bench`, n: r * OPS + i, bio: 'x'.repeat(64) });
        ids.push(doc._id);
      }));
    }
    const total = ids.length;
    const pick = (i: number): number => (i * 7919) % total; // spread lookups over the collection
    const byId: number[] = [];
    const byUnique: number[] = [];
    const byScan: number[] = [];
    for (let r = 0; r < REPS; r++) {
      byId.push(await rate(OPS, async (i) => Rows.findById(ids[pick(i)]).lean().orFail()));
      byUnique.push(await rate(OPS, async (i) => {
        const k = pick(i);
        return Rows.findOne({ email: `u${Math.floor(k / OPS)}-${k % OPS}@bench` }).lean().orFail();
      }));
      byScan.push(await rate(SCAN_OPS, async (i) => Rows.findOne({ n: pick(i) }).lean().orFail()));
    }
    return {
      engine: store.engine,
      version: store.version,
      reps: REPS,
      concurrency: CONCURRENCY,
      maxPoolSize: 10,
      collectionDocs: total,
      insertsPerSec: figure(inserts),
      findsByIdPerSec: figure(byId),
      findsByUniquePerSec: figure(byUnique),
      findsByScanPerSec: figure(byScan),
    };
  } finally {
    await conn.close();
    await store.stop();
  }
}
