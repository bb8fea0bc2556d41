/**
 * Failure paths a real mongod reports, through mongoose 9: duplicate keys (with keyPattern),
 * insertMany ordered:false, operations the store cannot answer faithfully, standalone
 * transactions, and TCP connection counting through serverStatus.
 */
import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestStore, uniqueDbName, type TestStore } from './store-fixture.js';

interface Account { email: string; n: number; }

let store: TestStore;
let conn: mongoose.Connection;
let dbName: string;
let Accounts: mongoose.Model<Account>;

beforeAll(async () => {
  store = await startTestStore();
  dbName = uniqueDbName('errors');
  conn = await connect(store, dbName);
  Accounts = conn.model<Account>('Account', new Schema<Account>({ email: { type: String, unique: true }, n: Number }));
  await Accounts.init();
  await Accounts.create({ email: 'a@x', n: 1 });
});

afterAll(async () => {
  await conn?.dropDatabase().catch(() => undefined);
  await conn?.close();
  await store?.stop();
});

async function failure(p: Promise<unknown>): Promise<Error & { code?: number; keyPattern?: unknown; keyValue?: unknown }> {
  const result = await p.then(() => undefined, (e: unknown) => e as Error);
  if (!result) throw new Error('expected the operation to fail, it succeeded');
  return result;
}

describe('unique indexes', () => {
  it('create surfaces E11000 with keyPattern and keyValue', async () => {
    const err = await failure(Accounts.create({ email: 'a@x', n: 2 }));
    expect(err.code).toBe(11000);
    expect(err.message).toMatch(/E11000 duplicate key error/);
    expect(err.keyPattern).toEqual({ email: 1 });
    expect(err.keyValue).toEqual({ email: 'a@x' });
    expect(await Accounts.countDocuments({ email: 'a@x' })).toBe(1);
  });

  it('updates and findOneAndUpdate into a taken key fail and leave the document unchanged', async () => {
    await Accounts.create({ email: 'b@x', n: 1 });
    const viaUpdate = await failure(Accounts.updateOne({ email: 'b@x' }, { $set: { email: 'a@x', n: 9 } }));
    expect(viaUpdate.code).toBe(11000);
    const viaFam = await failure(Accounts.findOneAndUpdate({ email: 'b@x' }, { $set: { email: 'a@x' } }));
    expect(viaFam.code).toBe(11000);
    expect(await Accounts.findOne({ email: 'b@x' }, { _id: 0, email: 1, n: 1 }).lean()).toEqual({ email: 'b@x', n: 1 });
  });

  it('duplicate _id is rejected too', async () => {
    const doc = await Accounts.findOne({ email: 'a@x' }).orFail();
    const err = await failure(Accounts.collection.insertOne({ _id: doc._id, email: 'c@x', n: 0 }));
    expect(err.code).toBe(11000);
  });

  it('insertMany ordered:false inserts every non-duplicate and reports the duplicates', async () => {
    const err = await failure(
      Accounts.insertMany([{ email: 'm1', n: 1 }, { email: 'a@x', n: 1 }, { email: 'm2', n: 1 }, { email: 'm1', n: 1 }], { ordered: false }),
    ) as Error & { writeErrors?: Array<{ index: number; code: number }>; insertedDocs?: unknown[] };
    expect(err.writeErrors?.map((w) => [w.index, w.code])).toEqual([[1, 11000], [3, 11000]]);
    expect(await Accounts.countDocuments({ email: { $in: ['m1', 'm2'] } })).toBe(2);
  });

  it('creating a unique index over existing duplicates fails', async () => {
    const Loose = conn.model('Loose', new Schema({ k: String }, { autoIndex: false }));
    await Loose.create([{ k: 'x' }, { k: 'x' }]);
    const err = await failure(Loose.collection.createIndex({ k: 1 }, { unique: true }));
    expect(err.code).toBe(11000);
  });
});

describe('unsupported or refused operations give errors, never answers', () => {
  it('$text and geo queries', async () => {
    await expect(Accounts.find({ $text: { $search: 'a' } }).lean()).rejects.toThrow();
    await expect(Accounts.find({ loc: { $near: [0, 0] } } as never).lean()).rejects.toThrow();
  });

  it('unknown commands answer CommandNotFound (59)', async () => {
    const err = await failure(conn.db!.command({ rolsoakNoSuchCommand: 1 }));
    expect(err.code).toBe(59);
  });

  it('transactions are refused on a standalone server with IllegalOperation (20)', async () => {
    const hello = await conn.db!.admin().command({ hello: 1 });
    if (hello.setName || hello.msg === 'isdbgrid') return; // a replica set behind MONGODB_URI supports them
    const session = await conn.startSession();
    try {
      session.startTransaction();
      const err = await failure(Accounts.create([{ email: 'tx@x', n: 1 }], { session }));
      // The driver rewrites mongod's standalone reply (code 20, "Transaction numbers are only
      // allowed on a replica set member or mongos") into this message and drops the code.
      expect(err.code === 20 || /does not support retryable writes/.test(err.message)).toBe(true);
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await Accounts.countDocuments({ email: 'tx@x' })).toBe(0);
  });
});

describe('serverStatus().connections counts TCP connections', () => {
  it('grows as a pool opens and shrinks when it closes', async () => {
    const status = async (): Promise<{ current: number; totalCreated: number; available: number }> =>
      (await conn.db!.admin().command({ serverStatus: 1 })).connections;
    const before = await status();
    expect(before.current).toBeGreaterThan(0);
    expect(before.available).toBeGreaterThan(0);
    const other = await connect(store, dbName, { minPoolSize: 5, maxPoolSize: 10 });
    const Model = other.model<Account>('Account', new Schema<Account>({ email: String, n: Number }));
    await Promise.all(Array.from({ length: 20 }, () => Model.findOne({ email: 'a@x' }).lean()));
    let during = await status();
    // The pool fills minPoolSize in the background; poll (bounded) until it has.
    for (let i = 0; i < 50 && during.current < before.current + 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      during = await status();
    }
    expect(during.current).toBeGreaterThanOrEqual(before.current + 5);
    expect(during.totalCreated).toBeGreaterThanOrEqual(before.totalCreated + 5);
    await other.close();
    let after = await status();
    for (let i = 0; i < 50 && after.current > before.current; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await status();
    }
    if (store.engine === 'wire') expect(after.current).toBe(before.current);
    else expect(after.current).toBeLessThan(during.current);
  });
});
