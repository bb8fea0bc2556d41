/**
 * What the server fuzz suites share: the case count (FUZZ_RUNS, default 10,000 in `npm test`;
 * `npm run fuzz` sets 100,000), a fixed seed, the time bound of each property, and the checks
 * made on the server process afterwards.
 */
import { expect } from 'vitest';
import type { ServerProcess } from '../helpers/server-process.js';
import { call, loginAndConnect } from '../server/client.js';

/** Cases per target. */
export const FUZZ_RUNS = Number(process.env['FUZZ_RUNS'] ?? 10_000);
/** Fixed, so a failure replays; FUZZ_SEED overrides it to explore further. */
export const FUZZ_SEED = Number(process.env['FUZZ_SEED'] ?? 17);
/**
 * Real ms a property may run before fast-check stops it (the cases run so far still count): a
 * bound, not a target. 20 ms per case is ~4× what a case took here on a shared 2-core machine.
 */
export const FUZZ_TIME_LIMIT_MS = Number(process.env['FUZZ_TIME_LIMIT_MS'] ?? Math.max(120_000, FUZZ_RUNS * 20));
/** vitest's timeout for a property: its time bound plus setup and the checks after it. */
export const FUZZ_TEST_TIMEOUT_MS = FUZZ_TIME_LIMIT_MS + 60_000;

/** Lines that mean something escaped a handler (Node's own wording for the two). */
const ESCAPED = /Uncaught|Unhandled|unhandledRejection|uncaughtException|ERR_HTTP_HEADERS_SENT/;

/**
 * After a fuzz run: the process is alive, printed nothing that escaped a handler, logged no
 * internal failure, and still serves a normal login and a socket call correctly.
 */
export async function expectServerHealthy(server: ServerProcess): Promise<void> {
  expect(server.exitCode()).toBeUndefined();
  expect(server.stderr()).not.toMatch(ESCAPED);
  expect(server.stderr()).not.toMatch(/ failed: /);
  const user = await loginAndConnect(server.url, 'fuzzcheck');
  try {
    expect(await call(user.socket.emitWithAck('buddy:list'))).toEqual([]);
    const { at } = await call(user.socket.emitWithAck('presence:ping'));
    expect(Number.isNaN(Date.parse(at))).toBe(false);
  } finally {
    user.socket.close();
  }
}
