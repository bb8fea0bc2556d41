/**
 * Runs the real CLI (`node dist/harness/cli.js`) as a child process, as a user would, and
 * collects its exit code, output and the run folder it reports.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../harness/analysis/report-types.js';

export const CLI = join(import.meta.dirname, '../../dist/harness/cli.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly runDir: string | null;
  report(): Report;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Called with the child once it runs (to send it a signal). */
  readonly onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** Kill it (SIGKILL) after this many ms; a test's safety net, not its assertion. */
  readonly killAfterMs?: number;
  /** Start it in its own process group (as a shell does), so a test can signal the group like a terminal's Ctrl+C. */
  readonly processGroup?: boolean;
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd,
      // The idle readings wait 0.5 s of a quiet heap instead of 10: about 20 s less per soak, which
      // the suite's dozens of soaks need to fit CI; tests/probes/inspector-probe.test.ts checks the
      // idle wait itself on a real target.
      env: { ...process.env, SOAK_STORE: 'wire', SOAK_IDLE_SETTLE_S: '0.5', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.processGroup ?? false,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 240_000);
    options.onSpawn?.(child);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(killer);
      const m = /^report(?: folder)?: (.+)$/m.exec(stdout);
      const runDir = m?.[1]?.trim() ?? null;
      resolve({
        code,
        stdout,
        stderr,
        runDir,
        report: () => {
          if (!runDir || !existsSync(join(runDir, 'report.json'))) throw new Error(`no report.json; stdout:\n${stdout}\nstderr:\n${stderr}`);
          return JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
        },
      });
    });
  });
}
