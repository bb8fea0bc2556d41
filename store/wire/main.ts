/**
 * Process entry of the offline wire-compatible store: `node dist/store/wire/main.js [--port N]`.
 * Prints one JSON line when listening; SIGTERM/SIGINT close it and exit 0.
 */
import { VERSION } from './context.js';
import { createWireServer } from './server.js';

function portFromArgv(argv: string[]): number {
  const i = argv.indexOf('--port');
  const text = i >= 0 ? argv[i + 1] : undefined;
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`${JSON.stringify({ event: 'error', code: 'ERR_STORE_USAGE', message: `bad --port ${text}` })}\n`);
    process.exit(2);
  }
  return port;
}

const store = createWireServer();
const port = await store.listen(portFromArgv(process.argv.slice(2)));
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
