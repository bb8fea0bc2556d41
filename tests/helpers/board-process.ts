/**
 * Starts the compiled example board (`node --inspect=127.0.0.1:0 dist/examples/board/main.js`) as
 * a child process, as a user would start their own server, and reads its URL from stdout and its
 * inspector address from stderr. Stopped by PID. Needs `npx tsc -p tsconfig.json` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BOARD_MAIN = fileURLToPath(new URL('../../dist/examples/board/main.js', import.meta.url));
export const BOARD_SCENARIO = fileURLToPath(new URL('../../examples/board/board.scenario.ts', import.meta.url));

export interface BoardProcess {
  readonly url: string;
  /** HOST:PORT of its inspector. */
  readonly inspect: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export function startBoard(options: { leak?: boolean; timeoutMs?: number } = {}): Promise<BoardProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--inspect=127.0.0.1:0', BOARD_MAIN], {
    env: { ...process.env, PORT: '0', BOARD_LEAK: options.leak ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let url: string | undefined;
    let inspect: string | undefined;
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the board did not start within ${options.timeoutMs ?? 20_000} ms:\n${out}\n${err}`));
    }, options.timeoutMs ?? 20_000);
    const check = () => {
      if (!url || !inspect) return;
      clearTimeout(timer);
      resolve({ url, inspect, pid: child.pid!, stop });
    };
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      url ??= /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      check();
    });
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      inspect ??= /ws:\/\/(127\.0\.0\.1:\d+)\//.exec(err)?.[1];
      check();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the board exited (code ${code}):\n${out}\n${err}`));
    });
  });
}
