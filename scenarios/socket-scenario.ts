/**
 * The user scenario file's shape (`defineScenario` in the public entry, index.ts): the traffic of
 * the user's own socket.io app, for socket-only virtual users (scenarios/socket-vu-worker.ts).
 * Everything a user does is in simulated time (arrivals, phases, rates, timer periods, think
 * times); only time-outs are real ms, because they wait for the server, which runs in real time.
 * A file is validated by scenarios/socket-scenario-schema.ts when it is loaded.
 */

/** The account a virtual user plays: index 0…users-1 and a name derived from it. */
export interface ScenarioUser {
  readonly index: number;
  /** `<usernamePrefix><index, 5 digits>`, e.g. `user00042`. */
  readonly name: string;
}

/** What the socket.io handshake carries (socket.io-client's `auth`, `query`, `extraHeaders`). */
export interface Handshake {
  readonly auth?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** An HTTP login before the socket connects: POST `path` with `body(user)`; `token(reply)` picks the token. */
export interface LoginStep {
  /** Path on the target, e.g. `/api/login`. */
  readonly path: string;
  /** JSON body of the request. */
  readonly body: (user: ScenarioUser) => unknown;
  /** The token out of the parsed JSON reply; throw or return '' when the reply is not a success. */
  readonly token: (reply: unknown) => string;
  /** Real ms before the login counts as failed. @default 10000 */
  readonly timeoutMs?: number;
}

export interface AuthSpec {
  readonly login?: LoginStep;
  /** The handshake of each connection; `token` is the login's (null without a login step). */
  readonly handshake?: (user: ScenarioUser, token: string | null) => Handshake;
}

export interface ConnectionSpec {
  /** socket.io's HTTP path. @default '/socket.io' */
  readonly path?: string;
  /** Namespace. @default '/' */
  readonly namespace?: string;
  /** @default ['websocket'] (no long-polling: cheaper per user, and what browsers end up on) */
  readonly transports?: ReadonlyArray<'websocket' | 'polling'>;
  /** Real ms a connection may take before it counts as failed. @default 10000 */
  readonly timeoutMs?: number;
}

export interface EmitOptions {
  /** Wait for the server's acknowledgement and return it. */
  readonly ack: true;
  /** Real ms to wait for the ack; later = the action fails as a time-out. @default 5000 */
  readonly timeoutMs?: number;
}

/** The per-user session an action or timer script drives. */
export interface Session {
  readonly user: ScenarioUser;
  /** The login token, or null without a login step. */
  readonly token: string | null;
  /** This user's seeded random stream: the same seed replays the same draws. */
  readonly rng: () => number;
  /** A seeded pick from a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Per-user state kept between actions (a room joined, ids seen). */
  readonly state: Record<string, unknown>;
  /** Fire and forget. A payload builder is called with this session. */
  emit(event: string, payload?: unknown): void;
  /** Emit and wait for the ack (time-out → the action fails as `timeout`). */
  emit(event: string, payload: unknown, options: EmitOptions): Promise<unknown>;
  /** The next `event` from the server within timeoutMs real ms (else the action fails as `timeout`). */
  waitFor(event: string, timeoutMs?: number): Promise<unknown>;
  /** Fails the action as `check` (not `error`) unless `condition` holds. */
  check(condition: unknown, message: string): void;
  /** Waits simulated ms (through the run's SimClock). */
  think(simMs: number): Promise<void>;
  /** Kills the transport without a goodbye, as a network drop; socket.io-client reconnects by itself. */
  drop(): void;
  /** Connects again now if disconnected (new handshake) and waits for it. */
  reconnect(): Promise<void>;
  /** Disconnects cleanly; the user comes back (logs in and connects) at their next action. */
  leave(): Promise<void>;
}

export type Script = (session: Session) => Promise<void> | void;

export interface SocketPhase {
  readonly name: string;
  /** Hour of the simulated day (0–24) at which the phase starts; phases repeat daily. */
  readonly startHour: number;
  /** Runs per user per simulated hour, by action name; absent = 0. */
  readonly rates: Readonly<Record<string, number>>;
}

/** One of the app's own periodic timers (a ping, a poll), per connected user. */
export interface SocketTimer {
  /** Simulated ms between runs. */
  readonly everyMs: number;
  readonly run: Script;
}

/** Run settings the scenario proposes: its layer of the configuration (above soak.config.ts, below env and flags). */
export interface ScenarioSoakSettings {
  /** Simulated hours at the start kept out of trends. */
  readonly warmupHours?: number;
  /** Simulated hours after the load stops in which the server must return to baseline. */
  readonly cooldownHours?: number;
  /** Simulated minutes between samples. */
  readonly sampleEveryMinutes?: number;
  /** Simulated hours between quiet checkpoints (0 = phase ends only). */
  readonly checkpointEveryHours?: number;
  /** Real seconds each quiet checkpoint holds the load. */
  readonly checkpointHoldSeconds?: number;
}

export interface SocketScenarioInput {
  readonly name: string;
  readonly description?: string;
  /** Users, and their arrival: user i arrives at rampMs × i / users simulated ms. */
  readonly population: { readonly users: number; readonly rampMs?: number };
  /** Length of the soak, simulated hours. @default 1 */
  readonly hours?: number;
  /** Hour of the day at simulated time 0. @default 8 */
  readonly startHourOfDay?: number;
  /** Account names are `<usernamePrefix>00000`… @default 'user' */
  readonly usernamePrefix?: string;
  readonly auth?: AuthSpec;
  readonly connection?: ConnectionSpec;
  /** Runs once right after each (re)connection, before any action (join a room). */
  readonly onConnect?: Script;
  readonly timers?: Readonly<Record<string, SocketTimer>>;
  readonly actions: Readonly<Record<string, Script>>;
  readonly phases: readonly SocketPhase[];
  /** Simulated ms a user thinks after an action before the next can start, uniform in [min, max]. @default {min: 0, max: 0} */
  readonly thinkTimeMs?: { readonly min: number; readonly max: number };
  /** Run settings this scenario needs (a short scenario samples more often). @default {} */
  readonly soak?: ScenarioSoakSettings;
}

/** A loaded, validated scenario file with its defaults filled in. */
export interface SocketScenario extends SocketScenarioInput {
  readonly kind: 'socket';
  readonly hours: number;
  readonly startHourOfDay: number;
  readonly usernamePrefix: string;
  readonly population: { readonly users: number; readonly rampMs: number };
  readonly thinkTimeMs: { readonly min: number; readonly max: number };
  readonly timers: Readonly<Record<string, SocketTimer>>;
}

/** Typed helper for a scenario file: returns its argument unchanged; the loader validates it. */
export function defineSocketScenario(input: SocketScenarioInput): SocketScenarioInput {
  return input;
}

/** Why an action or timer run failed; counted as `<name>:<reason>`. */
export type FailureReason = 'timeout' | 'check' | 'error';

export class ScriptFailure extends Error {
  readonly code = 'ERR_SCRIPT' as const;
  constructor(
    readonly reason: FailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'ScriptFailure';
  }
}
