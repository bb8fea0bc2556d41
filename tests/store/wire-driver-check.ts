/** "The store still answers a normal command correctly": a real driver writes and reads back. */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';

/** Inserts a fresh document through the `mongodb` driver and returns what a find reads back. */
export async function roundTrip(uri: string): Promise<{ sent: { _id: string; n: number }; read: unknown }> {
  const client = new MongoClient(uri, { maxPoolSize: 2, serverSelectionTimeoutMS: 5_000 });
  try {
    const coll = client.db('hardening').collection<{ _id: string; n: number }>('checks');
    const sent = { _id: randomUUID(), n: Math.random() };
    await coll.insertOne({ ...sent });
    return { sent, read: await coll.findOne({ _id: sent._id }) };
  } finally {
    await client.close();
  }
}
