/**
 * Reads newline-delimited output of a child process: waits for the first line that matches,
 * keeps a bounded tail of everything for error messages (so a crash says why).
 */
import type { Readable } from 'node:stream';

export class LineTail {
  readonly #lines: string[] = [];
  constructor(readonly max = 40) {}
  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.max) this.#lines.shift();
  }
  text(): string {
    return this.#lines.join('\n');
  }
}

/** Calls `onLine` for each complete line of the stream. */
export function eachLine(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl).replace(/\r$/, ''));
      buffer = buffer.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (buffer !== '') onLine(buffer);
  });
}
