/**
 * In-memory index structures. A UniqueIndex enforces uniqueness (and answers exact lookups
 * when it is a plain single-field index); a FieldIndex maps the first field of any ordinary
 * index to the documents holding each value, so equality filters on indexed fields (message
 * history by thread, buddies by user) read a few candidates instead of scanning.
 */
import type { Document } from 'bson';
import { Query } from 'mingo';
import { assertSupported } from './command-error.js';
import { keyOf, valueAt } from './index-key.js';

export interface IndexSpec {
  name: string;
  key: Document;
  unique: boolean;
  sparse: boolean;
  partialFilterExpression?: Document;
}

/** Nested arrays deeper than this are not expanded into index keys (mongod refuses them anyway). */
const MAX_ARRAY_DEPTH = 8;

function pushScalars(value: unknown, out: Set<string>, depth: number): void {
  if (Array.isArray(value) && depth < MAX_ARRAY_DEPTH) {
    for (const v of value) pushScalars(v, out, depth + 1);
  } else {
    out.add(keyOf(value));
  }
}

/** A unique index: key string → `_id` key of the owning document. */
export class UniqueIndex {
  readonly fields: string[];
  readonly entries = new Map<string, string>();
  private readonly partial: Query | undefined;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    if (spec.partialFilterExpression) assertSupported(spec.partialFilterExpression, 'partialFilterExpression');
    this.partial = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, { scriptEnabled: false }) : undefined;
  }

  /** The keys a document occupies (several when a single indexed field holds an array). */
  keysFor(doc: Document): string[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const values = this.fields.map((f) => valueAt(doc, f));
    if (this.spec.sparse && values.every((v) => v === undefined)) return [];
    if (this.fields.length === 1 && Array.isArray(values[0])) {
      const arr = values[0] as unknown[];
      return arr.length ? [...new Set(arr.map(keyOf))] : ['z'];
    }
    return [values.map(keyOf).join('\u0000')];
  }

  /** Usable for a lookup: a plain (not partial/sparse) single-field index. */
  get answersLookups(): boolean {
    return this.fields.length === 1 && !this.partial && !this.spec.sparse;
  }
}

/**
 * Value key → `_id` keys of the documents whose `field` equals (or, for arrays, contains) it.
 * Only scalar equality uses it, so null/missing values are not stored. Candidates only: the
 * caller always tests the full filter.
 */
export class FieldIndex {
  readonly entries = new Map<string, Set<string>>();

  constructor(readonly field: string) {}

  private keysFor(doc: Document): Set<string> {
    const keys = new Set<string>();
    pushScalars(valueAt(doc, this.field), keys, 0);
    keys.delete('z');
    return keys;
  }

  add(doc: Document, id: string): void {
    for (const key of this.keysFor(doc)) {
      let ids = this.entries.get(key);
      if (!ids) {
        ids = new Set();
        this.entries.set(key, ids);
      }
      ids.add(id);
    }
  }

  remove(doc: Document, id: string): void {
    for (const key of this.keysFor(doc)) {
      const ids = this.entries.get(key);
      if (!ids) continue;
      ids.delete(id);
      if (ids.size === 0) this.entries.delete(key);
    }
  }

  lookup(value: unknown): ReadonlySet<string> {
    return this.entries.get(keyOf(value)) ?? new Set();
  }
}

/** The field a FieldIndex can serve for this spec, if any (ascending/descending, not partial/sparse). */
export function lookupFieldOf(spec: IndexSpec): string | undefined {
  const [first] = Object.entries(spec.key);
  if (!first || spec.partialFilterExpression || spec.sparse) return undefined;
  if (first[1] !== 1 && first[1] !== -1) return undefined; // text, 2dsphere, hashed: different semantics
  if (spec.unique && Object.keys(spec.key).length === 1) return undefined; // the UniqueIndex answers exactly
  return first[0];
}
