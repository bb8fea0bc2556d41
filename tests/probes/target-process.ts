/** Starts the fixture server under `--inspect=127.0.0.1:0` and stops it, by its own pid only. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { waitForInspectorUrl } from '../../harness/probes/inspector-url.js';

export const FIXTURE = fileURLToPath(new URL('./fixtures/target.mjs', import.meta.url));

export interface Target {
  readonly child: ChildProcessWithoutNullStreams;
  readonly wsUrl: string;
  readonly base: string;
  get(path: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTarget(extraArgs: string[] = []): Promise<Target> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', ...extraArgs, FIXTURE], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const wsUrl = await waitForInspectorUrl(child.stderr, 10_000);
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const { port } = JSON.parse(line.toString()) as { port: number };
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    wsUrl,
    base,
    async get(path) {
      const res = await fetch(base + path);
      return res.text();
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
