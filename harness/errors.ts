/**
 * One error class per kind of failure, each with a stable `code` and the exit code it maps to.
 */
import { EXIT, type ExitCode } from './exit-codes.js';

export abstract class SoakError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
}

/** Bad flags, bad config file, bad input path: the user can fix it. Exit 2. */
export class UsageError extends SoakError {
  readonly code = 'ERR_USAGE';
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The measured server, the store, the load process or a requested profiler failed. Exit 4. */
export class TargetError extends SoakError {
  readonly code: 'ERR_TARGET' | 'ERR_SERVER_CRASHED' | 'ERR_STORE' | 'ERR_LOAD' | 'ERR_PROFILE';
  readonly exitCode = EXIT.failure;
  constructor(code: TargetError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'TargetError';
  }
}

/** SIGINT/SIGTERM during a run. Exit 130. */
export class InterruptedError extends SoakError {
  readonly code = 'ERR_INTERRUPTED';
  readonly exitCode = EXIT.interrupted;
  constructor(signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'InterruptedError';
  }
}

/** Exit code for anything thrown: SoakErrors carry theirs, anything else is a harness failure. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof SoakError) return error.exitCode;
  if (error && typeof error === 'object' && 'code' in error && (error as { code: unknown }).code === 'ERR_LEAK_SPEC') {
    return EXIT.usage;
  }
  return EXIT.failure;
}
