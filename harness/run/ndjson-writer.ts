/**
 * Appends one JSON object a line, synchronously: a sample is on disk the moment it is taken, so
 * a run that dies (or is killed) still leaves its data. At one sample every ~1–2 s of a few KB,
 * a synchronous append costs well under a millisecond.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

export class NdjsonWriter<T> {
  #count = 0;
  constructor(readonly path: string) {
    writeFileSync(path, '');
  }
  write(record: T): void {
    appendFileSync(this.path, JSON.stringify(record) + '\n');
    this.#count++;
  }
  get count(): number {
    return this.#count;
  }
}

/** Reads an ndjson file back; a torn last line (the run died mid-write) is skipped, not fatal. */
export function readNdjson<T>(file: string): { records: T[]; skipped: number } {
  const records: T[] = [];
  let skipped = 0;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}
