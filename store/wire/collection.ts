/**
 * One collection: documents in insertion (natural) order keyed by `_id`, plus its indexes.
 * Unique indexes are enforced; `_id`, unique single-field and the first field of ordinary
 * indexes serve equality filters as a lookup fast path. Stored documents are never mutated in
 * place (updates swap in a new object), so open cursors keep consistent documents.
 */
import { ObjectId, type Document } from 'bson';
import { CommandError } from './command-error.js';
import { equalityOn, inListOn, keyOf, valueAt } from './index-key.js';
import { FieldIndex, lookupFieldOf, UniqueIndex, type IndexSpec } from './indexes.js';

export type { IndexSpec } from './indexes.js';

export function indexNameOf(key: Document): string {
  return Object.entries(key).map(([k, v]) => `${k}_${String(v)}`).join('_');
}

export class Collection {
  readonly docs = new Map<string, Document>();
  readonly indexes: IndexSpec[] = [{ name: '_id_', key: { _id: 1 }, unique: true, sparse: false }];
  private uniques: UniqueIndex[] = [];
  private fieldIndexes = new Map<string, FieldIndex>();

  constructor(
    readonly db: string,
    readonly name: string,
  ) {}

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  private duplicate(index: IndexSpec, doc: Document): CommandError {
    const keyValue: Document = {};
    for (const field of Object.keys(index.key)) keyValue[field] = valueAt(doc, field) ?? null;
    const shown = Object.entries(keyValue).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
    return new CommandError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.ns} index: ${index.name} dup key: { ${shown} }`,
      { keyPattern: index.key, keyValue },
    );
  }

  /** Throws DuplicateKey if `doc` (replacing the document with id key `self`) would collide. */
  private checkUnique(doc: Document, self: string | undefined): void {
    const id = keyOf(doc._id);
    if (id !== self && this.docs.has(id)) throw this.duplicate(this.indexes[0]!, doc);
    for (const index of this.uniques) {
      for (const key of index.keysFor(doc)) {
        const owner = index.entries.get(key);
        if (owner !== undefined && owner !== self) throw this.duplicate(index.spec, doc);
      }
    }
  }

  private indexDoc(doc: Document, id: string, add: boolean): void {
    for (const index of this.fieldIndexes.values()) {
      if (add) index.add(doc, id);
      else index.remove(doc, id);
    }
    for (const index of this.uniques) {
      for (const key of index.keysFor(doc)) {
        if (add) index.entries.set(key, id);
        else if (index.entries.get(key) === id) index.entries.delete(key);
      }
    }
  }

  /** Inserts a document, adding an ObjectId `_id` first when it has none. Returns the stored doc. */
  insert(doc: Document): Document {
    // mongod stores _id as the first field (and generates an ObjectId when it is missing).
    const stored = doc._id === undefined ? { _id: new ObjectId(), ...doc } : Object.keys(doc)[0] === '_id' ? doc : { _id: doc._id, ...doc };
    if (Array.isArray(stored._id)) throw new CommandError('BadValue', 'can\'t use an array for _id');
    this.checkUnique(stored, undefined);
    const id = keyOf(stored._id);
    this.docs.set(id, stored);
    this.indexDoc(stored, id, true);
    return stored;
  }

  /** Swaps `next` in for `prev` (same `_id`), enforcing unique indexes. */
  replace(prev: Document, next: Document): void {
    const id = keyOf(prev._id);
    if (keyOf(next._id) !== id) {
      throw new CommandError('ImmutableField', `Performing an update on the path '_id' would modify the immutable field '_id'`);
    }
    this.checkUnique(next, id);
    this.indexDoc(prev, id, false);
    this.docs.set(id, next);
    this.indexDoc(next, id, true);
  }

  remove(doc: Document): void {
    const id = keyOf(doc._id);
    if (!this.docs.has(id)) return;
    this.indexDoc(doc, id, false);
    this.docs.delete(id);
  }

  /**
   * Documents that may match `filter`: an index hit when the filter has an equality (or `_id`
   * `$in`) an index can answer, else every document. `exact` says the lookup alone answered
   * the filter (its only field was the indexed one), so callers may skip testing it.
   */
  candidates(filter: Document): { docs: Document[]; exact: boolean } {
    return this.lookup(filter, 0) ?? { docs: [...this.docs.values()], exact: Object.keys(filter).length === 0 };
  }

  /** Index candidates for `filter`, or undefined when no index helps (the caller scans). */
  private lookup(filter: Document, depth: number): { docs: Document[]; exact: boolean } | undefined {
    const single = Object.keys(filter).length === 1;
    const byId = this.lookupIds(filter);
    if (byId) return { docs: byId, exact: single };
    for (const index of this.uniques) {
      if (!index.answersLookups) continue;
      const field = index.fields[0]!;
      const value = equalityOn(filter, field);
      if (value === undefined) continue;
      const owner = index.entries.get(keyOf(value));
      const doc = owner === undefined ? undefined : this.docs.get(owner);
      // A multikey (array) value may hold the key without being equal to it: test those.
      const exact = single && doc !== undefined && !Array.isArray(valueAt(doc, field));
      return { docs: doc ? [doc] : [], exact };
    }
    for (const index of this.fieldIndexes.values()) {
      const value = equalityOn(filter, index.field);
      if (value === undefined) continue;
      return { docs: this.byIds(index.lookup(value)), exact: false };
    }
    if (depth < 4) return this.lookupBranches(filter, depth);
    return undefined;
  }

  /** `$and`: any branch's candidates will do. `$or`: the union, if every branch has some. */
  private lookupBranches(filter: Document, depth: number): { docs: Document[]; exact: boolean } | undefined {
    if (Array.isArray(filter.$and)) {
      for (const branch of filter.$and as Document[]) {
        const hit = this.lookup(branch, depth + 1);
        if (hit) return { docs: hit.docs, exact: false };
      }
    }
    if (Array.isArray(filter.$or) && filter.$or.length > 0) {
      const ids = new Set<string>();
      for (const branch of filter.$or as Document[]) {
        const hit = this.lookup(branch, depth + 1);
        if (!hit) return undefined;
        for (const doc of hit.docs) ids.add(keyOf(doc._id));
      }
      return { docs: this.byIds(ids), exact: false };
    }
    return undefined;
  }

  private byIds(ids: Iterable<string>): Document[] {
    const out: Document[] = [];
    for (const id of ids) {
      const doc = this.docs.get(id);
      if (doc) out.push(doc);
    }
    return out;
  }

  private lookupIds(filter: Document): Document[] | undefined {
    const eq = equalityOn(filter, '_id');
    const list = eq === undefined ? inListOn(filter, '_id') : [eq];
    if (!list) return undefined;
    const out: Document[] = [];
    for (const key of new Set(list.map(keyOf))) {
      const doc = this.docs.get(key);
      if (doc) out.push(doc);
    }
    return out;
  }

  /** Adds an index; a unique one is built over existing documents first (fails on duplicates). */
  createIndex(raw: Document): 'created' | 'exists' {
    const key = raw.key as Document | undefined;
    if (!key || typeof key !== 'object' || Object.keys(key).length === 0) {
      throw new CommandError('BadValue', 'index specification must have a non-empty key');
    }
    const name = typeof raw.name === 'string' ? raw.name : indexNameOf(key);
    const spec: IndexSpec = {
      name,
      key,
      unique: raw.unique === true,
      sparse: raw.sparse === true,
      ...(raw.partialFilterExpression ? { partialFilterExpression: raw.partialFilterExpression as Document } : {}),
    };
    const sameName = this.indexes.find((i) => i.name === name);
    const sameKey = this.indexes.find((i) => JSON.stringify(i.key) === JSON.stringify(key));
    if (sameName || sameKey) {
      const existing = (sameName ?? sameKey)!;
      if (JSON.stringify(existing.key) === JSON.stringify(key) && existing.unique === spec.unique && existing.name === name) return 'exists';
      if (sameName) throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index: ${name}`);
      throw new CommandError('IndexOptionsConflict', `Index already exists with a different name or options: ${existing.name}`);
    }
    if (spec.unique) {
      const index = new UniqueIndex(spec);
      for (const [id, doc] of this.docs) {
        for (const k of index.keysFor(doc)) {
          if (index.entries.has(k)) throw this.duplicate(spec, doc);
          index.entries.set(k, id);
        }
      }
      this.uniques.push(index);
    }
    const field = lookupFieldOf(spec);
    if (field !== undefined && !this.fieldIndexes.has(field)) {
      const index = new FieldIndex(field);
      for (const [id, doc] of this.docs) index.add(doc, id);
      this.fieldIndexes.set(field, index);
    }
    this.indexes.push(spec);
    return 'created';
  }

  /** Drops by name, by key pattern, or all but `_id_` with '*'. Returns how many existed before. */
  dropIndex(which: unknown): number {
    const before = this.indexes.length;
    const matches = (i: IndexSpec): boolean =>
      which === '*' ? i.name !== '_id_'
        : typeof which === 'string' ? i.name === which
          : JSON.stringify(i.key) === JSON.stringify(which);
    const doomed = this.indexes.filter(matches);
    if (doomed.length === 0) throw new CommandError('IndexNotFound', `index not found with name [${String(which)}]`);
    if (doomed.some((i) => i.name === '_id_')) throw new CommandError('InvalidOptions', 'cannot drop _id index');
    for (const spec of doomed) {
      this.indexes.splice(this.indexes.indexOf(spec), 1);
      this.uniques = this.uniques.filter((u) => u.spec !== spec);
    }
    const stillServed = new Set(this.indexes.map(lookupFieldOf));
    for (const field of this.fieldIndexes.keys()) if (!stillServed.has(field)) this.fieldIndexes.delete(field);
    return before;
  }
}
