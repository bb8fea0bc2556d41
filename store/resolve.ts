/**
 * Store resolution (DESIGN.md "The store"): `MONGODB_URI` if set → mongodb-memory-server (a
 * real mongod: MONGOMS_SYSTEM_BINARY, a cached binary, or a download where reachable; given up
 * after `memoryServerTimeoutMs`) → the offline wire store in its own process.
 * `SOAK_STORE=auto|uri|memory-server|wire` forces one. Whichever ran is logged in one line.
 */
import { lookup } from 'node:dns/promises';
import { MongoClient } from 'mongodb';
import { startWireStore } from './wire-process.js';
import { StoreError, type RunningStore, type StoreMode } from './store-types.js';

export { StoreError, type RunningStore, type StoreEngine, type StoreErrorCode, type StoreMode } from './store-types.js';
export { startWireStore } from './wire-process.js';

const MODES: readonly StoreMode[] = ['auto', 'uri', 'memory-server', 'wire'];

export interface ResolveStoreOptions {
  /** Which store to use. @default parseStoreMode(env.SOAK_STORE) */
  mode?: StoreMode;
  /** Environment read for MONGODB_URI, SOAK_STORE, MONGOMS_SYSTEM_BINARY. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Receives one line naming the engine that ran and its version (plus fallback reasons). */
  log?: (line: string) => void;
  /** Give up on mongodb-memory-server after this many ms. @default 10_000 */
  memoryServerTimeoutMs?: number;
}

/** Reads SOAK_STORE; unset or empty means 'auto'. */
export function parseStoreMode(text: string | undefined): StoreMode {
  const value = (text ?? '').trim();
  if (value === '') return 'auto';
  if ((MODES as readonly string[]).includes(value)) return value as StoreMode;
  throw new StoreError('ERR_STORE_MODE', `SOAK_STORE must be one of ${MODES.join('|')}, got ${JSON.stringify(text)}`);
}

/** Server version via buildInfo; ERR_STORE_UNAVAILABLE when unreachable within 5 s. */
async function versionOf(uri: string): Promise<string> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, connectTimeoutMS: 5_000, maxPoolSize: 1 });
  try {
    await client.connect();
    const info = await client.db('admin').command({ buildInfo: 1 });
    return String(info.version);
  } catch (err) {
    throw new StoreError('ERR_STORE_UNAVAILABLE', `MongoDB at ${redact(uri)} is unreachable: ${(err as Error).message}`, { cause: err });
  } finally {
    await client.close();
  }
}

/** Hides credentials in log lines. */
function redact(uri: string): string {
  return uri.replace(/\/\/[^@/]+@/, '//***@');
}

async function fromUri(env: NodeJS.ProcessEnv): Promise<RunningStore> {
  const uri = env.MONGODB_URI;
  if (!uri) throw new StoreError('ERR_STORE_UNAVAILABLE', 'SOAK_STORE=uri needs MONGODB_URI');
  const version = await versionOf(uri);
  return { engine: 'uri', uri, version, pid: null, stop: async () => {} };
}

/**
 * mongodb-memory-server, bounded: look for a binary without downloading first; only if none is
 * found let the library try a download, raced against the timeout. A server that starts after
 * we gave up is stopped as soon as it appears.
 */
async function fromMemoryServer(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunningStore> {
  const mms = await import('mongodb-memory-server-core');
  const systemBinary = env.MONGOMS_SYSTEM_BINARY || undefined;
  const dry = await mms.DryMongoBinary.generateOptions(systemBinary ? { systemBinary } : {});
  const located = await mms.DryMongoBinary.locateBinary(dry).catch(() => undefined);
  if (systemBinary && !located) {
    throw new StoreError('ERR_STORE_UNAVAILABLE', `MONGOMS_SYSTEM_BINARY=${systemBinary} is not a usable mongod`);
  }
  // Nothing cached and the download host does not resolve (an offline machine): the library's
  // download would still spend ~7 s failing here, so give up at once.
  if (!located) await assertDownloadHostResolves(env);
  // MongoBinary.getPath downloads when nothing is cached (quietly, unlike MongoMemoryServer.create).
  const starting = (async () => {
    const binary = located ?? (await mms.MongoBinary.getPath(dry));
    return mms.MongoMemoryServer.create({ binary: { systemBinary: binary, version: dry.version } });
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const why = located ? '' : ' (no cached binary; download did not finish)';
    timer = setTimeout(() => reject(new StoreError('ERR_STORE_UNAVAILABLE', `mongodb-memory-server: no mongod within ${timeoutMs} ms${why}`)), timeoutMs);
  });
  try {
    const server = await Promise.race([starting, timeout]);
    const uri = server.getUri();
    const version = await versionOf(uri);
    const pid = server.instanceInfo?.instance.mongodProcess?.pid ?? null;
    return { engine: 'memory-server', uri, version, pid, stop: async () => void (await server.stop({ doCleanup: true, force: true })) };
  } catch (err) {
    // Late success after the timeout must not leave a mongod behind.
    starting.then((s) => s.stop({ doCleanup: true, force: true }), () => undefined).catch(() => undefined);
    if (err instanceof StoreError) throw err;
    throw new StoreError('ERR_STORE_UNAVAILABLE', `mongodb-memory-server: ${(err as Error).message.split('\n').join(' ')}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** The host mongodb-memory-server downloads from (its MONGOMS_DOWNLOAD_URL / _MIRROR settings, else MongoDB's). */
export function downloadHost(env: NodeJS.ProcessEnv): string {
  const url = env.MONGOMS_DOWNLOAD_URL || env.MONGOMS_DOWNLOAD_MIRROR || 'https://fastdl.mongodb.org';
  try {
    return new URL(url).hostname;
  } catch {
    return 'fastdl.mongodb.org';
  }
}

/** Throws ERR_STORE_UNAVAILABLE when the download host cannot be resolved (skipped behind a proxy, which resolves it). */
async function assertDownloadHostResolves(env: NodeJS.ProcessEnv): Promise<void> {
  if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) return;
  const host = downloadHost(env);
  try {
    await lookup(host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new StoreError('ERR_STORE_UNAVAILABLE', `mongodb-memory-server: no cached mongod, and the download host ${host} does not resolve (${code})`, { cause: err });
  }
}

function announce(store: RunningStore, log?: (line: string) => void): RunningStore {
  const where = store.pid === null ? redact(store.uri) : `${store.uri} (pid ${store.pid})`;
  log?.(`store: ${store.engine} ${store.version} at ${where}`);
  return store;
}

export async function resolveStore(options: ResolveStoreOptions = {}): Promise<RunningStore> {
  const env = options.env ?? process.env;
  const mode = options.mode ?? parseStoreMode(env.SOAK_STORE);
  if (!MODES.includes(mode)) throw new StoreError('ERR_STORE_MODE', `unknown store mode ${JSON.stringify(mode)}`);
  const timeoutMs = options.memoryServerTimeoutMs ?? 10_000;
  const log = options.log;
  switch (mode) {
    case 'uri':
      return announce(await fromUri(env), log);
    case 'memory-server':
      return announce(await fromMemoryServer(env, timeoutMs), log);
    case 'wire':
      return announce(await startWireStore(), log);
    case 'auto': {
      // An explicit MONGODB_URI that fails is an error, never a silent fallback.
      if (env.MONGODB_URI) return announce(await fromUri(env), log);
      try {
        return announce(await fromMemoryServer(env, timeoutMs), log);
      } catch (err) {
        log?.(`store: mongodb-memory-server unavailable (${(err as Error).message}); using the offline wire store`);
        return announce(await startWireStore(), log);
      }
    }
  }
}
