/**
 * Scenario definitions (`defineScenario`): who arrives when, which actions each user does at
 * what rate in which phase of the simulated day, and synchronized bursts. Everything is in
 * simulated time; rates are per user per simulated hour. A scenario is plain data (it crosses
 * into worker threads by structured clone).
 */

export const ACTION_TYPES = [
  'im.open',
  'im.send',
  'window.drag',
  'window.resize',
  'window.close',
  'reload',
  'network.drop',
  'logoff-on',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export type ActionRates = Readonly<Partial<Record<ActionType, number>>>;

export interface PhaseSpec {
  readonly name: string;
  /** Hour of the simulated day (0–24) at which this phase starts; phases repeat daily. */
  readonly startHour: number;
  /** Actions per user per simulated hour. */
  readonly rates: ActionRates;
}

/** REST endpoints the HTTP load (in the harness) drives alongside the virtual users. */
export const HTTP_ENDPOINTS = ['login', 'buddies', 'weather', 'history'] as const;
export type HttpEndpoint = (typeof HTTP_ENDPOINTS)[number];

/**
 * REST traffic per user besides what the virtual users' own clients send (they fetch the weather
 * every 15 simulated minutes): page loads that log in again, buddy lists refreshed, IM history
 * paged when a conversation is opened. Simulated time, like every other rate: the harness turns
 * it into real requests per second as users × requestsPerUserHour / 3600 × time scale.
 */
export interface HttpSpec {
  /** REST requests per user per simulated hour. 0 = no HTTP load. */
  readonly requestsPerUserHour: number;
  /** Relative weights of the endpoints (need not sum to 1); absent = 0. */
  readonly mix: Readonly<Partial<Record<HttpEndpoint, number>>>;
}

/** An action many users do at nearly the same moment (a Wi-Fi outage, a deploy that reloads). */
export interface BurstSpec {
  readonly name: string;
  readonly action: ActionType;
  /** Simulated hours after the start of the load of the first burst. */
  readonly atHour: number;
  /** Repeat period, simulated hours; 0 = once. @default 0 */
  readonly everyHours?: number;
  /** Fraction of users that take part, 0–1. @default 1 */
  readonly share?: number;
  /** Spread of one burst, simulated ms. @default 2000 */
  readonly jitterMs?: number;
}

export interface ScenarioInput {
  readonly name: string;
  readonly description: string;
  /** Users and their arrival: user i arrives at rampMs * i / users (simulated ms). */
  readonly population?: { readonly users?: number; readonly rampMs?: number };
  /** Length of the run, simulated hours. @default 25 */
  readonly hours?: number;
  /** Hour of the day at simulated time 0 of the load. @default 8 */
  readonly startHourOfDay?: number;
  readonly phases: readonly PhaseSpec[];
  readonly bursts?: readonly BurstSpec[];
  /** Minimum simulated ms between two actions of one user (reading, typing), uniform in [min, max]. @default {min: 3000, max: 15000} */
  readonly thinkTimeMs?: { readonly min: number; readonly max: number };
  /** mousemove events per drag or resize. @default 8 */
  readonly dragMoves?: number;
  /** Buddy requests each user sends to the users before it (setup). @default 3 */
  readonly buddiesPerUser?: number;
  /** REST load alongside the virtual users; absent or null = none. @default null */
  readonly http?: HttpSpec | null;
  /** Run settings the scenario proposes (its configuration layer: above soak.config.ts, below env and flags). @default {} */
  readonly soak?: { readonly warmupHours?: number; readonly cooldownHours?: number; readonly sampleEveryMinutes?: number };
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly population: { readonly users: number; readonly rampMs: number };
  readonly hours: number;
  readonly startHourOfDay: number;
  readonly phases: readonly PhaseSpec[];
  readonly bursts: readonly Required<BurstSpec>[];
  readonly thinkTimeMs: { readonly min: number; readonly max: number };
  readonly dragMoves: number;
  readonly buddiesPerUser: number;
  readonly soak: NonNullable<ScenarioInput['soak']>;
  /** Resolved REST load (every endpoint's weight present), or null when the scenario has none. */
  readonly http: { readonly requestsPerUserHour: number; readonly mix: Readonly<Record<HttpEndpoint, number>> } | null;
}

export class ScenarioError extends Error {
  readonly code = 'ERR_SCENARIO' as const;
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const nonNegative = (v: number, what: string): number => {
  if (!Number.isFinite(v) || v < 0) throw new ScenarioError(`${what} must be a finite number >= 0, got ${v}`);
  return v;
};

/** Validates and resolves a scenario; throws ScenarioError naming the bad field. */
export function defineScenario(input: ScenarioInput): Scenario {
  if (!input.name) throw new ScenarioError('a scenario needs a name');
  if (input.phases.length === 0) throw new ScenarioError(`${input.name}: at least one phase is required`);
  const phases = [...input.phases].sort((a, b) => a.startHour - b.startHour);
  for (const p of phases) {
    if (!(p.startHour >= 0 && p.startHour < 24)) throw new ScenarioError(`${input.name}/${p.name}: startHour must be in [0, 24)`);
    for (const [type, rate] of Object.entries(p.rates)) {
      if (!(ACTION_TYPES as readonly string[]).includes(type)) throw new ScenarioError(`${input.name}/${p.name}: unknown action ${type}`);
      nonNegative(rate as number, `${input.name}/${p.name}: rate of ${type}`);
    }
  }
  const think = input.thinkTimeMs ?? { min: 3_000, max: 15_000 };
  if (nonNegative(think.max, 'thinkTimeMs.max') < nonNegative(think.min, 'thinkTimeMs.min')) {
    throw new ScenarioError(`${input.name}: thinkTimeMs.max < thinkTimeMs.min`);
  }
  const users = input.population?.users ?? 100;
  if (!Number.isInteger(users) || users < 1) throw new ScenarioError(`${input.name}: population.users must be an integer >= 1`);
  const hours = input.hours ?? 25;
  if (!(hours > 0)) throw new ScenarioError(`${input.name}: hours must be > 0`);
  const bursts = (input.bursts ?? []).map((b) => {
    if (!(ACTION_TYPES as readonly string[]).includes(b.action)) throw new ScenarioError(`${input.name}/${b.name}: unknown action ${b.action}`);
    const share = b.share ?? 1;
    if (!(share >= 0 && share <= 1)) throw new ScenarioError(`${input.name}/${b.name}: share must be in [0, 1]`);
    return { name: b.name, action: b.action, atHour: nonNegative(b.atHour, 'atHour'), everyHours: nonNegative(b.everyHours ?? 0, 'everyHours'), share, jitterMs: nonNegative(b.jitterMs ?? 2_000, 'jitterMs') };
  });
  return Object.freeze({
    name: input.name,
    description: input.description,
    population: { users, rampMs: nonNegative(input.population?.rampMs ?? 10 * 60_000, 'population.rampMs') },
    hours,
    startHourOfDay: input.startHourOfDay ?? 8,
    phases,
    bursts,
    thinkTimeMs: { min: think.min, max: think.max },
    dragMoves: Math.max(1, Math.round(input.dragMoves ?? 8)),
    buddiesPerUser: Math.max(0, Math.round(input.buddiesPerUser ?? 3)),
    http: resolveHttp(input),
    soak: { ...input.soak },
  });
}

function resolveHttp(input: ScenarioInput): Scenario['http'] {
  const spec = input.http;
  if (!spec) return null;
  const rate = nonNegative(spec.requestsPerUserHour, `${input.name}: http.requestsPerUserHour`);
  for (const key of Object.keys(spec.mix)) {
    if (!(HTTP_ENDPOINTS as readonly string[]).includes(key)) throw new ScenarioError(`${input.name}: unknown http endpoint ${key} (known: ${HTTP_ENDPOINTS.join(', ')})`);
  }
  const mix = Object.fromEntries(HTTP_ENDPOINTS.map((e) => [e, nonNegative(spec.mix[e] ?? 0, `${input.name}: http.mix.${e}`)])) as Record<HttpEndpoint, number>;
  if (rate > 0 && HTTP_ENDPOINTS.every((e) => mix[e] === 0)) throw new ScenarioError(`${input.name}: http.mix needs at least one endpoint with a weight > 0`);
  return rate > 0 ? { requestsPerUserHour: rate, mix } : null;
}

/** The phase in force at `simMs` after the load started, and when it ends (simulated ms). */
export function phaseAt(s: Scenario, simMs: number): { phase: PhaseSpec; endsAtMs: number } {
  const HOUR = 3_600_000;
  const dayHour = (((s.startHourOfDay + simMs / HOUR) % 24) + 24) % 24;
  let i = s.phases.length - 1;
  for (let j = 0; j < s.phases.length; j++) if ((s.phases[j] as PhaseSpec).startHour <= dayHour) i = j;
  const next = s.phases[(i + 1) % s.phases.length] as PhaseSpec;
  let hoursLeft = next.startHour - dayHour;
  if (hoursLeft <= 0) hoursLeft += 24;
  return { phase: s.phases[i] as PhaseSpec, endsAtMs: simMs + hoursLeft * HOUR };
}
