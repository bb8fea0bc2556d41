/**
 * Property: no socket.io event from an authenticated client ends the server or escapes a
 * handler. Random events (the contract's, unknown ones, `error`) with random arguments (wrong
 * types, huge strings, deep nesting, `__proto__`/`constructor` keys, Mongo operators, binary,
 * near-valid payloads that reach the database), with and without an ack, over real
 * socket.io-client connections to a real server process on 127.0.0.1. Every ack must be a
 * contract reply (`{ data }` or `{ error: { code, message } }` with a known code). S = 600, so
 * the per-socket budget (120 burst, 5 events per simulated s = 3,000 per real s) rarely answers
 * rate-limited and payloads reach validation.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../common/events.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { login, openSocket, uniqueName, type ClientSocket } from '../server/client.js';
import { FUZZ_RUNS, FUZZ_SEED, FUZZ_TEST_TIMEOUT_MS, FUZZ_TIME_LIMIT_MS, expectServerHealthy } from './server-fuzz-setup.js';

/** Real ms an ack may take (a reply to a database write under load is a few ms). */
const ACK_TIMEOUT_MS = 10_000;
/**
 * Real ms to wait for the barrier after a raw packet. A raw DISCONNECT ("1") ends the socket on
 * the server while the client still thinks it is connected, so nothing answers: that socket is
 * then replaced, not counted as a failure.
 */
const RAW_BARRIER_MS = 1_000;
const CODES: readonly ErrorCode[] = ['bad-request', 'unauthorized', 'forbidden', 'not-found', 'conflict', 'too-large', 'rate-limited', 'internal'];
const EVENTS = ['presence:ping', 'presence:logoff', 'buddy:list', 'buddy:request', 'buddy:accept', 'buddy:requests', 'im:send', 'im:read', 'im:history', 'window:layout', 'window:layouts'];
/** Names socket.io-client refuses to emit (it throws before sending). */
const CLIENT_RESERVED = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener']);

let server: ServerProcess;
/** Fuzzing users; their sockets are replaced when the server drops one (oversize frame, logoff). */
const users: { name: string; token: string; socket: ClientSocket }[] = [];

beforeAll(async () => {
  server = await startServerProcess({ timeScale: 600 });
  for (const prefix of ['fza', 'fzb', 'fzc']) {
    const name = uniqueName(prefix);
    const { token } = await login(server.url, name);
    users.push({ name, token, socket: await openSocket(server.url, token) });
  }
});

afterAll(async () => {
  for (const u of users) u.socket.close();
  expect(await server?.stop()).toBe(0);
});

const names = () => users.map((u) => u.name);
const nameArb = fc.oneof(fc.constantFrom(0, 1, 2).map((i) => names()[i]!), fc.stringMatching(/^[a-z0-9_.-]{2,32}$/), fc.string({ maxLength: 40 }));
const objectId = fc.oneof(fc.stringMatching(/^[0-9a-f]{24}$/), fc.string({ maxLength: 30 }));
const operator = fc.constantFrom({ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { $function: { body: 'return 1', args: [], lang: 'js' } }, { $in: [] });
const tricky = fc.oneof(
  operator,
  fc.constantFrom(JSON.parse('{"__proto__":{"polluted":true}}') as unknown, { constructor: { prototype: { polluted: true } } }, { toString: 'x', valueOf: 1 }),
  fc.integer({ min: 1, max: 3_000 }).map((n) => {
    let v: object = { leaf: true };
    for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
    // fast-check prints a counterexample recursively; this keeps a deep one to one line.
    return Object.defineProperty(v, fc.toStringMethod, { value: () => `nested(${n})`, enumerable: false });
  }),
  fc.integer({ min: 0, max: 100_000 }).map((n) => 'x'.repeat(n)),
  fc.uint8Array({ maxLength: 256 }).map((a) => Buffer.from(a)),
  fc.constantFrom(Number.MAX_VALUE, -0, 1e308, Number.MIN_VALUE, 2 ** 53 + 1),
);
const value = fc.oneof({ weight: 3, arbitrary: fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: true }) }, { weight: 2, arbitrary: tricky });
/** Payloads shaped like the contract's, with any field swapped for something else. */
const nearValid = fc.oneof(
  fc.record({ to: fc.oneof(nameArb, value), text: fc.oneof(fc.string({ minLength: 1, maxLength: 60 }), value), clientId: fc.oneof(fc.uuid(), value) }, { requiredKeys: [] }),
  fc.record({ to: fc.oneof(nameArb, value) }, { requiredKeys: [] }),
  fc.record({ requestId: fc.oneof(objectId, value) }, { requiredKeys: [] }),
  fc.record({ threadId: fc.oneof(fc.string({ maxLength: 70 }), value), upTo: fc.oneof(objectId, value) }, { requiredKeys: [] }),
  fc.record({ with: fc.oneof(nameArb, value), limit: fc.oneof(fc.integer({ min: -5, max: 300 }), value), before: fc.oneof(objectId, value) }, { requiredKeys: [] }),
  fc.record(
    { windowId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/), value), x: fc.oneof(fc.double(), value), y: fc.double(), width: fc.double(), height: fc.double() },
    { requiredKeys: [] },
  ),
  fc.record({ extra: value, __proto__: value, $set: value }, { requiredKeys: [] }),
);
const eventName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...EVENTS) },
  { weight: 1, arbitrary: fc.constantFrom('error', 'message', 'ping', 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'session:end', 'im:new', '') },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }).filter((s) => !CLIENT_RESERVED.has(s)) },
);
/** socket.io packets written straight onto the engine.io transport: bad types, ids, JSON, namespaces. */
const rawFrame = fc.oneof(
  fc.tuple(fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7', '', 'x'), fc.constantFrom('', '/', '/admin,', '1', '99999999999999999999', '-1'), fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 })))
    .map(([type, mid, body]) => type + mid + body),
  fc.constantFrom('42["im:send"', '42{"0":"im:send"}', '42[null]', '42[1,2]', '451-["im:send",{"_placeholder":true,"num":0}]', '43[]', '431[1]', '2probe', '42["__proto__",{}]'),
);
const event = fc.record({
  user: fc.constantFrom(0, 1, 2),
  name: eventName,
  args: fc.oneof({ weight: 5, arbitrary: fc.tuple(nearValid) }, { weight: 2, arbitrary: fc.array(value, { maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant<unknown[]>([]) }),
  ack: fc.boolean(),
  /** Instead of the event, this raw socket.io packet (one case in ten). */
  frame: fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: rawFrame }),
});

type FuzzEvent = typeof event extends fc.Arbitrary<infer T> ? T : never;

/** The user's socket, reconnected (same token) when the server has dropped it. */
async function socketOf(i: number): Promise<ClientSocket> {
  const u = users[i]!;
  if (!u.socket.connected) {
    u.socket.close();
    u.socket = await openSocket(server.url, u.token);
  }
  return u.socket;
}

/** What send() resolves with when the server answered nothing within ACK_TIMEOUT_MS. */
const NO_ANSWER = Symbol('no answer');

/** Resolves with the ack (or null without one), once the server has dispatched the event. */
async function send(e: FuzzEvent): Promise<unknown> {
  const socket = await socketOf(e.user);
  const emit = socket.emit.bind(socket) as unknown as (ev: string, ...a: unknown[]) => void;
  const reply = new Promise<unknown>((resolve) => {
    const timer = setTimeout(() => resolve(NO_ANSWER), e.frame === null ? ACK_TIMEOUT_MS : RAW_BARRIER_MS);
    // A dropped connection (an oversize frame, a logoff) answers nothing; that is not a failure.
    const done = (v: unknown) => {
      clearTimeout(timer);
      socket.off('disconnect', onDrop);
      resolve(v);
    };
    const onDrop = () => done(null);
    socket.once('disconnect', onDrop);
    // Only the contract's events answer an ack; any other gets the barrier below instead.
    if (e.frame === null && e.ack && EVENTS.includes(e.name)) emitOrRaw(socket, () => emit(e.name, ...e.args, (r: unknown) => done(r)), e);
    else {
      if (e.frame !== null) socket.io.engine.send(e.frame);
      else if (e.ack) emitOrRaw(socket, () => emit(e.name, ...e.args, () => {}), e);
      else emitOrRaw(socket, () => emit(e.name, ...e.args), e);
      // Packets on one socket are dispatched in order: this ack means the event above was too.
      (socket.emit as unknown as (ev: string, cb: () => void) => void)('presence:ping', () => done(null));
    }
  });
  const answer = await reply;
  if (answer === NO_ANSWER && e.frame !== null) {
    socket.close();
    return null;
  }
  return answer === NO_ANSWER || (e.frame === null && EVENTS.includes(e.name) && e.ack) ? answer : null;
}

/**
 * socket.io-client's encoder recurses over the arguments (to find binary parts) and overflows
 * the stack on a few thousand levels; a value it cannot encode goes out as a raw JSON packet
 * (no ack, the barrier follows), so the server still receives the deep nesting.
 */
function emitOrRaw(socket: ClientSocket, emit: () => void, e: FuzzEvent): void {
  try {
    emit();
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    socket.io.engine.send(`42${JSON.stringify([e.name, ...e.args])}`);
  }
}

/** A contract reply: `{ data }` or `{ error: { code, message } }` with a code of the union. */
function expectContractReply(reply: unknown): void {
  if (reply === null) return;
  expect(typeof reply).toBe('object');
  const r = reply as { data?: unknown; error?: { code?: unknown; message?: unknown } };
  if ('error' in r) {
    expect(CODES).toContain(r.error?.code);
    expect(r.error?.code).not.toBe('internal');
    expect(typeof r.error?.message).toBe('string');
  } else {
    expect(r).toHaveProperty('data');
  }
}

describe('socket events from outside', () => {
  it(
    `never end the server or escape a handler: ${FUZZ_RUNS} random events over socket.io`,
    async () => {
      let cases = 0;
      let acks = 0;
      const outcomes = new Map<string, number>();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(event, async (e) => {
          cases++;
          const reply = await send(e);
          // Every contract event with an ack is answered, and the barrier ping always is.
          expect(reply).not.toBe(NO_ANSWER);
          if (reply !== null) {
            acks++;
            const r = reply as { error?: { code?: string } };
            const key = r.error ? String(r.error.code) : 'data';
            outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          }
          expectContractReply(reply);
          expect(server.exitCode()).toBeUndefined();
        }),
        { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, interruptAfterTimeLimit: FUZZ_TIME_LIMIT_MS, markInterruptAsFailure: false },
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(`server-socket fuzz: ${cases} cases (${acks} contract acks: ${JSON.stringify(Object.fromEntries(outcomes))}) in ${seconds.toFixed(1)} s (seed ${FUZZ_SEED})`);
      expect(cases).toBeGreaterThan(0);
      expect(acks).toBeGreaterThan(0);
      await expectServerHealthy(server);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
