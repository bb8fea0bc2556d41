/**
 * Finds the V8 inspector WebSocket URL of a server: from the stderr line Node prints when started
 * with `--inspect=127.0.0.1:0` (reference server), or from `http://HOST:PORT/json/list` when the
 * user passes `--inspect HOST:PORT` for a server that is already running (target mode).
 */
import { ProbeError, asProbeError } from './probe-error.js';

/** Node prints this on stderr once the inspector listens; the UUID is the target id. Matched only
 * once the line ends, so a URL split across chunks is never read half-way. */
const LISTENING_RE = /Debugger listening on (ws:\/\/\S+)\s/;
/** Keep at most this many characters of stderr for the error message (bytes of text, not lines). */
const STDERR_TAIL_CHARS = 2_000;

/**
 * Resolves with the `ws://…` URL once the child's stderr announces it. Only listens (does not
 * consume): other `data` listeners still see every chunk. Rejects with `ERR_INSPECTOR_URL` on
 * timeout or when stderr ends first.
 */
export function waitForInspectorUrl(stderr: NodeJS.ReadableStream, timeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let seen = '';
    const finish = (err: ProbeError | null, url?: string): void => {
      clearTimeout(timer);
      stderr.removeListener('data', onData);
      stderr.removeListener('end', onEnd);
      stderr.removeListener('error', onError);
      if (err) reject(err);
      else resolve(url as string);
    };
    const onData = (chunk: Buffer | string): void => {
      seen = (seen + chunk.toString()).slice(-STDERR_TAIL_CHARS);
      const m = LISTENING_RE.exec(seen);
      if (m?.[1]) finish(null, m[1]);
    };
    const fail = (why: string): void =>
      finish(new ProbeError('ERR_INSPECTOR_URL', `${why}; stderr so far: ${JSON.stringify(seen.slice(-500))}`));
    const onEnd = (): void => fail('stderr ended before the inspector announced its URL');
    const onError = (e: Error): void => fail(`stderr failed (${e.message})`);
    const timer = setTimeout(() => fail(`no inspector URL within ${timeoutMs} ms`), timeoutMs);
    timer.unref();
    stderr.on('data', onData);
    stderr.once('end', onEnd);
    stderr.once('error', onError);
  });
}

/** `HOST:PORT`, `PORT` or `ws://…` → `{ host, port }` (a ws URL is returned untouched by the caller). */
export function splitHostPort(arg: string): { host: string; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]+)):)?(\d+)$/.exec(arg.trim());
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new ProbeError('ERR_INSPECTOR_CONNECT', `--inspect expects HOST:PORT, got ${JSON.stringify(arg)}`);
  }
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

interface JsonListEntry {
  readonly type?: string;
  readonly webSocketDebuggerUrl?: string;
}

/**
 * Target mode: asks `http://HOST:PORT/json/list` for the first node target's WebSocket URL.
 * Accepts `HOST:PORT`, `PORT`, or an already-resolved `ws://…` URL (returned as is).
 */
export async function parseInspectArg(arg: string, timeoutMs = 5_000): Promise<string> {
  if (/^wss?:\/\//.test(arg)) return arg;
  const { host, port } = splitHostPort(arg);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const url = `http://${hostPart}:${port}/json/list`;
  let list: JsonListEntry[];
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    list = (await res.json()) as JsonListEntry[];
  } catch (err) {
    throw asProbeError('ERR_INSPECTOR_CONNECT', `inspector discovery at ${url} failed`, err);
  }
  const entry = list.find((t) => t.webSocketDebuggerUrl && (t.type ?? 'node') === 'node') ?? list[0];
  if (!entry?.webSocketDebuggerUrl) {
    throw new ProbeError('ERR_INSPECTOR_CONNECT', `${url} lists no debuggable target (is a debugger already attached?)`);
  }
  return entry.webSocketDebuggerUrl;
}
