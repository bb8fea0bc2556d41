/**
 * The store the compatibility suite runs against: MONGODB_URI when set (a real MongoDB), else
 * the offline wire store spawned from dist/ (run `npx tsc -p tsconfig.json` first).
 */
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { startWireStore } from '../../store/wire-process.js';

export interface TestStore {
  engine: 'uri' | 'wire';
  uri: string;
  stop(): Promise<void>;
}

export async function startTestStore(): Promise<TestStore> {
  const external = process.env.MONGODB_URI;
  if (external) return { engine: 'uri', uri: external, stop: async () => {} };
  const store = await startWireStore();
  return { engine: 'wire', uri: store.uri, stop: () => store.stop() };
}

/** A fresh database per test file, so files (and reruns against a real server) never collide. */
export function uniqueDbName(prefix: string): string {
  return `rolsoak_${prefix}_${randomBytes(4).toString('hex')}`;
}

export async function connect(store: TestStore, dbName: string, options: mongoose.ConnectOptions = {}): Promise<mongoose.Connection> {
  return mongoose.createConnection(store.uri, { dbName, maxPoolSize: 10, serverSelectionTimeoutMS: 5_000, ...options }).asPromise();
}
