/** CRUD and cursor commands, with mongod's reply shapes (the driver and mongoose parse them). */
import type { Document } from 'bson';
import type { Collection } from './collection.js';
import { CommandError } from './command-error.js';
import type { CommandContext, Handler } from './context.js';
import { aggregate, find, matching, projectOne } from './query.js';
import { updateStored, upsertedDoc, writeError, type UpdateSpec } from './writes.js';

function cursorReply(ctx: CommandContext, ns: string, docs: Document[], cmd: Document, singleBatch = false): Document {
  const batch = ctx.cursors.first(ns, docs, (cmd.cursor as Document | undefined)?.batchSize ?? cmd.batchSize, singleBatch);
  return { cursor: { firstBatch: batch.batch, id: batch.id, ns: batch.ns }, ok: 1 };
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

const insert: Handler = (cmd, ctx) => {
  const coll = ctx.catalog.ensure(ctx.db, String(cmd.insert));
  const docs = (cmd.documents as Document[] | undefined) ?? [];
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  let n = 0;
  for (const [index, doc] of docs.entries()) {
    try {
      coll.insert(doc);
      n++;
    } catch (err) {
      writeErrors.push(writeError(index, err));
      if (ordered) break;
    }
  }
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

const findCmd: Handler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, String(cmd.find));
  const rawLimit = num(cmd.limit) ?? 0;
  const docs = find(coll, cmd.filter as Document | undefined, {
    sort: cmd.sort as Document | undefined,
    projection: cmd.projection as Document | undefined,
    skip: num(cmd.skip) ?? 0,
    limit: Math.abs(rawLimit),
  });
  return cursorReply(ctx, `${ctx.db}.${String(cmd.find)}`, docs, cmd, cmd.singleBatch === true || rawLimit < 0);
};

const getMore: Handler = (cmd, ctx) => {
  const batch = ctx.cursors.more(cmd.getMore, `${ctx.db}.${String(cmd.collection)}`, cmd.batchSize);
  return { cursor: { nextBatch: batch.batch, id: batch.id, ns: batch.ns }, ok: 1 };
};

const killCursors: Handler = (cmd, ctx) => {
  const { killed, notFound } = ctx.cursors.kill((cmd.cursors as unknown[] | undefined) ?? []);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

/** One update statement; returns counts or throws for a write error. */
function updateOneStatement(coll: Collection, spec: UpdateSpec, multi: boolean): { n: number; nModified: number; upserted?: unknown } {
  const matches = matching(coll, spec.q);
  const targets = multi ? matches : matches.slice(0, 1);
  if (targets.length === 0 && spec.upsert) {
    const doc = coll.insert(upsertedDoc(spec));
    return { n: 1, nModified: 0, upserted: doc._id };
  }
  let nModified = 0;
  for (const prev of targets) if (updateStored(coll, prev, spec).modified) nModified++;
  return { n: targets.length, nModified };
}

const update: Handler = (cmd, ctx) => {
  const coll = ctx.catalog.ensure(ctx.db, String(cmd.update));
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  const upserted: Document[] = [];
  let n = 0;
  let nModified = 0;
  for (const [index, stmt] of ((cmd.updates as Document[] | undefined) ?? []).entries()) {
    try {
      const spec: UpdateSpec = { q: (stmt.q as Document) ?? {}, u: stmt.u as Document, upsert: stmt.upsert === true };
      if (stmt.multi === true && !Array.isArray(spec.u) && !Object.keys(spec.u).some((k) => k.startsWith('$'))) {
        throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
      }
      if (Array.isArray(stmt.arrayFilters)) spec.arrayFilters = stmt.arrayFilters as Document[];
      const r = updateOneStatement(coll, spec, stmt.multi === true);
      n += r.n;
      nModified += r.nModified;
      if (r.upserted !== undefined) upserted.push({ index, _id: r.upserted });
    } catch (err) {
      writeErrors.push(writeError(index, err));
      if (ordered) break;
    }
  }
  return { n, nModified, ...(upserted.length ? { upserted } : {}), ...(writeErrors.length ? { writeErrors } : {}), ok: 1 };
};

const deleteCmd: Handler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, String(cmd.delete));
  const ordered = cmd.ordered !== false;
  const writeErrors: Document[] = [];
  let n = 0;
  for (const [index, stmt] of ((cmd.deletes as Document[] | undefined) ?? []).entries()) {
    try {
      const matches = matching(coll, (stmt.q as Document) ?? {});
      const targets = stmt.limit === 1 ? matches.slice(0, 1) : matches;
      for (const doc of targets) coll?.remove(doc);
      n += targets.length;
    } catch (err) {
      writeErrors.push(writeError(index, err));
      if (ordered) break;
    }
  }
  return writeErrors.length ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
};

/** findAndModify: a duplicate key is a command error (ok:0, code 11000), not a writeError. */
const findAndModify: Handler = (cmd, ctx) => {
  const name = String(cmd.findAndModify ?? cmd.findandmodify);
  const coll = ctx.catalog.ensure(ctx.db, name);
  const query = (cmd.query as Document | undefined) ?? {};
  const [prev] = find(coll, query, { sort: cmd.sort as Document | undefined, limit: 1 });
  const project = (doc: Document | undefined): Document | null => {
    if (!doc) return null;
    const fields = cmd.fields as Document | undefined;
    return fields && Object.keys(fields).length ? projectOne(doc, fields) : doc;
  };
  if (cmd.remove === true) {
    if (prev) coll.remove(prev);
    return { lastErrorObject: { n: prev ? 1 : 0 }, value: project(prev), ok: 1 };
  }
  if (cmd.update === undefined) throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const spec: UpdateSpec = { q: query, u: cmd.update as Document, upsert: cmd.upsert === true };
  if (Array.isArray(cmd.arrayFilters)) spec.arrayFilters = cmd.arrayFilters as Document[];
  if (!prev) {
    if (!spec.upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = coll.insert(upsertedDoc(spec));
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: cmd.new === true ? project(doc) : null, ok: 1 };
  }
  const { doc } = updateStored(coll, prev, spec);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(cmd.new === true ? doc : prev), ok: 1 };
};

const count: Handler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, String(cmd.count));
  const query = cmd.query as Document | undefined;
  let n = query && Object.keys(query).length ? matching(coll, query).length : (coll?.docs.size ?? 0);
  n = Math.max(0, n - (num(cmd.skip) ?? 0));
  const limit = Math.abs(num(cmd.limit) ?? 0);
  return { n: limit ? Math.min(n, limit) : n, ok: 1 };
};

const distinct: Handler = (cmd, ctx) => {
  const coll = ctx.catalog.get(ctx.db, String(cmd.distinct));
  const key = String(cmd.key);
  const docs = aggregate(ctx.catalog, coll, [
    { $match: (cmd.query as Document | undefined) ?? {} },
    { $unwind: { path: `$${key}`, preserveNullAndEmptyArrays: false } },
    { $group: { _id: `$${key}` } },
  ]);
  return { values: docs.map((d) => d._id), ok: 1 };
};

const aggregateCmd: Handler = (cmd, ctx) => {
  if (typeof cmd.aggregate !== 'string') throw new CommandError('NotImplemented', 'database-level aggregate is not supported by the rol-soak wire store');
  if (cmd.explain) throw new CommandError('NotImplemented', 'explain is not supported by the rol-soak wire store');
  if (!Array.isArray(cmd.pipeline)) throw new CommandError('FailedToParse', "'pipeline' option must be specified as an array");
  const coll = ctx.catalog.get(ctx.db, cmd.aggregate);
  const docs = aggregate(ctx.catalog, coll, cmd.pipeline as Document[]);
  return cursorReply(ctx, `${ctx.db}.${cmd.aggregate}`, docs, cmd);
};

export const CRUD_COMMANDS: Record<string, Handler> = {
  insert,
  find: findCmd,
  getMore,
  killCursors,
  update,
  delete: deleteCmd,
  findAndModify,
  findandmodify: findAndModify,
  count,
  distinct,
  aggregate: aggregateCmd,
};
