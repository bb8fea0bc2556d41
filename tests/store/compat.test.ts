/**
 * Mongoose 9 against the store: the operations the reference server uses, with the answers a
 * real mongod gives. The same cases run against MONGODB_URI when it is set (the nightly
 * workflow's `compat-mongod` job sets it to a `mongo:7.0` service), else against the wire store;
 * the first test says which one answered.
 */
import mongoose, { Schema, Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestStore, uniqueDbName, type TestStore } from './store-fixture.js';

interface Person { name: string; age: number; city: string; tags: string[]; }
interface Post { title: string; author: Types.ObjectId; likes: number; }

let store: TestStore;
let conn: mongoose.Connection;
let People: mongoose.Model<Person>;
let Posts: mongoose.Model<Post>;

beforeAll(async () => {
  store = await startTestStore();
  conn = await connect(store, uniqueDbName('compat'));
  People = conn.model<Person>('Person', new Schema<Person>({
    name: { type: String, required: true, unique: true },
    age: Number,
    city: String,
    tags: [String],
  }));
  Posts = conn.model<Post>('Post', new Schema<Post>({
    title: String,
    author: { type: Schema.Types.ObjectId, ref: 'Person' },
    likes: { type: Number, default: 0 },
  }));
  await People.init();
  await Posts.init();
  await People.create([
    { name: 'ada', age: 36, city: 'london', tags: ['math'] },
    { name: 'bob', age: 25, city: 'paris', tags: [] },
    { name: 'cy', age: 41, city: 'london', tags: ['art', 'math'] },
    { name: 'dee', age: 19, city: 'rome', tags: ['art'] },
  ]);
});

afterAll(async () => {
  await conn?.dropDatabase().catch(() => undefined);
  await conn?.close();
  await store?.stop();
});

describe(`the store answering (${process.env.MONGODB_URI ? 'MONGODB_URI: a real mongod' : 'the wire store'})`, () => {
  it('is the one named: a real mongod behind MONGODB_URI, else the wire store', async () => {
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    if (store.engine === 'uri') expect(info.version).not.toMatch(/rolsoak/);
    else expect(info.version).toBe('7.0.0-rolsoak');
  });
});

describe('reads', () => {
  it('find with sort, skip, limit and projection', async () => {
    const docs = await People.find({ age: { $gte: 19 } }, { name: 1, _id: 0 }).sort({ age: -1 }).skip(1).limit(2).lean();
    expect(docs).toEqual([{ name: 'ada' }, { name: 'bob' }]);
  });

  it('filters and projections past the query operators ($expr, $elemMatch, $slice, expressions)', async () => {
    const older = await People.find({ $expr: { $gt: ['$age', 30] } }, { name: 1, _id: 0 }).sort({ name: 1 }).lean();
    expect(older).toEqual([{ name: 'ada' }, { name: 'cy' }]);
    const art = await People.find({ tags: { $elemMatch: { $eq: 'art' } } }, { name: 1, tags: { $slice: 1 }, _id: 0 }).sort({ name: 1 }).lean();
    expect(art).toEqual([{ name: 'cy', tags: ['art'] }, { name: 'dee', tags: ['art'] }]);
    const shout = await People.collection.find({ name: 'bob' }, { projection: { _id: 0, up: { $toUpper: '$city' } } }).toArray();
    expect(shout).toEqual([{ up: 'PARIS' }]);
  });

  it('lean returns plain objects with ObjectIds; non-lean returns documents', async () => {
    const lean = await People.findOne({ name: 'ada' }).lean();
    expect(lean?._id).toBeInstanceOf(Types.ObjectId);
    const doc = await People.findById(lean?._id);
    expect(doc).toBeInstanceOf(People);
    expect(doc?.city).toBe('london');
  });

  it('countDocuments, estimatedDocumentCount and distinct', async () => {
    expect(await People.countDocuments({ city: 'london' })).toBe(2);
    expect(await People.countDocuments({ city: 'nowhere' })).toBe(0);
    expect(await People.countDocuments({}, { skip: 1, limit: 2 })).toBe(2);
    expect(await People.aggregate([{ $match: { age: { $lt: 40 } } }, { $group: { _id: null, total: { $sum: 1 } } }])).toEqual([{ _id: null, total: 3 }]);
    expect(await People.estimatedDocumentCount()).toBe(4);
    expect((await People.distinct('city')).sort()).toEqual(['london', 'paris', 'rome']);
    expect((await People.distinct('tags', { city: 'london' })).sort()).toEqual(['art', 'math']);
  });

  it('populate follows refs', async () => {
    const ada = await People.findOne({ name: 'ada' }).orFail();
    await Posts.create({ title: 'notes', author: ada._id, likes: 3 });
    const post = await Posts.findOne({ title: 'notes' }).populate<{ author: Person }>('author').lean();
    expect(post?.author.name).toBe('ada');
  });

  it('aggregate $match/$group/$sort and $lookup/$unwind/$project', async () => {
    const byCity = await People.aggregate<{ _id: string; n: number; avgAge: number }>([
      { $match: { age: { $gt: 18 } } },
      { $group: { _id: '$city', n: { $sum: 1 }, avgAge: { $avg: '$age' } } },
      { $sort: { n: -1, _id: 1 } },
    ]);
    expect(byCity[0]).toEqual({ _id: 'london', n: 2, avgAge: 38.5 });
    expect(byCity).toHaveLength(3);
    const joined = await Posts.aggregate<{ title: string; authorName: string }>([
      { $lookup: { from: 'people', localField: 'author', foreignField: '_id', as: 'a' } },
      { $unwind: '$a' },
      { $project: { _id: 0, title: 1, authorName: '$a.name' } },
    ]);
    expect(joined).toEqual([{ title: 'notes', authorName: 'ada' }]);
  });

  it('cursors over more than 101 documents (find, getMore, cursor(), early close)', async () => {
    const Items = conn.model('Item', new Schema({ i: Number }));
    await Items.insertMany(Array.from({ length: 350 }, (_, i) => ({ i })));
    const all = await Items.find().sort({ i: 1 }).lean();
    expect(all).toHaveLength(350);
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 350 }, (_, i) => i));
    let seen = 0;
    for await (const doc of Items.find().batchSize(50).cursor()) {
      expect(doc.i).toBeTypeOf('number');
      seen++;
    }
    expect(seen).toBe(350);
    const cursor = Items.find().cursor();
    await cursor.next();
    await cursor.close(); // killCursors on the server side
    const viaAgg = await Items.aggregate([{ $match: { i: { $gte: 100 } } }]);
    expect(viaAgg).toHaveLength(250);
  });

  it('results larger than 16 MiB (maxBsonObjectSize) arrive intact', async () => {
    const Blobs = conn.model('Blob', new Schema({ i: Number, body: String }));
    const mb = 'x'.repeat(1024 * 1024);
    await Blobs.insertMany(Array.from({ length: 20 }, (_, i) => ({ i, body: mb })));
    const all = await Blobs.find({}, { i: 1, body: 1 }).lean();
    expect(all).toHaveLength(20);
    expect(all.every((b) => b.body?.length === mb.length)).toBe(true);
    await Blobs.deleteMany({});
  });
});

describe('writes', () => {
  it('findOneAndUpdate with $set/$inc/$push/$addToSet/$pull', async () => {
    const after = await People.findOneAndUpdate(
      { name: 'bob' },
      { $set: { city: 'berlin' }, $inc: { age: 1 }, $push: { tags: 'go' }, $addToSet: { tags: 'go' } as never },
      { returnDocument: 'after' },
    ).lean().catch((e: unknown) => e);
    // $push and $addToSet on the same path conflict in MongoDB: the store must refuse it too.
    expect(after).toBeInstanceOf(Error);
    const bob = await People.findOneAndUpdate(
      { name: 'bob' },
      { $set: { city: 'berlin' }, $inc: { age: 1 }, $push: { tags: 'go' } },
      { returnDocument: 'after' },
    ).lean();
    expect(bob).toMatchObject({ city: 'berlin', age: 26, tags: ['go'] });
    await People.updateOne({ name: 'bob' }, { $addToSet: { tags: { $each: ['go', 'rust'] } } });
    await People.updateOne({ name: 'bob' }, { $pull: { tags: 'go' } });
    expect((await People.findOne({ name: 'bob' }).lean())?.tags).toEqual(['rust']);
  });

  it('upsert seeds from query equality fields and applies $setOnInsert only on insert', async () => {
    const first = await People.findOneAndUpdate(
      { name: 'eve', city: { $eq: 'oslo' } },
      { $inc: { age: 1 }, $setOnInsert: { tags: ['new'] } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(first).toMatchObject({ name: 'eve', city: 'oslo', age: 1, tags: ['new'] });
    const second = await People.findOneAndUpdate(
      { name: 'eve' },
      { $inc: { age: 1 }, $setOnInsert: { tags: ['never'] } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(second).toMatchObject({ age: 2, tags: ['new'] });
    const res = await People.updateOne({ name: 'fay' }, { $set: { age: 7 } }, { upsert: true });
    expect(res.upsertedCount).toBe(1);
    expect(res.upsertedId).toBeInstanceOf(Types.ObjectId);
    // An _id from the query is stored first, as mongod does.
    const id = new Types.ObjectId();
    await People.collection.updateOne({ name: 'gus', _id: id }, { $set: { age: 3 } }, { upsert: true });
    expect(Object.keys((await People.collection.findOne({ _id: id }))!)).toEqual(['_id', 'name', 'age']);
    await People.deleteOne({ _id: id });
  });

  it('updateMany and deleteMany report counts', async () => {
    const upd = await People.updateMany({ city: 'london' }, { $set: { city: 'londres' } });
    expect(upd).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
    const again = await People.updateMany({ city: 'londres' }, { $set: { city: 'londres' } });
    expect(again).toMatchObject({ matchedCount: 2, modifiedCount: 0 });
    const del = await People.deleteMany({ name: { $in: ['eve', 'fay'] } });
    expect(del.deletedCount).toBe(2);
  });

  it('arrayFilters and the positional $ operator', async () => {
    const Scores = conn.model('Score', new Schema({ k: String, s: [Number] }));
    await Scores.create({ k: 'a', s: [1, 5, 9] });
    await Scores.updateOne({ k: 'a', s: 5 }, { $set: { 's.$': 50 } });
    await Scores.updateOne({ k: 'a' }, { $inc: { 's.$[big]': 1 } }, { arrayFilters: [{ big: { $gt: 8 } }] });
    expect((await Scores.findOne({ k: 'a' }).lean())?.s).toEqual([1, 51, 10]);
  });

  it('equality lookups on non-unique indexed fields stay right through updates, arrays and deletes', async () => {
    const Msgs = conn.model('Msg', new Schema({ thread: { type: String, index: true }, to: { type: [String], index: true }, meta: { room: String }, n: Number }));
    Msgs.schema.index({ 'meta.room': 1, n: -1 });
    await Msgs.init();
    await Msgs.syncIndexes();
    await Msgs.insertMany(Array.from({ length: 30 }, (_, n) => ({ thread: `t${n % 3}`, to: [`u${n % 2}`, 'all'], meta: { room: `r${n % 5}` }, n })));
    expect(await Msgs.countDocuments({ thread: 't1' })).toBe(10);
    expect(await Msgs.countDocuments({ thread: 't1', n: { $lt: 10 } })).toBe(3);
    expect(await Msgs.countDocuments({ 'meta.room': 'r2' })).toBe(6);
    expect(await Msgs.countDocuments({ to: 'u1' })).toBe(15);
    expect(await Msgs.countDocuments({ $or: [{ thread: 't0' }, { 'meta.room': 'r1' }] })).toBe(14);
    expect(await Msgs.countDocuments({ $or: [{ thread: 't0' }, { n: 5 }] })).toBe(11);
    expect(await Msgs.countDocuments({ $and: [{ n: { $gt: 10 } }, { thread: 't0' }] })).toBe(6);
    await Msgs.updateMany({ thread: 't1' }, { $set: { thread: 't9' }, $pull: { to: 'all' } });
    expect(await Msgs.countDocuments({ thread: 't1' })).toBe(0);
    expect(await Msgs.countDocuments({ thread: 't9' })).toBe(10);
    expect(await Msgs.countDocuments({ to: 'all' })).toBe(20);
    await Msgs.deleteMany({ thread: 't9', n: { $gte: 20 } });
    const left = await Msgs.find({ thread: 't9' }).sort({ n: -1 }).limit(2).lean();
    expect(left.map((m) => m.n)).toEqual([19, 16]);
  });

  it('bulkWrite mixes inserts, updates, upserts and deletes', async () => {
    const Tasks = conn.model('Task', new Schema({ t: { type: String, unique: true }, done: Boolean }));
    await Tasks.init();
    const res = await Tasks.bulkWrite([
      { insertOne: { document: { t: 'a', done: false } } },
      { insertOne: { document: { t: 'b', done: false } } },
      { updateOne: { filter: { t: 'a' }, update: { $set: { done: true } } } },
      { updateOne: { filter: { t: 'c' }, update: { $set: { done: false } }, upsert: true } },
      { deleteOne: { filter: { t: 'b' } } },
      { replaceOne: { filter: { t: 'c' }, replacement: { t: 'c', done: true } } },
    ]);
    expect(res).toMatchObject({ insertedCount: 2, matchedCount: 2, modifiedCount: 2, upsertedCount: 1, deletedCount: 1 });
    expect(await Tasks.find({}, { _id: 0, t: 1, done: 1 }).sort({ t: 1 }).lean()).toEqual([
      { t: 'a', done: true },
      { t: 'c', done: true },
    ]);
  });
});
