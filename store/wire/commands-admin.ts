/** Handshake, server info and namespace commands. */
import type { Document } from 'bson';
import { CommandError } from './command-error.js';
import {
  MAX_BSON_OBJECT_SIZE, MAX_CONNECTIONS, MAX_MESSAGE_SIZE_BYTES, MAX_WIRE_VERSION, MAX_WRITE_BATCH_SIZE, VERSION,
  type Handler,
} from './context.js';
import { sessionOf } from './cursors.js';
import { matcher } from './query.js';

/** No `topologyVersion`: with it the driver expects streaming hello and clears its pool every heartbeat. */
const hello: Handler = (_cmd, ctx) => ({
  helloOk: true,
  isWritablePrimary: true,
  ismaster: true,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
  maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
  localTime: new Date(),
  logicalSessionTimeoutMinutes: 30,
  connectionId: ctx.connectionId,
  minWireVersion: 0,
  maxWireVersion: MAX_WIRE_VERSION,
  readOnly: false,
  ok: 1,
});

const buildInfo: Handler = () => ({
  version: VERSION,
  gitVersion: 'rol-soak-wire-store',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  storageEngines: ['rolsoak-memory'],
  ok: 1,
});

const serverStatus: Handler = (_cmd, ctx) => {
  const uptimeMillis = Date.now() - ctx.startedAt;
  return {
    host: '127.0.0.1',
    version: VERSION,
    process: 'rolsoak-wire-store',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    localTime: new Date(),
    connections: {
      current: ctx.connections.current,
      available: MAX_CONNECTIONS - ctx.connections.current,
      totalCreated: ctx.connections.totalCreated,
      active: ctx.connections.current,
    },
    metrics: { cursor: { open: { total: ctx.cursors.size } } },
    ok: 1,
  };
};

const listDatabases: Handler = (cmd, ctx) => {
  const names = ctx.catalog.databases();
  const databases = names.map((name) => ({ name, sizeOnDisk: 0, empty: ctx.catalog.collections(name).length === 0 }));
  return cmd.nameOnly ? { databases: names.map((name) => ({ name })), ok: 1 } : { databases, totalSize: 0, ok: 1 };
};

const listCollections: Handler = (cmd, ctx) => {
  const infos = ctx.catalog.collections(ctx.db).map((c) => ({
    name: c.name,
    type: 'collection',
    options: {},
    info: { readOnly: false },
    idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
  }));
  const docs = infos.filter(matcher(cmd.filter as Document | undefined));
  const out = cmd.nameOnly ? docs.map((d) => ({ name: d.name, type: d.type })) : docs;
  const batch = ctx.cursors.first(`${ctx.db}.$cmd.listCollections`, out, (cmd.cursor as Document | undefined)?.batchSize);
  return { cursor: { id: batch.id, ns: batch.ns, firstBatch: batch.batch }, ok: 1 };
};

const create: Handler = (cmd, ctx) => {
  const name = String(cmd.create);
  if (ctx.catalog.get(ctx.db, name)) throw new CommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  if (cmd.capped || cmd.timeseries || cmd.viewOn) {
    throw new CommandError('NotImplemented', 'capped, time-series and view collections are not supported by the rol-soak wire store');
  }
  ctx.catalog.ensure(ctx.db, name);
  return { ok: 1 };
};

const drop: Handler = (cmd, ctx) => {
  const name = String(cmd.drop);
  const coll = ctx.catalog.get(ctx.db, name);
  ctx.catalog.drop(ctx.db, name);
  // MongoDB 7.0: dropping a missing collection succeeds.
  return { nIndexesWas: coll?.indexes.length ?? 0, ns: `${ctx.db}.${name}`, ok: 1 };
};

const dropDatabase: Handler = (_cmd, ctx) => {
  ctx.catalog.dropDatabase(ctx.db);
  return { dropped: ctx.db, ok: 1 };
};

const createIndexes: Handler = (cmd, ctx) => {
  const name = String(cmd.createIndexes);
  const existed = ctx.catalog.get(ctx.db, name) !== undefined;
  const coll = ctx.catalog.ensure(ctx.db, name);
  const before = coll.indexes.length;
  const specs = Array.isArray(cmd.indexes) ? (cmd.indexes as Document[]) : [];
  if (specs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  for (const spec of specs) coll.createIndex(spec);
  return { createdCollectionAutomatically: !existed, numIndexesBefore: before, numIndexesAfter: coll.indexes.length, ok: 1 };
};

const listIndexes: Handler = (cmd, ctx) => {
  const name = String(cmd.listIndexes);
  const coll = ctx.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  const docs = coll.indexes.map((i) => ({
    v: 2, key: i.key, name: i.name,
    ...(i.unique ? { unique: true } : {}),
    ...(i.sparse ? { sparse: true } : {}),
    ...(i.partialFilterExpression ? { partialFilterExpression: i.partialFilterExpression } : {}),
  }));
  const batch = ctx.cursors.first(coll.ns, docs, (cmd.cursor as Document | undefined)?.batchSize);
  return { cursor: { id: batch.id, ns: batch.ns, firstBatch: batch.batch }, ok: 1 };
};

const dropIndexes: Handler = (cmd, ctx) => {
  const name = String(cmd.dropIndexes);
  const coll = ctx.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const index: unknown = cmd.index;
  const nIndexesWas = Array.isArray(index) ? index.reduce((n: number, i: unknown) => (coll.dropIndex(i), n), coll.indexes.length) : coll.dropIndex(index);
  return { nIndexesWas, ok: 1 };
};

const ok: Handler = () => ({ ok: 1 });

/** Ending a session kills its cursors (mongod does the same). */
const endSessions: Handler = (cmd, ctx) => {
  const sessions = Array.isArray(cmd.endSessions) ? (cmd.endSessions as unknown[]) : [];
  ctx.cursorRegistry.endSessions(sessions.flatMap((lsid) => sessionOf({ lsid }) ?? []));
  return { ok: 1 };
};

export const ADMIN_COMMANDS: Record<string, Handler> = {
  hello,
  ismaster: hello,
  isMaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  listDatabases,
  listCollections,
  create,
  drop,
  dropDatabase,
  createIndexes,
  listIndexes,
  dropIndexes,
  endSessions,
  getParameter: () => ({ featureCompatibilityVersion: { version: '7.0' }, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['rolsoak-wire-store'], parsed: {}, ok: 1 }),
  hostInfo: () => ({ system: { hostname: '127.0.0.1' }, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1', ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
};
