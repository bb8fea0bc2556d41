/**
 * The server process's configuration from env and argv, resolved in one function; precedence:
 * defaults < env < argv flags. Only server/main.ts calls it. Invalid input throws ConfigError
 * (stable `code`), which main maps to exit code 2.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TOKEN_ENV } from '../common/http.js';
import { parseLeaks, type LeakId } from '../common/leaks.js';
import { CLOCK_ENV, EPOCH_PENDING, clockFromEnv, type SimClock } from '../common/sim-clock.js';
import { parseSyntheticLeak, type SyntheticLeakSpec } from '../common/synthetic-leak-spec.js';

export class ConfigError extends Error {
  readonly code = 'ERR_SERVER_CONFIG' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface ServerConfig {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port: number;
  /** @default '127.0.0.1' */
  readonly host: string;
  /** MONGODB_URI; when undefined main resolves a store. */
  readonly mongoUri: string | undefined;
  readonly leaks: LeakId[];
  readonly clock: SimClock;
  /**
   * `SOAK_SIM_EPOCH=pending`: the clock runs on a provisional epoch PENDING_EPOCH_AHEAD_MS ahead
   * (simulated time negative) until POST /soak/clock/start sets the run's. @default false
   */
  readonly clockPending: boolean;
  /** SOAK_CLOCK_TOKEN: the one-time token POST /soak/clock/start needs; required when the clock is pending. @default null */
  readonly clockToken: string | null;
  /** SOAK_METRICS_TOKEN: the bearer token GET /metrics needs. @default undefined (open) */
  readonly metricsToken: string | undefined;
  /** SOAK_JWT_SECRET. @default 32 random bytes, hex */
  readonly jwtSecret: string;
  /**
   * SOAK_SYNTHETIC_LEAK: heap the server keeps on purpose (calibration, server/synthetic-leak.ts),
   * a spec of common/synthetic-leak-spec.ts (`2MiB/h`, `action:im.send:64KiB`, `connect:256KiB`,
   * `tick:presence-ping:4KiB`). The older SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR (a number) still sets
   * the time shape. @default null (off)
   */
  readonly syntheticLeak: SyntheticLeakSpec | null;
}

/**
 * Real ms a pending clock's provisional epoch lies ahead of the server's start. The start request
 * must come within it (the harness sends it after seeding and a heap snapshot: ~6 s for 100
 * users); until then simulated time is negative and only moves forward when the run's epoch is
 * set (common/sim-clock.ts `startAt`).
 */
export const PENDING_EPOCH_AHEAD_MS = 3_600_000;

/** Shortest accepted token: 16 characters, as for SOAK_JWT_SECRET (the harness sends 32 random bytes, hex). */
const MIN_TOKEN_CHARS = 16;

/** Flags: --port N, --host H, --leaks SPEC, --time-scale S (each overrides its env variable). */
export function readConfig(env: Record<string, string | undefined>, argv: readonly string[]): ServerConfig {
  let flags;
  try {
    flags = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        leaks: { type: 'string' },
        'time-scale': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const portText = flags.port ?? env['PORT'] ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new ConfigError(`PORT must be an integer 0-65535, got ${JSON.stringify(portText)}`);
  const host = flags.host ?? env['HOST'] ?? '127.0.0.1';
  let leaks: LeakId[];
  try {
    leaks = parseLeaks(flags.leaks ?? env['SOAK_LEAKS']);
  } catch (err) {
    throw new ConfigError(`SOAK_LEAKS: ${(err as Error).message}`);
  }
  const scaleText = flags['time-scale'] ?? env[CLOCK_ENV.scale];
  if (scaleText !== undefined && scaleText !== '' && !(Number(scaleText) > 0)) {
    throw new ConfigError(`${CLOCK_ENV.scale} must be a positive number, got ${JSON.stringify(scaleText)}`);
  }
  const epochText = env[CLOCK_ENV.epoch];
  const clockPending = epochText === EPOCH_PENDING;
  if (!clockPending && epochText !== undefined && epochText !== '' && !Number.isFinite(Number(epochText))) {
    throw new ConfigError(`${CLOCK_ENV.epoch} must be a number of ms or "${EPOCH_PENDING}", got ${JSON.stringify(epochText)}`);
  }
  let clock: SimClock;
  try {
    const epoch = clockPending ? String(Date.now() + PENDING_EPOCH_AHEAD_MS) : epochText;
    clock = clockFromEnv({ ...env, [CLOCK_ENV.scale]: scaleText, [CLOCK_ENV.epoch]: epoch });
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const mongoUri = env['MONGODB_URI'] || undefined;
  if (mongoUri !== undefined && !/^mongodb(\+srv)?:\/\//.test(mongoUri)) {
    throw new ConfigError('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  }
  const clockToken = env[TOKEN_ENV.clock] || null;
  if (clockPending && clockToken === null) throw new ConfigError(`${CLOCK_ENV.epoch}=${EPOCH_PENDING} needs ${TOKEN_ENV.clock} (the harness generates it)`);
  if (clockToken !== null && clockToken.length < MIN_TOKEN_CHARS) throw new ConfigError(`${TOKEN_ENV.clock} must be at least ${MIN_TOKEN_CHARS} characters`);
  const metricsToken = env[TOKEN_ENV.metrics] || undefined;
  if (metricsToken !== undefined && metricsToken.length < MIN_TOKEN_CHARS) throw new ConfigError(`${TOKEN_ENV.metrics} must be at least ${MIN_TOKEN_CHARS} characters`);
  const jwtSecret = env['SOAK_JWT_SECRET'] || randomBytes(32).toString('hex');
  if (jwtSecret.length < 16) throw new ConfigError('SOAK_JWT_SECRET must be at least 16 characters');
  const syntheticLeak = readSyntheticLeak(env);
  return { port, host, mongoUri, leaks, clock, clockPending, clockToken, metricsToken, jwtSecret, syntheticLeak };
}

/** SOAK_SYNTHETIC_LEAK (a spec), or the older SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR (a number); not both on. */
function readSyntheticLeak(env: Record<string, string | undefined>): SyntheticLeakSpec | null {
  const specText = env['SOAK_SYNTHETIC_LEAK'] ?? '';
  const mibText = env['SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR'] ?? '';
  if (mibText !== '') {
    const mib = Number(mibText);
    if (!(mib >= 0) || !Number.isFinite(mib)) {
      throw new ConfigError(`SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR must be a non-negative number of MiB, got ${JSON.stringify(mibText)}`);
    }
    if (specText !== '' && mib > 0) throw new ConfigError('set SOAK_SYNTHETIC_LEAK or SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR, not both');
  }
  const [name, text] = specText !== '' ? ['SOAK_SYNTHETIC_LEAK', specText] : ['SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR', mibText];
  try {
    return parseSyntheticLeak(text);
  } catch (err) {
    throw new ConfigError(`${name}: ${(err as Error).message}`);
  }
}
