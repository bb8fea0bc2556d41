/**
 * Process entry of the offline wire-compatible store:
 * `node dist/store/wire/main.js [--port N] [--max-connections N] [--idle-timeout-ms N] …`
 * (one flag per cap in limits.ts, in kebab case). Prints one JSON line when listening; each
 * closed or refused connection is one JSON line on stderr; SIGTERM/SIGINT close it and exit 0.
 */
import { VERSION } from './context.js';
import { WIRE_LIMITS, type WireLimits } from './limits.js';
import { createWireServer, type WireLogEvent } from './server.js';

/** Log lines per second at most: a flood of bad frames must not turn into a flood of stderr. */
const LOG_LINES_PER_SECOND = 100;

function usage(message: string): never {
  process.stderr.write(`${JSON.stringify({ event: 'error', code: 'ERR_STORE_USAGE', message })}\n`);
  process.exit(2);
}

function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function intFlag(argv: string[], flag: string, min: number, max: number): number | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const text = argv[i + 1];
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min || value > max) usage(`bad ${flag} ${text ?? '(missing)'}`);
  return value;
}

function limitsFromArgv(argv: string[]): Partial<WireLimits> {
  const limits: Partial<WireLimits> = {};
  for (const key of Object.keys(WIRE_LIMITS) as Array<keyof WireLimits>) {
    // Timers cap at 2^31−1 ms (setTimeout's range).
    const value = intFlag(argv, flagName(key), 1, key.endsWith('Ms') ? 2 ** 31 - 1 : Number.MAX_SAFE_INTEGER);
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

/** One JSON line per event on stderr, at most LOG_LINES_PER_SECOND; the rest counted in one line a second later. */
function stderrLog(): (event: WireLogEvent) => void {
  let second = 0;
  let lines = 0;
  let suppressed = 0;
  const flush = (): void => {
    if (suppressed) process.stderr.write(`${JSON.stringify({ event: 'log-suppressed', lines: suppressed })}\n`);
    suppressed = 0;
  };
  return (event) => {
    const now = Math.floor(Date.now() / 1000);
    if (now !== second) {
      second = now;
      lines = 0;
    }
    if (++lines <= LOG_LINES_PER_SECOND) {
      process.stderr.write(`${JSON.stringify(event)}\n`);
    } else if (suppressed++ === 0) {
      // Unref'd: a pending summary never keeps the process alive.
      setTimeout(flush, 1_000).unref();
    }
  };
}

const argv = process.argv.slice(2);
const store = createWireServer({ ...limitsFromArgv(argv), log: stderrLog() });
const port = await store.listen(intFlag(argv, '--port', 0, 65_535) ?? 0);
process.stdout.write(
  `${JSON.stringify({ event: 'listening', engine: 'wire', uri: `mongodb://127.0.0.1:${port}/`, port, pid: process.pid, version: VERSION })}\n`,
);

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  void store.close().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
