/**
 * The calibration leak's spec (`--synthetic-leak`, issue 14 item 5): how much heap the reference
 * server keeps on purpose, and on what. Pure; the harness parses the flag with it and the server
 * parses the normalised spec it is handed (SOAK_SYNTHETIC_LEAK) with the same function.
 *
 *   spec   := 'off' | 'none' | NUMBER                MiB per simulated hour, 0 = off (the old form)
 *           | ['time:'] SIZE '/h'                    bytes per simulated hour
 *           | 'action:' ACTION ':' SIZE              bytes per server event of a user action
 *           | 'connect:' SIZE                        bytes per socket.io connection
 *           | 'tick:' [TIMER ':'] SIZE               bytes per tick of a timer (default presence-ping)
 *   SIZE   := NUMBER ('B' | 'KiB' | 'MiB')           1 KiB = 1024 B, rounded to whole bytes
 *
 * An ACTION is a user-facing action of the scenarios, mapped to the server events it causes
 * (SYNTHETIC_ACTIONS), or a socket event name of the contract itself (`im:read`, `buddy:accept`…).
 * A TIMER is a client timer, counted where its request is handled, or the server's own
 * per-socket presence heartbeat (SYNTHETIC_TIMERS).
 */
import type { ClientEventName } from './events.js';
import { ROUTES } from './http.js';

/** What the server's hook is told about: a socket event handled, a connection, a heartbeat tick, a REST history page. */
export type SyntheticEventName = ClientEventName | 'connection' | 'server-heartbeat' | 'http:im_history';

/** Every socket event of the contract (common/events.ts), at run time. */
const CLIENT_EVENTS: Readonly<Record<ClientEventName, true>> = {
  'presence:ping': true,
  'presence:logoff': true,
  'buddy:list': true,
  'buddy:request': true,
  'buddy:accept': true,
  'buddy:requests': true,
  'im:send': true,
  'im:read': true,
  'im:history': true,
  'window:layout': true,
  'window:layouts': true,
};

/**
 * User actions (scenarios/scenario.ts) → the server events each causes. `im.open` is the IM
 * history fetch: over the socket (`im:history`) or REST (GET /api/im/history); the reference IM
 * window fetches none itself, so in a reference soak this counts the HTTP load's `history`
 * requests, which stand for opened conversations. A drag and a resize both end in one
 * `window:layout`, which the server cannot tell apart: either name counts both gestures. The
 * log-off half of `logoff-on` is `presence:logoff` (its log-on half is a connection).
 */
export const SYNTHETIC_ACTIONS = Object.freeze({
  'im.send': ['im:send'],
  'im.open': ['im:history', 'http:im_history'],
  'window.drag': ['window:layout'],
  'window.resize': ['window:layout'],
  'logoff-on': ['presence:logoff'],
} as const satisfies Record<string, readonly SyntheticEventName[]>);
export type SyntheticUserAction = keyof typeof SYNTHETIC_ACTIONS;
export type SyntheticAction = SyntheticUserAction | ClientEventName;

/** User actions the server never sees as one event of their own, and what to ask for instead. */
const UNMAPPED_ACTIONS: Readonly<Record<string, string>> = {
  'window.close': 'closing a window sends nothing to the server',
  reload: 'a reload is a new connection: use connect:SIZE',
  'network.drop': 'a network drop ends in a new connection: use connect:SIZE',
};

/**
 * Timers → the server events that count their ticks: the client's presence ping (`presence:ping`)
 * and buddy-request poll (`buddy:requests`) where the server handles them, and the server's own
 * per-socket presence heartbeat (every 30 simulated s, live or leaked; server/presence.ts).
 */
export const SYNTHETIC_TIMERS = Object.freeze({
  'presence-ping': ['presence:ping'],
  'request-poll': ['buddy:requests'],
  'server-heartbeat': ['server-heartbeat'],
} as const satisfies Record<string, readonly SyntheticEventName[]>);
export type SyntheticTimer = keyof typeof SYNTHETIC_TIMERS;
export const DEFAULT_SYNTHETIC_TIMER: SyntheticTimer = 'presence-ping';

export type SyntheticLeakSpec =
  | { readonly shape: 'time'; readonly bytesPerSimHour: number }
  | { readonly shape: 'action'; readonly action: SyntheticAction; readonly bytesPerEvent: number }
  | { readonly shape: 'connect'; readonly bytesPerEvent: number }
  | { readonly shape: 'tick'; readonly timer: SyntheticTimer; readonly bytesPerEvent: number };

export type SyntheticLeakShape = SyntheticLeakSpec['shape'];

export class SyntheticLeakSpecError extends Error {
  readonly code = 'ERR_SYNTHETIC_LEAK_SPEC' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SyntheticLeakSpecError';
  }
}

const KiB = 1024;
const MiB = 1024 * KiB;
const UNITS: Readonly<Record<string, number>> = { B: 1, KiB, MiB };
/** Most per simulated hour (as the old MiB/h flag allowed) and per event. */
export const MAX_BYTES_PER_SIM_HOUR = 1024 * MiB;
export const MAX_BYTES_PER_EVENT = 64 * MiB;

export const SYNTHETIC_LEAK_GRAMMAR = 'MiB-per-hour number | SIZE/h | action:NAME:SIZE | connect:SIZE | tick[:TIMER]:SIZE, SIZE = number + B|KiB|MiB';

const fail = (message: string): never => {
  throw new SyntheticLeakSpecError(message);
};

function parseSize(text: string, where: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]*)$/.exec(text.trim());
  if (!m) return fail(`'${text}' in '${where}' is not a size (a number and B, KiB or MiB, e.g. 64KiB)`);
  const unit = m[2] as string;
  if (unit === '') return fail(`'${text}' in '${where}' needs a unit: B, KiB or MiB (e.g. ${m[1]}KiB)`);
  const factor = UNITS[unit];
  if (factor === undefined) return fail(`unknown unit '${unit}' in '${where}' (use B, KiB = 1024 B or MiB = 1024 KiB)`);
  return Math.round(Number(m[1]) * factor);
}

function isClientEvent(name: string): name is ClientEventName {
  return Object.hasOwn(CLIENT_EVENTS, name);
}

function checkAction(name: string, where: string): SyntheticAction {
  if (Object.hasOwn(SYNTHETIC_ACTIONS, name) || isClientEvent(name)) return name as SyntheticAction;
  const why = Object.hasOwn(UNMAPPED_ACTIONS, name) ? `: ${UNMAPPED_ACTIONS[name]}` : '';
  return fail(
    `unknown action '${name}' in '${where}'${why} (actions: ${Object.keys(SYNTHETIC_ACTIONS).join(', ')}, or a socket event: ${Object.keys(CLIENT_EVENTS).join(', ')})`,
  );
}

function checkTimer(name: string, where: string): SyntheticTimer {
  if (Object.hasOwn(SYNTHETIC_TIMERS, name)) return name as SyntheticTimer;
  return fail(`unknown timer '${name}' in '${where}' (timers: ${Object.keys(SYNTHETIC_TIMERS).join(', ')})`);
}

function checkBytes(bytes: number, max: number, what: string, where: string): number {
  if (!Number.isFinite(bytes) || bytes < 1) fail(`'${where}' keeps less than 1 byte ${what}`);
  if (bytes > max) fail(`'${where}' keeps more than ${formatSize(max)} ${what}, the most allowed`);
  return bytes;
}

/**
 * One spec from its text; null for off ('', '0', 'off', 'none'). Throws SyntheticLeakSpecError
 * with a message that quotes the text and says what was expected.
 */
export function parseSyntheticLeak(text: string): SyntheticLeakSpec | null {
  const where = text.trim();
  if (where === '' || where === 'off' || where === 'none') return null;
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(where)) {
    const mib = Number(where);
    if (mib < 0) fail(`'${where}': a synthetic leak cannot give memory back (MiB per simulated hour must be ≥ 0)`);
    if (mib === 0) return null;
    return { shape: 'time', bytesPerSimHour: checkBytes(Math.round(mib * MiB), MAX_BYTES_PER_SIM_HOUR, 'per simulated hour', where) };
  }
  const colon = where.indexOf(':');
  const head = colon < 0 ? '' : where.slice(0, colon);
  const rest = colon < 0 ? where : where.slice(colon + 1);
  if (head === '' || head === 'time') {
    if (!rest.endsWith('/h')) {
      const sizeAlone = /^(\d+(\.\d+)?|\.\d+)\s*[A-Za-z]+$/.test(rest);
      const hint = sizeAlone ? `a size alone says not per what: ${rest}/h per simulated hour, or action:NAME:${rest}, connect:${rest}, tick:${rest}` : `expected ${SYNTHETIC_LEAK_GRAMMAR}`;
      return fail(`'${where}' is not a synthetic leak spec (${hint})`);
    }
    return { shape: 'time', bytesPerSimHour: checkBytes(parseSize(rest.slice(0, -2), where), MAX_BYTES_PER_SIM_HOUR, 'per simulated hour', where) };
  }
  const sizeAt = rest.lastIndexOf(':');
  const name = sizeAt < 0 ? '' : rest.slice(0, sizeAt);
  const sizeText = sizeAt < 0 ? rest : rest.slice(sizeAt + 1);
  const perEvent = (what: string) => checkBytes(parseSize(sizeText, where), MAX_BYTES_PER_EVENT, what, where);
  switch (head) {
    case 'action':
      if (sizeAt < 0) return fail(`'${where}' needs an action and a size (action:NAME:SIZE, e.g. action:im.send:64KiB)`);
      if (name === '') return fail(`'${where}' names no action (action:NAME:SIZE, e.g. action:im.send:64KiB)`);
      return { shape: 'action', action: checkAction(name, where), bytesPerEvent: perEvent('per event') };
    case 'connect':
      if (name !== '') return fail(`'${where}': connect takes only a size (connect:SIZE, e.g. connect:256KiB)`);
      return { shape: 'connect', bytesPerEvent: perEvent('per connection') };
    case 'tick':
      return { shape: 'tick', timer: name === '' ? DEFAULT_SYNTHETIC_TIMER : checkTimer(name, where), bytesPerEvent: perEvent('per tick') };
    default:
      return fail(`unknown shape '${head}' in '${where}' (expected ${SYNTHETIC_LEAK_GRAMMAR})`);
  }
}

/**
 * A spec from a config value: null/undefined (off), a number (MiB per simulated hour, 0 = off),
 * a spec string, or a spec object (checked field by field, as a parsed one would be).
 */
export function toSyntheticLeak(value: unknown): SyntheticLeakSpec | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return fail(`${String(value)} is not a number of MiB per simulated hour`);
    return parseSyntheticLeak(String(value));
  }
  if (typeof value === 'string') return parseSyntheticLeak(value);
  if (typeof value !== 'object') return fail(`a synthetic leak is a spec string or object, got ${typeof value}`);
  const o = value as Record<string, unknown>;
  const where = JSON.stringify(value);
  const bytes = (key: 'bytesPerSimHour' | 'bytesPerEvent', max: number, what: string) => {
    const n = o[key];
    if (typeof n !== 'number' || !Number.isInteger(n)) return fail(`${where}: ${key} must be a whole number of bytes`);
    return checkBytes(n, max, what, where);
  };
  switch (o['shape']) {
    case 'time':
      return { shape: 'time', bytesPerSimHour: bytes('bytesPerSimHour', MAX_BYTES_PER_SIM_HOUR, 'per simulated hour') };
    case 'action':
      return { shape: 'action', action: checkAction(String(o['action']), where), bytesPerEvent: bytes('bytesPerEvent', MAX_BYTES_PER_EVENT, 'per event') };
    case 'connect':
      return { shape: 'connect', bytesPerEvent: bytes('bytesPerEvent', MAX_BYTES_PER_EVENT, 'per connection') };
    case 'tick':
      return {
        shape: 'tick',
        timer: o['timer'] === undefined ? DEFAULT_SYNTHETIC_TIMER : checkTimer(String(o['timer']), where),
        bytesPerEvent: bytes('bytesPerEvent', MAX_BYTES_PER_EVENT, 'per tick'),
      };
    default:
      return fail(`${where}: shape must be time, action, connect or tick`);
  }
}

/** Bytes in the largest unit that holds them whole: 65536 → '64KiB', 1000 → '1000B'. */
export function formatSize(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB}MiB`;
  if (bytes % KiB === 0) return `${bytes / KiB}KiB`;
  return `${bytes}B`;
}

/** The normalised spec text, which parseSyntheticLeak reads back to the same spec. */
export function formatSyntheticLeak(spec: SyntheticLeakSpec): string {
  switch (spec.shape) {
    case 'time': return `${formatSize(spec.bytesPerSimHour)}/h`;
    case 'action': return `action:${spec.action}:${formatSize(spec.bytesPerEvent)}`;
    case 'connect': return `connect:${formatSize(spec.bytesPerEvent)}`;
    case 'tick': return `tick:${spec.timer}:${formatSize(spec.bytesPerEvent)}`;
  }
}

/** The server events a spec retains on (none for the time shape). */
export function syntheticLeakEvents(spec: SyntheticLeakSpec): readonly SyntheticEventName[] {
  switch (spec.shape) {
    case 'time': return [];
    case 'action': return isClientEvent(spec.action) ? [spec.action] : SYNTHETIC_ACTIONS[spec.action as SyntheticUserAction];
    case 'connect': return ['connection'];
    case 'tick': return SYNTHETIC_TIMERS[spec.timer];
  }
}

const EVENT_LABELS: Partial<Record<SyntheticEventName, string>> = {
  connection: 'socket.io connection',
  'server-heartbeat': 'per-socket presence heartbeat',
  'http:im_history': `GET ${ROUTES.imHistory}`,
};

/** A readable size: 65536 → '64 KiB', 1536 → '1.5 KiB'. */
function humanSize(bytes: number): string {
  const [n, unit] = bytes >= MiB ? [bytes / MiB, 'MiB'] : bytes >= KiB ? [bytes / KiB, 'KiB'] : [bytes, 'B'];
  return `${Number(n.toFixed(3))} ${unit}`;
}

/** For reports and logs: '64 KiB per im.send (server event im:send)', '2 MiB per simulated hour'. */
export function describeSyntheticLeak(spec: SyntheticLeakSpec): string {
  const events = syntheticLeakEvents(spec).map((e) => EVENT_LABELS[e] ?? e);
  const on = `server event${events.length > 1 ? 's' : ''} ${events.join(', ')}`;
  switch (spec.shape) {
    case 'time': return `${humanSize(spec.bytesPerSimHour)} per simulated hour`;
    case 'action': return `${humanSize(spec.bytesPerEvent)} per ${spec.action} (${on})`;
    case 'connect': return `${humanSize(spec.bytesPerEvent)} per socket.io connection`;
    case 'tick': return `${humanSize(spec.bytesPerEvent)} per ${spec.timer} tick (${on})`;
  }
}
