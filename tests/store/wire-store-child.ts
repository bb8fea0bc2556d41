/**
 * The wire store as its own process with every stderr line kept, for tests that check what it
 * logged (why a connection was closed) and that it logged nothing else (no crash, no rejection).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { wireEntryPath } from '../../store/wire-process.js';
import { waitFor } from './wire-frames.js';

export interface StoreChild {
  uri: string;
  port: number;
  pid: number;
  /** Every stderr line so far. */
  readonly stderr: string[];
  /** True while the process has not exited. */
  alive(): boolean;
  /** Waits (bounded) for a stderr line matching `pattern`; returns it. */
  logged(pattern: RegExp): Promise<string>;
  stop(): Promise<void>;
}

export async function startStoreChild(args: string[] = []): Promise<StoreChild> {
  const child: ChildProcess = spawn(process.execPath, [wireEntryPath(), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let exited = false;
  // 'close', not 'exit': it comes after stderr has been read to its end.
  const exit = new Promise<void>((resolve) => child.once('close', () => {
    exited = true;
    resolve();
  }));
  const stderr: string[] = [];
  readline.createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const listening = await new Promise<{ uri: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`store printed no listening line: ${stderr.join('\n')}`)), 10_000);
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const value = JSON.parse(line) as { event?: string; uri: string; port: number };
        if (value.event === 'listening') {
          clearTimeout(timer);
          resolve(value);
        }
      } catch {
        // not the listening line
      }
    });
    void exit.then(() => reject(new Error(`store exited early: ${stderr.join('\n')}`)));
  });
  return {
    ...listening,
    pid: child.pid!,
    stderr,
    alive: () => !exited,
    async logged(pattern) {
      await waitFor(`a stderr line matching ${pattern}`, () => stderr.some((l) => pattern.test(l)));
      return stderr.find((l) => pattern.test(l))!;
    },
    async stop() {
      if (!exited) child.kill('SIGTERM');
      await exit;
    },
  };
}
