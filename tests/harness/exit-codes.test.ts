import { describe, expect, it } from 'vitest';
import { EXIT, runExitCode } from '../../harness/exit-codes.js';

describe('runExitCode', () => {
  const ok = { interrupted: false, errorCode: null, status: 'pass', leaks: [] } as const;
  it('follows the verdict when the run ended normally', () => {
    expect(runExitCode(ok)).toBe(EXIT.pass);
    expect(runExitCode({ ...ok, status: 'fail', leaks: ['intervals'] })).toBe(EXIT.fail);
    expect(runExitCode({ ...ok, status: 'inconclusive' })).toBe(EXIT.inconclusive);
  });
  it('reports a failure mid-run as 4 unless the samples already name a leak', () => {
    expect(runExitCode({ ...ok, errorCode: EXIT.failure, status: 'inconclusive' })).toBe(EXIT.failure);
    expect(runExitCode({ ...ok, errorCode: EXIT.failure, status: 'pass' })).toBe(EXIT.failure);
    // A rule failed without a catalogue leak (e.g. http-errors only): still a harness/target failure.
    expect(runExitCode({ ...ok, errorCode: EXIT.failure, status: 'fail', leaks: [] })).toBe(EXIT.failure);
    expect(runExitCode({ ...ok, errorCode: EXIT.failure, status: 'fail', leaks: ['im-listeners'] })).toBe(EXIT.fail);
  });
  it('never hides an interrupt or a usage error', () => {
    expect(runExitCode({ ...ok, interrupted: true, status: 'fail', leaks: ['im-listeners'] })).toBe(EXIT.interrupted);
    expect(runExitCode({ ...ok, errorCode: EXIT.usage, status: 'fail', leaks: ['im-listeners'] })).toBe(EXIT.usage);
  });
});
