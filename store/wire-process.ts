/**
 * Starts the offline wire store (`store/wire/main.ts`) as a child process and reads its one
 * JSON "listening" line.
 *
 * Which file runs: always the compiled `dist/store/wire/main.js` under plain node. From
 * `dist/store/wire-process.js` that is `./wire/main.js`; when this module is loaded from source
 * (vitest imports `store/*.ts`) the same file is found at `../dist/store/wire/main.js`, so
 * tests need `npx tsc -p tsconfig.json` first (`npm test` builds before running).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { StoreError, type RunningStore } from './store-types.js';

export interface WireStoreOptions {
  /** Give up if the listening line has not arrived after this many ms. @default 10_000 */
  timeoutMs?: number;
  /** Port to listen on (0 = any free port). @default 0 */
  port?: number;
  /** Extra command-line flags, e.g. caps from store/wire/limits.ts (`['--max-connections', '5']`). @default [] */
  args?: string[];
}

/** Ms to wait for exit after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 5_000;

export function wireEntryPath(): string {
  const fromDist = new URL('./wire/main.js', import.meta.url);
  const fromSource = new URL('../dist/store/wire/main.js', import.meta.url);
  const url = import.meta.url.endsWith('.ts') ? fromSource : fromDist;
  return fileURLToPath(url);
}

interface ListeningLine {
  event: 'listening';
  uri: string;
  port: number;
  pid: number;
  version: string;
}

function parseLine(line: string): ListeningLine | undefined {
  try {
    const value = JSON.parse(line) as Partial<ListeningLine>;
    return value.event === 'listening' && typeof value.uri === 'string' && typeof value.version === 'string'
      ? (value as ListeningLine)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function startWireStore(options: WireStoreOptions = {}): Promise<RunningStore> {
  const entry = wireEntryPath();
  if (!existsSync(entry)) {
    throw new StoreError('ERR_STORE_START', `wire store not built: ${entry} is missing (run \`npx tsc -p tsconfig.json\`)`);
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const child = spawn(process.execPath, [entry, '--port', String(options.port ?? 0), ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < 4_000) stderr += text;
  });

  const lines = readline.createInterface({ input: child.stdout });
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await new Promise<ListeningLine>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new StoreError('ERR_STORE_START', `wire store printed no listening line within ${timeoutMs} ms`)),
        timeoutMs,
      );
      lines.on('line', (line) => {
        const parsed = parseLine(line);
        if (parsed) resolve(parsed);
      });
      child.once('error', (err) => reject(new StoreError('ERR_STORE_START', `cannot spawn wire store: ${err.message}`, { cause: err })));
      child.once('exit', (code, signal) =>
        reject(new StoreError('ERR_STORE_START', `wire store exited early (code ${code}, signal ${signal}): ${stderr.trim()}`)),
      );
    });
    let stopped: Promise<void> | undefined;
    return {
      engine: 'wire',
      uri: info.uri,
      version: info.version,
      pid: child.pid ?? info.pid,
      stop() {
        stopped ??= stopChild(child.pid, exited);
        return stopped;
      },
    };
  } catch (err) {
    await stopChild(child.pid, exited);
    throw err;
  } finally {
    clearTimeout(timer);
    lines.close();
    child.stdout.resume(); // keep draining: a full pipe would block the child
  }
}

/** SIGTERM by PID, wait for exit; SIGKILL after STOP_GRACE_MS. */
async function stopChild(pid: number | undefined, exited: Promise<void>): Promise<void> {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), grace]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    await exited;
  }
}
