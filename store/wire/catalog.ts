/** Databases and their collections, created implicitly on first write as in MongoDB. */
import { Collection } from './collection.js';
import { CommandError } from './command-error.js';

export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created (empty, with the `_id_` index) when missing. */
  ensure(db: string, name: string): Collection {
    if (!name || name.includes('\u0000') || name.startsWith('system.')) {
      throw new CommandError('BadValue', `Invalid collection name: ${JSON.stringify(name)}`);
    }
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    let coll = colls.get(name);
    if (!coll) {
      coll = new Collection(db, name);
      colls.set(name, coll);
    }
    return coll;
  }

  drop(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    const existed = colls?.delete(name) ?? false;
    if (colls && colls.size === 0) this.dbs.delete(db);
    return existed;
  }

  dropDatabase(db: string): void {
    this.dbs.delete(db);
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  databases(): string[] {
    return [...this.dbs.keys()];
  }
}
