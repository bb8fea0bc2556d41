/**
 * Reads with mingo semantics: find (filter, sort, skip, limit, projection) over a collection's
 * index candidates, and aggregation pipelines with `$lookup` resolved against the same db.
 */
import type { Document } from 'bson';
import { Aggregator, ProcessingMode, Query } from 'mingo';
import { Context } from 'mingo/core';
import * as projectionOperators from 'mingo/operators/projection';
import * as queryOperators from 'mingo/operators/query';
import { Query as BareQuery } from 'mingo/query';
import type { Catalog } from './catalog.js';
import type { Collection } from './collection.js';
import { assertSupported, CommandError } from './command-error.js';

export interface FindOptions {
  sort?: Document;
  skip?: number;
  limit?: number;
  projection?: Document;
}

function nonEmpty(doc: unknown): Document | undefined {
  return doc && typeof doc === 'object' && Object.keys(doc).length > 0 ? (doc as Document) : undefined;
}

/** mingo errors (bad operator, bad path) become BadValue replies instead of crashing the connection. */
export function asCommandError(err: unknown): unknown {
  if (err instanceof CommandError) return err;
  if (err instanceof Error) return new CommandError('BadValue', err.message);
  return err;
}

/**
 * mingo's default Query copies its whole operator context (every expression, pipeline and
 * accumulator operator) on each construction: ~35 µs of store CPU per filter or projection,
 * measured, more than testing the documents. Filters and projections that use only query and
 * projection operators (all the app and mongoose send) get a Query over just those; anything
 * else (`$expr`, expressions in a projection) keeps the full default context.
 */
/** Query operators that evaluate aggregation expressions, so need the full context. */
const EXPRESSION_QUERY_OPERATORS = new Set(['$expr', '$where', '$function', '$jsonSchema']);
const LEAN_QUERY_OPERATORS = new Set(Object.keys(queryOperators).filter((k) => !EXPRESSION_QUERY_OPERATORS.has(k)));
/** scriptEnabled false: defence in depth behind assertSupported's refusal of server-side JavaScript. */
const NO_SCRIPTS = { scriptEnabled: false } as const;
const LEAN_OPTIONS = { ...NO_SCRIPTS, context: Context.init({ query: queryOperators, projection: projectionOperators }) };

function plainObject(value: unknown): value is Document {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value as { _bsontype?: string })._bsontype && !(value instanceof Date);
}

/** True when every `$` key in a filter is a query operator that needs no expressions. Depth-bounded. */
function leanFilter(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object' || (value as { _bsontype?: string })._bsontype) return true;
  if (depth > 32) return false;
  if (Array.isArray(value)) return value.every((v) => leanFilter(v, depth + 1));
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith('$') && !LEAN_QUERY_OPERATORS.has(key)) return false;
    if (!leanFilter(inner, depth + 1)) return false;
  }
  return true;
}

/**
 * True for a projection of inclusions/exclusions, sub-document projections, `$slice` and
 * `$elemMatch` (with a lean filter); any other value is an aggregation expression.
 */
function leanProjection(projection: Document, depth = 0): boolean {
  if (depth > 32) return false;
  for (const value of Object.values(projection)) {
    if (typeof value === 'number' || typeof value === 'boolean') continue;
    if (!plainObject(value)) return false;
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === '$slice') continue;
    if (keys.length === 1 && keys[0] === '$elemMatch') {
      if (!leanFilter(value.$elemMatch)) return false;
      continue;
    }
    if (keys.some((k) => k.startsWith('$')) || !leanProjection(value, depth + 1)) return false;
  }
  return true;
}

/** A mingo Query for `filter`, over the lean context when `filter` and `projection` allow it. */
function queryFor(filter: Document, projection?: Document): Query {
  const lean = leanFilter(filter) && (projection === undefined || leanProjection(projection));
  return lean ? (new BareQuery(filter, LEAN_OPTIONS) as Query) : new Query(filter, NO_SCRIPTS);
}

/** A compiled matcher; `{}` matches everything without mingo's per-document cost. */
export function matcher(filter: Document | undefined): (doc: Document) => boolean {
  const f = nonEmpty(filter);
  if (!f) return () => true;
  assertSupported(f, 'filter');
  try {
    const q = queryFor(f);
    return (doc) => q.test(doc);
  } catch (err) {
    throw asCommandError(err);
  }
}

/** Matching documents in natural order (stored objects, not copies). */
export function matching(coll: Collection | undefined, filter: Document | undefined): Document[] {
  if (!coll) return [];
  const f = filter ?? {};
  const { docs, exact } = coll.candidates(f);
  if (exact) return docs;
  const test = matcher(f);
  return docs.filter(test);
}

export function find(coll: Collection | undefined, filter: Document | undefined, opts: FindOptions = {}): Document[] {
  let docs = matching(coll, filter);
  const sort = nonEmpty(opts.sort);
  const projection = nonEmpty(opts.projection);
  if (sort && '$natural' in sort) {
    if (sort.$natural === -1) docs = docs.reverse();
    delete sort.$natural;
  }
  if (!nonEmpty(sort) && !projection) {
    const start = opts.skip ?? 0;
    return opts.limit ? docs.slice(start, start + opts.limit) : docs.slice(start);
  }
  if (projection) assertSupported(projection, 'projection');
  try {
    let cursor = queryFor({}, projection).find<Document>(docs, projection);
    if (nonEmpty(sort)) cursor = cursor.sort(sort as Record<string, 1 | -1>);
    if (opts.skip) cursor = cursor.skip(opts.skip);
    if (opts.limit) cursor = cursor.limit(opts.limit);
    return cursor.all();
  } catch (err) {
    throw asCommandError(err);
  }
}

/** One document through a projection. */
export function projectOne(doc: Document, projection: Document): Document {
  assertSupported(projection, 'projection');
  try {
    return queryFor({}, projection).find<Document>([doc], projection).all()[0] ?? doc;
  } catch (err) {
    throw asCommandError(err);
  }
}

/**
 * countDocuments' tail `{$group: {_id: <constant>, n: {$sum: 1}}}` answered without cloning the
 * matched documents (CLONE_INPUT would copy every one just to count them).
 */
function countShortcut(rest: Document[], input: Document[]): Document[] | undefined {
  if (rest.length !== 1) return undefined;
  const group = rest[0]!.$group as Document | undefined;
  if (!group || Object.keys(rest[0]!).length !== 1 || Object.keys(group).length !== 2) return undefined;
  const id: unknown = group._id;
  const [field] = Object.keys(group).filter((k) => k !== '_id');
  const acc = field ? (group[field] as Document | undefined) : undefined;
  const constantId = id === null || typeof id === 'number' || (typeof id === 'string' && !id.startsWith('$'));
  if (!field || !constantId || !acc || Object.keys(acc).length !== 1 || acc.$sum !== 1) return undefined;
  return input.length === 0 ? [] : [{ _id: id, [field]: input.length }];
}

export function aggregate(catalog: Catalog, coll: Collection | undefined, pipeline: Document[]): Document[] {
  assertSupported(pipeline, 'pipeline');
  const db = coll?.db ?? '';
  // A leading $match goes through the index fast path before mingo sees the rest.
  let input: Document[];
  let rest = pipeline;
  const head = pipeline[0];
  if (head && '$match' in head) {
    input = matching(coll, head.$match as Document);
    rest = pipeline.slice(1);
  } else {
    input = [...(coll?.docs.values() ?? [])];
  }
  if (rest.length === 0) return input;
  const counted = countShortcut(rest, input);
  if (counted) return counted;
  try {
    const agg = new Aggregator(rest, {
      ...NO_SCRIPTS,
      // Clone inputs: stages such as $addFields must never touch stored documents.
      processingMode: ProcessingMode.CLONE_INPUT,
      collectionResolver: (name: string) => [...(catalog.get(db, name)?.docs.values() ?? [])],
    });
    return agg.run(input) as Document[];
  } catch (err) {
    throw asCommandError(err);
  }
}
