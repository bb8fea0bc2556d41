/**
 * Validation of a user scenario file (zod): every unknown or invalid field is reported at once,
 * each with its path (`phases[1].rates.post: expected number`), and the defaults are filled in.
 * Functions are checked to be functions; what they do is checked when they run.
 */
import { z } from 'zod';
import type { SocketScenario, SocketScenarioInput } from './socket-scenario.js';

export class ScenarioFileError extends Error {
  readonly code = 'ERR_SCENARIO_FILE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFileError';
  }
}

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: 'expected a function' });
const nonNegative = z.number().finite().min(0);
/** Real ms: 1 ms to 10 minutes (a longer wait is a hung server, not a slow one). */
const realTimeout = z.number().finite().min(1).max(600_000);
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names use letters, digits, _ . - only');

const schema = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    population: z.strictObject({ users: z.number().int().min(1).max(100_000), rampMs: nonNegative.optional() }),
    hours: z.number().finite().positive().max(24 * 14).optional(),
    startHourOfDay: z.number().min(0).lt(24).optional(),
    usernamePrefix: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/).optional(),
    auth: z
      .strictObject({
        login: z.strictObject({ path: z.string().startsWith('/'), body: fn, token: fn, timeoutMs: realTimeout.optional() }).optional(),
        handshake: fn.optional(),
      })
      .optional(),
    connection: z
      .strictObject({
        path: z.string().startsWith('/').optional(),
        namespace: z.string().startsWith('/').optional(),
        transports: z.array(z.enum(['websocket', 'polling'])).min(1).optional(),
        timeoutMs: realTimeout.optional(),
      })
      .optional(),
    onConnect: fn.optional(),
    // A period under 1 simulated second is a busy loop, not an app timer.
    timers: z.record(name, z.strictObject({ everyMs: z.number().finite().min(1_000), run: fn })).optional(),
    actions: z.record(name, fn).refine((a) => Object.keys(a).length > 0, 'at least one action'),
    phases: z.array(z.strictObject({ name: z.string().min(1), startHour: z.number().min(0).lt(24), rates: z.record(z.string(), nonNegative) })).min(1),
    thinkTimeMs: z.strictObject({ min: nonNegative, max: nonNegative }).optional(),
    // Checked against each other (warm-up shorter than the soak…) with the rest of the config.
    soak: z.strictObject({
      warmupHours: nonNegative.optional(),
      cooldownHours: nonNegative.optional(),
      sampleEveryMinutes: z.number().finite().positive().optional(),
      checkpointEveryHours: nonNegative.optional(),
      checkpointHoldSeconds: z.number().finite().positive().optional(),
    }).optional(),
  })
  .superRefine((s, ctx) => {
    s.phases.forEach((p, i) => {
      for (const action of Object.keys(p.rates)) {
        if (!Object.hasOwn(s.actions, action)) {
          ctx.addIssue({ code: 'custom', path: ['phases', i, 'rates', action], message: `no action named '${action}' (actions: ${Object.keys(s.actions).join(', ')})` });
        }
      }
    });
    if (s.thinkTimeMs && s.thinkTimeMs.max < s.thinkTimeMs.min) ctx.addIssue({ code: 'custom', path: ['thinkTimeMs', 'max'], message: 'must be >= thinkTimeMs.min' });
  });

/** `phases[1].rates.post` from zod's path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function describe(error: z.ZodError): string {
  return error.issues
    .flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => `  - ${formatPath([...i.path, k])}: unknown field`) : [`  - ${formatPath(i.path) || 'scenario'}: ${i.message}`]))
    .join('\n');
}

/** Validates a scenario file's default export and fills its defaults; throws ScenarioFileError listing every problem. */
export function validateSocketScenario(raw: unknown, source = 'scenario'): SocketScenario {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ScenarioFileError(`invalid scenario ${source}:\n${describe(parsed.error)}`);
  // Keep the user's own object (its functions and closures) and add the defaults.
  const s = raw as SocketScenarioInput;
  const phases = [...s.phases].sort((a, b) => a.startHour - b.startHour);
  return Object.freeze({
    ...s,
    kind: 'socket' as const,
    hours: s.hours ?? 1,
    startHourOfDay: s.startHourOfDay ?? 8,
    usernamePrefix: s.usernamePrefix ?? 'user',
    population: { users: s.population.users, rampMs: s.population.rampMs ?? 0 },
    thinkTimeMs: s.thinkTimeMs ?? { min: 0, max: 0 },
    timers: s.timers ?? {},
    phases,
  });
}
