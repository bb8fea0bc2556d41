/**
 * Index keys: a value's identity as a string, so `_id` and unique-field lookups are Map hits
 * instead of scans (a full scan measured ~20× slower). Equal BSON values give equal strings;
 * null and missing share one key, as in a MongoDB unique index.
 */
import { EJSON, type Document, type ObjectId } from 'bson';
import { resolve } from 'mingo/util';

export function keyOf(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `s${value}`;
    case 'number':
      return `n${value}`;
    case 'boolean':
      return `b${value}`;
    case 'undefined':
      return 'z';
  }
  if (value === null) return 'z';
  if (value instanceof Date) return `d${value.getTime()}`;
  if ((value as { _bsontype?: string })._bsontype === 'ObjectId') return `o${(value as ObjectId).toHexString()}`;
  return `j${EJSON.stringify(value as Document, { relaxed: false })}`;
}

/** Value at a dotted path (undefined when missing). */
export function valueAt(doc: Document, path: string): unknown {
  if (!path.includes('.')) return doc[path];
  return resolve(doc, path);
}

/** A scalar that an index lookup can answer exactly (no operators, regexes, arrays, sub-documents, null). */
export function isIndexableScalar(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'object') return true;
  if (value instanceof Date) return true;
  return (value as { _bsontype?: string })._bsontype === 'ObjectId';
}

/**
 * The equality value a filter puts on `field`, or undefined when it has none an index can use:
 * `{field: v}` or `{field: {$eq: v}}` with a scalar v.
 */
export function equalityOn(filter: Document, field: string): unknown {
  const cond: unknown = filter[field];
  if (isIndexableScalar(cond)) return cond;
  if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
    const keys = Object.keys(cond);
    if (keys.length === 1 && keys[0] === '$eq' && isIndexableScalar((cond as Document).$eq)) return (cond as Document).$eq;
  }
  return undefined;
}

/** `{field: {$in: [scalars]}}` → the list, else undefined. */
export function inListOn(filter: Document, field: string): unknown[] | undefined {
  const cond: unknown = filter[field];
  if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return undefined;
  const keys = Object.keys(cond);
  const list: unknown = (cond as Document).$in;
  if (keys.length !== 1 || !Array.isArray(list) || !list.every(isIndexableScalar)) return undefined;
  return list;
}
