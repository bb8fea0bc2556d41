/**
 * A hung inspector call names what the target process was doing: parsed from the real /proc of
 * real processes (this one, a sleeping child, a stopped one), and carried into the timeout's message.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InspectorProbe } from '../../harness/probes/inspector-probe.js';
import { describeProcess, parseProcStat } from '../../harness/probes/process-state.js';
import { startTarget } from './target-process.js';

const linux = process.platform === 'linux';

describe('parseProcStat', () => {
  it('reads state, CPU and threads after a command name holding spaces and parentheses', () => {
    // Fields 3…20 of a real line's layout: state, ppid, pgrp, session, tty, tpgid, flags, minflt,
    // cminflt, majflt, cmajflt, utime, stime, cutime, cstime, priority, nice, num_threads.
    const line = '4242 (node (my) app) S 1 4242 4242 0 -1 4194304 900 0 0 0 250 37 0 0 20 0 11 0 123 456';
    expect(parseProcStat(line)).toEqual({ state: 'S', cpuTicks: 287, threads: 11 });
    expect(parseProcStat('no parentheses here')).toBeNull();
    expect(parseProcStat('1 (x) R 1 2')).toBeNull();
  });

  it.runIf(linux)('reads this very process: running, with its threads and some CPU', () => {
    const s = parseProcStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(s?.state).toBe('R');
    expect(s?.threads).toBeGreaterThan(1);
    expect(s?.cpuTicks).toBeGreaterThan(0);
  });
});

describe.runIf(linux)('describeProcess on real processes', () => {
  it('tells a sleeping process from a stopped one, and a gone one', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
    const pid = child.pid!;
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(describeProcess(pid)).toMatch(new RegExp(`^process ${pid}: S \\(sleeping\\), CPU \\d+\\.\\d\\d s, \\d+ threads`));
      process.kill(pid, 'SIGSTOP');
      await new Promise((r) => setTimeout(r, 100));
      expect(describeProcess(pid)).toMatch(/: T \(stopped \(a signal\)\)/);
    } finally {
      process.kill(pid, 'SIGCONT');
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    expect(describeProcess(pid)).toMatch(/not found in \/proc/);
  });

  it('puts the target\'s state into the message of an inspector call that timed out', async () => {
    const target = await startTarget();
    const pid = target.child.pid!;
    const probe = await InspectorProbe.connect(target.wsUrl, { callTimeoutMs: 1_500, describeTarget: () => describeProcess(pid) });
    try {
      process.kill(pid, 'SIGSTOP');
      await expect(probe.sample()).rejects.toThrow(new RegExp(`took longer than 1500 ms; process ${pid}: T \\(stopped`));
    } finally {
      process.kill(pid, 'SIGCONT');
      await probe.close();
      await target.stop();
    }
  });
});
