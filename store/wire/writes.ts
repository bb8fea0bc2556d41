/**
 * Writes with mingo update semantics, copy-on-write so a failed unique check leaves the stored
 * document untouched. mingo has no `$setOnInsert`: it is applied here, on upsert only, to a new
 * document seeded from the query's equality fields (as mongod does).
 */
import type { Document } from 'bson';
import { updateOne } from 'mingo';
import { cloneDeep, isEqual, setValue } from 'mingo/util';
import type { Collection } from './collection.js';
import { assertSupported, CommandError } from './command-error.js';
import { asCommandError } from './query.js';

export interface UpdateSpec {
  q: Document;
  u: Document | Document[];
  upsert?: boolean;
  arrayFilters?: Document[];
}

function isOperatorUpdate(u: Document): boolean {
  const keys = Object.keys(u);
  return keys.length > 0 && keys[0]!.startsWith('$');
}

function isPlainOperatorObject(v: unknown): v is Document {
  if (!v || typeof v !== 'object' || Array.isArray(v) || (v as { _bsontype?: string })._bsontype || v instanceof Date) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => k.startsWith('$'));
}

/** The document an upsert starts from: the query's equality fields (`$and` included). Depth-bounded. */
export function seedFromQuery(q: Document, into: Document = {}, depth = 0): Document {
  if (depth > 16) return into;
  for (const [key, value] of Object.entries(q)) {
    if (key === '$and' && Array.isArray(value)) {
      for (const part of value) seedFromQuery(part as Document, into, depth + 1);
    } else if (!key.startsWith('$')) {
      if (isPlainOperatorObject(value)) {
        if ('$eq' in value) setValue(into, key, cloneDeep(value.$eq));
      } else {
        setValue(into, key, cloneDeep(value));
      }
    }
  }
  return into;
}

/**
 * The fields of an update that is only `$set` of top-level fields (what mongoose sends for
 * `updateOne`/`findOneAndUpdate` with plain values), else undefined. Such an update needs no
 * condition (no positional `$`), no arrayFilters and no path walking.
 */
function plainSet(u: Document | Document[], arrayFilters?: Document[]): Document | undefined {
  if (Array.isArray(u) || arrayFilters) return undefined;
  const ops = Object.keys(u);
  if (ops.length !== 1 || ops[0] !== '$set') return undefined;
  const fields = u.$set as unknown;
  if (!fields || typeof fields !== 'object' || Array.isArray(fields) || (fields as { _bsontype?: string })._bsontype) return undefined;
  for (const key of Object.keys(fields)) {
    if (key === '' || key === '__proto__' || key.startsWith('$') || key.includes('.')) return undefined;
  }
  return fields as Document;
}

/** Applies operators (or a pipeline) to a copy of `doc`; `condition` serves the positional `$`. */
function applyOperators(doc: Document, u: Document | Document[], condition: Document, arrayFilters?: Document[]): Document {
  // Fast path, same result as mingo's $set: existing fields keep their place, new ones are
  // appended in update order, values are copied. mingo's updateOne builds a fresh operator
  // context per call (~0.3 ms of store CPU per updated document, measured); this is ~µs.
  const set = plainSet(u, arrayFilters);
  if (set) {
    const next: Document = { ...doc };
    for (const [key, value] of Object.entries(set)) next[key] = cloneDeep(value);
    return next;
  }
  const box = [cloneDeep(doc)];
  try {
    updateOne(box, condition, u as Document, arrayFilters ? { arrayFilters } : {}, { scriptEnabled: false });
  } catch (err) {
    throw asCommandError(err);
  }
  return box[0]!;
}

/** mongod refuses two operators touching the same path or a path and its prefix (code 40). */
function assertNoConflicts(u: Document): void {
  const paths: string[] = [];
  for (const [op, fields] of Object.entries(u)) {
    if (!op.startsWith('$') || !fields || typeof fields !== 'object') continue;
    for (const raw of Object.keys(fields)) {
      const path = raw.replace(/\.\$(\[[^\]]*\])?/g, '');
      const clash = paths.find((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
      if (clash !== undefined) {
        throw new CommandError('ConflictingUpdateOperators', `Updating the path '${raw}' would create a conflict at '${clash}'`);
      }
      paths.push(path);
    }
  }
}

/** The updated copy of `prev` (not yet stored). */
export function updatedDoc(prev: Document, spec: UpdateSpec): Document {
  const { u } = spec;
  assertSupported(u, 'update');
  if (Array.isArray(u)) return applyOperators(prev, u, {}, spec.arrayFilters);
  if (isOperatorUpdate(u)) assertNoConflicts(u);
  if (!isOperatorUpdate(u)) {
    if (Object.keys(u).some((k) => k.startsWith('$'))) throw new CommandError('BadValue', 'update mixes operators and fields');
    return { _id: prev._id, ...u };
  }
  const { $setOnInsert: _ignored, ...ops } = u;
  if (Object.keys(ops).length === 0) return prev;
  return applyOperators(prev, ops, spec.q, spec.arrayFilters);
}

/** The document an upsert inserts. */
export function upsertedDoc(spec: UpdateSpec): Document {
  const { u } = spec;
  assertSupported(u, 'update');
  const seed = seedFromQuery(spec.q);
  if (Array.isArray(u)) return applyOperators(seed, u, {}, spec.arrayFilters);
  if (isOperatorUpdate(u)) assertNoConflicts(u);
  if (!isOperatorUpdate(u)) return seed._id === undefined ? { ...u } : { _id: seed._id, ...u };
  const { $setOnInsert, ...ops } = u;
  let doc = Object.keys(ops).length ? applyOperators(seed, ops, {}, spec.arrayFilters) : seed;
  if ($setOnInsert && Object.keys($setOnInsert as Document).length) doc = applyOperators(doc, { $set: $setOnInsert }, {});
  return doc;
}

/** Updates one stored document; returns the new version and whether it changed. */
export function updateStored(coll: Collection, prev: Document, spec: UpdateSpec): { doc: Document; modified: boolean } {
  const next = updatedDoc(prev, spec);
  if (next === prev || isEqual(next, prev)) return { doc: prev, modified: false };
  coll.replace(prev, next);
  return { doc: next, modified: true };
}

/** A writeErrors entry as mongod sends it (keyPattern/keyValue for duplicates). */
export function writeError(index: number, err: unknown): Document {
  const e = asCommandError(err);
  if (e instanceof CommandError) return { index, code: e.code, codeName: e.codeName, errmsg: e.message, ...e.extra };
  throw err;
}
