/**
 * The one place configuration precedence is applied:
 *   defaults < soak.config.ts (file) < scenario < env (SOAK_*) < CLI flags.
 * Everything is validated here, cross-field rules included, before a run starts; every problem
 * is reported at once in a UsageError (exit 2).
 */
import { z } from 'zod';
import { LeakSpecError, parseLeaks, type LeakId } from '../../common/leaks.js';
import { SyntheticLeakSpecError, toSyntheticLeak } from '../../common/synthetic-leak-spec.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';
import { isScenarioFile } from '../../scenarios/scenario-file.js';
import { UsageError } from '../errors.js';
import { clinicUnsupportedReason, isClinicKind } from '../profile/clinic.js';
import { DEFAULTS } from './defaults.js';
import { HTTP_RULE_IDS, RULE_IDS } from '../analysis/rule-types.js';
import { PROFILE_KINDS, type ConfigSource, type ResolvedSoakConfig, type SoakUserConfig } from './types.js';

export interface ConfigLayers {
  readonly file?: SoakUserConfig;
  readonly scenario?: SoakUserConfig;
  readonly env?: SoakUserConfig;
  readonly cli?: SoakUserConfig;
}

/** Facts of the machine that decide whether a config can run; injectable for tests. */
export interface ConfigEnvironment {
  /** `process.version` of the Node that will run the server (the harness's own). */
  readonly nodeVersion: string;
}

const ORDER: readonly Exclude<ConfigSource, 'default'>[] = ['file', 'scenario', 'env', 'cli'];

const ALL_RULE_IDS = [...RULE_IDS, ...HTTP_RULE_IDS] as const;

/** A Prometheus metric name (the text exposition format's grammar). */
const PROMETHEUS_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const positive = (what: string) => z.number({ error: `${what} must be a number` }).finite().positive();

const schema = z
  .object({
    scenario: z.string().refine((name) => Object.hasOwn(SCENARIOS, name) || isScenarioFile(name), {
      message: `unknown scenario (known: ${Object.keys(SCENARIOS).join(', ')}, or a scenario file such as ./my.scenario.ts)`,
    }),
    users: z.number().int('users must be a whole number').min(2, 'users must be at least 2 (messages need a partner)').max(5000),
    hours: positive('hours').max(24 * 14),
    timeScale: z.union([z.literal('auto'), positive('time scale').max(100_000)]),
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    out: z.string().min(1),
    ci: z.boolean(),
    warmupHours: z.number().min(0),
    cooldownHours: z.number().min(0).max(24),
    // Down to 3 simulated seconds: short real-time observations of an outside load need it.
    sampleEveryMinutes: z.number().min(0.05).max(240),
    checkpointEveryHours: z.number({ error: 'checkpointEveryHours must be a number' }).finite().min(0).max(24),
    // At least the settle plus a stable GC; at most a minute (the hold is real time at S = 1).
    checkpointHoldSeconds: z.number({ error: 'checkpointHoldSeconds must be a number' }).finite().min(1).max(60),
    // Up to 2 minutes: the idle readings wait that long for nothing else (once each per run).
    idleSettleSeconds: z.number({ error: 'idleSettleSeconds must be a number' }).finite().min(0).max(120),
    maxWallMinutes: positive('maxWallMinutes'),
    snapshots: z.boolean(),
    store: z.enum(['auto', 'uri', 'memory-server', 'wire']),
    load: z.enum(['vus', 'external']),
    loadCommand: z.string({ error: 'loadCommand must be a command line (text)' }).trim().min(1, 'loadCommand must not be empty').nullable(),
    target: z
      .object({
        url: z.url(),
        inspect: z.string().regex(/^[\w.-]+:\d{1,5}$/, 'inspect must be HOST:PORT'),
        // An http(s) endpoint, or none: an inspector-only soak (nothing scraped; null in the resolved config).
        metrics: z
          .url({ protocol: /^https?$/, error: 'metrics must be an http(s) URL (or left out: an inspector-only soak)' })
          .nullish()
          .transform((url) => url ?? null),
        metricsToken: z.string().min(1).optional(),
      })
      .nullable(),
    http: z.boolean({ error: 'http must be true or false' }),
    profile: z.enum(PROFILE_KINDS, { error: (issue) => `unknown profile '${String(issue.input)}' (known: ${PROFILE_KINDS.join(', ')})` }),
    // A spec string, a number (MiB per simulated hour) or a spec object, normalised to a spec or null.
    syntheticLeak: z.unknown().transform((value, ctx) => {
      try {
        return toSyntheticLeak(value);
      } catch (error) {
        if (!(error instanceof SyntheticLeakSpecError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.message });
        return z.NEVER;
      }
    }),
    // Up to an hour real: anything longer is no timer at all within a soak.
    timerFloorMs: z.number({ error: 'timerFloorMs must be a number of ms' }).finite().min(1).max(3_600_000).nullable(),
    // Up to 1 TiB: past any Node heap (the report's figure only; no rule reads it).
    productionHeadroomMiB: positive('productionHeadroomMiB').max(1024 * 1024),
    // Keys are checked in superRefine, so each bad one is named with its own message.
    rules: z.record(z.string(), z.literal('off', { error: "a rule's setting is 'off' (budgets are set under budgets)" })),
    metricNames: z.record(z.string(), z.string().regex(PROMETHEUS_NAME, 'must be a Prometheus metric name')),
  })
  .superRefine((c, ctx) => {
    for (const id of Object.keys(c.rules)) {
      if (!(ALL_RULE_IDS as readonly string[]).includes(id)) ctx.addIssue({ code: 'custom', path: ['rules', id], message: `unknown rule (known: ${ALL_RULE_IDS.join(', ')})` });
    }
    for (const name of Object.keys(c.metricNames)) {
      if (!PROMETHEUS_NAME.test(name)) ctx.addIssue({ code: 'custom', path: ['metricNames', name], message: 'must be a metric name of the contract (docs/metrics-contract.md)' });
    }
    // clinic wraps the server process it profiles; a --target server was started by someone else.
    if (c.target && isClinicKind(c.profile)) {
      ctx.addIssue({
        code: 'custom',
        path: ['profile'],
        message: `--profile ${c.profile} runs the server under clinic, but with --target the harness does not start the server: start it under clinic yourself, or use --profile heap (works over the inspector)`,
      });
    }
    if (c.target && c.timerFloorMs !== null) {
      ctx.addIssue({ code: 'custom', path: ['timerFloorMs'], message: '--timer-floor sets the reference server\'s and virtual users\' timers; with --target the harness does not start the server' });
    }
    // A --target runs its own timers in real time: it does not join rol-soak's simulated clock,
    // so a fixed scale would drive the users' day S× faster than the server's own timers run,
    // and a leak per real hour would read S× smaller per simulated hour (and pass).
    if (c.target && c.timeScale !== 'auto' && c.timeScale !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeScale'],
        message: `a --target does not run rol-soak's simulated clock, so it runs in real time (S = 1), not --time-scale ${c.timeScale}; to soak it sooner, raise your scenario's rates (the heap is judged per action too, which holds at any pace)`,
      });
    }
    if (c.target && c.syntheticLeak !== null) {
      ctx.addIssue({ code: 'custom', path: ['syntheticLeak'], message: '--synthetic-leak is a switch of the reference server; with --target the harness does not start the server' });
    }
    if (c.warmupHours >= c.hours) {
      ctx.addIssue({ code: 'custom', path: ['warmupHours'], message: `warm-up (${c.warmupHours} h) must be shorter than the soak (${c.hours} h)` });
    }
    // A trend with its confidence interval needs points: at least 8 samples after warm-up
    // (Theil–Sen's CI is undefined below ~6 points; 8 leaves room for the autocorrelation correction).
    const trendSamples = ((c.hours - c.warmupHours) * 60) / c.sampleEveryMinutes;
    if (trendSamples < 8) {
      ctx.addIssue({
        code: 'custom',
        path: ['sampleEveryMinutes'],
        message: `only ${Math.floor(trendSamples)} samples after warm-up; need at least 8 (more hours or a finer sampleEveryMinutes)`,
      });
    }
  });

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  - ${i.path.join('.') || 'config'}: ${i.message}`).join('\n');
}

/**
 * Merges the layers over DEFAULTS, validates, and records where each value came from. `machine`
 * adds the checks that depend on where the run happens (clinic's Node versions).
 */
export function resolveConfig(layers: ConfigLayers, machine: ConfigEnvironment = { nodeVersion: process.version }): ResolvedSoakConfig {
  const merged: Record<string, unknown> = { ...DEFAULTS };
  const sources: Record<string, ConfigSource> = Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, 'default']));
  let budgets = { ...DEFAULTS.budgets };
  for (const source of ORDER) {
    const layer = layers[source];
    if (!layer) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value === undefined) continue;
      if (key === 'syntheticLeakMiBPerHour') {
        throw new UsageError(`config key 'syntheticLeakMiBPerHour' (from ${source}) is now 'syntheticLeak': a number is still MiB per simulated hour, or a spec such as 'action:im.send:64KiB'`);
      }
      if (!(key in DEFAULTS)) throw new UsageError(`unknown config key '${key}' (from ${source})`);
      if (key === 'budgets') {
        budgets = { ...budgets, ...(value as object) };
      } else if (key === 'target' && value !== null && typeof merged[key] === 'object' && merged[key] !== null) {
        // Field by field, so a metricsToken kept in soak.config.ts survives --target URLs on the command line.
        merged[key] = { ...(merged[key] as object), ...(value as object) };
      } else {
        merged[key] = value;
      }
      sources[key] = source;
    }
  }

  let leaks: LeakId[];
  try {
    const raw = merged.leaks;
    leaks = parseLeaks(Array.isArray(raw) ? raw.join(',') : (raw as string | undefined));
  } catch (error) {
    if (error instanceof LeakSpecError) throw new UsageError(error.message);
    throw error;
  }

  const parsed = schema.safeParse(merged);
  if (!parsed.success) throw new UsageError(`invalid configuration:\n${describeIssues(parsed.error)}`);
  // Said plainly, on its own, before anything starts: clinic would otherwise fail obscurely.
  const clinicProblem = isClinicKind(parsed.data.profile) ? clinicUnsupportedReason(machine.nodeVersion) : null;
  if (clinicProblem) throw new UsageError(clinicProblem);
  const load = impliedLoad(parsed.data, sources);
  for (const [key, value] of Object.entries(budgets)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`invalid configuration:\n  - budgets.${key}: must be a non-negative number`);
    }
  }
  return Object.freeze({ ...parsed.data, ...load, leaks: Object.freeze(leaks), budgets: Object.freeze(budgets), sources: Object.freeze(sources) });
}

/**
 * A load command is an outside load: it sets `load: 'external'` (whose source becomes the
 * command's) unless `load: 'vus'` was asked for somewhere, which contradicts it (UsageError).
 */
function impliedLoad(c: { load: 'vus' | 'external'; loadCommand: string | null }, sources: Record<string, ConfigSource>): { load: 'vus' | 'external' } {
  if (c.loadCommand === null) return { load: c.load };
  if (c.load === 'vus' && sources.load !== 'default') {
    throw new UsageError(
      `--load vus (from ${String(sources.load)}) and --load-command (from ${String(sources.loadCommand)}) both describe the load: ` +
        'the command is an outside load (--load external); drop one of them',
    );
  }
  if (c.load === 'vus') sources.load = sources.loadCommand ?? 'default';
  return { load: 'external' };
}
