/**
 * Who a k6 VU is, how it logs in, and the buddy handshake the IM rules need, shared by the
 * k6 scripts. Usernames come from `exec.vu.idInTest`, which is unique across every instance of
 * a distributed run (k6-operator pods, Grafana Cloud load zones), unlike `__VU`.
 */
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
import type { Ack, BuddyRequest, PublicUser } from '../../common/events.ts';
import type { LoginResponse } from '../../common/http.ts';
import type { SocketIoSession } from './socketio-session.ts';

/** `__ENV` value or a default; k6 gives every env var as a string. */
export function env(name: string, fallback: string): string {
  const v = __ENV[name];
  return v === undefined || v === '' ? fallback : v;
}

export function envNumber(name: string, fallback: number): number {
  const n = Number(env(name, String(fallback)));
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
  return n;
}

export const BASE_URL = env('BASE_URL', 'http://127.0.0.1:3000').replace(/\/$/, '');
const USER_PREFIX = env('USER_PREFIX', 'k6u');
const PASSWORD = env('PASSWORD', 'k6-password');

export function usernameOf(n: number): string {
  return `${USER_PREFIX}${n}`;
}

/** This VU's user and its IM partner: users pair up 1↔2, 3↔4, …; a lone last user pairs back. */
export function identity(totalUsers: number): { me: string; partner: string | null } {
  const n = exec.vu.idInTest;
  const partnerN = n % 2 === 1 ? (n + 1 <= totalUsers ? n + 1 : n - 1) : n - 1;
  return { me: usernameOf(n), partner: partnerN >= 1 ? usernameOf(partnerN) : null };
}

/** POST /api/login; returns the token or null (and fails a check) when refused. */
export function login(username: string): string | null {
  const res = http.post(`${BASE_URL}/api/login`, JSON.stringify({ username, password: PASSWORD }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'POST /api/login' },
  });
  const body = res.status === 200 ? (res.json() as unknown as LoginResponse | null) : null;
  const ok = check(res, {
    'login 200': (r) => r.status === 200,
    'login has token': () => typeof body?.token === 'string',
  });
  return ok && body ? body.token : null;
}

/**
 * k6 `setup()`: log every user in once, so each exists before anyone messages it (the
 * reference server creates a user on first login; an IM to an unknown user is `not-found`).
 * Batches of 20 parallel requests keep the login route (scrypt per call) from being the test.
 */
export function provisionUsers(total: number): number {
  let ok = 0;
  for (let first = 1; first <= total; first += 20) {
    const batch = [];
    for (let n = first; n < first + 20 && n <= total; n++) {
      batch.push({
        method: 'POST',
        url: `${BASE_URL}/api/login`,
        body: JSON.stringify({ username: usernameOf(n), password: PASSWORD }),
        params: { headers: { 'Content-Type': 'application/json' }, tags: { name: 'setup login' } },
      });
    }
    for (const r of http.batch(batch)) if (r.status === 200) ok++;
  }
  if (ok < total) console.warn(`setup: ${total - ok} of ${total} users could not log in`);
  return ok;
}

/**
 * Make this user and `partner` buddies (im:send is refused between strangers). Idempotent: checks
 * the list, accepts a pending request from the partner, else asks; `done(true)` once buddies.
 * The partner's own session runs the same function, so whoever connects second completes it.
 */
export function befriend(session: SocketIoSession, partner: string, done: (ok: boolean) => void): void {
  session.emit('buddy:list', [], (o) => {
    const list = o.ok ? (o.args[0] as Ack<PublicUser[]> | undefined) : undefined;
    if (list && 'data' in list && list.data.some((u) => u.username === partner)) return done(true);
    session.emit('buddy:requests', [], (r) => {
      const pending = r.ok ? (r.args[0] as Ack<BuddyRequest[]> | undefined) : undefined;
      const fromPartner = pending && 'data' in pending ? pending.data.find((q) => q.from === partner && q.status === 'pending') : undefined;
      if (fromPartner) {
        session.emit('buddy:accept', [{ requestId: fromPartner.id }], (a) => done(a.ok && !!a.args[0] && 'data' in (a.args[0] as object)));
        return;
      }
      // Ask; the partner accepts when it connects (or live, on its `buddy:request` event).
      session.emit('buddy:request', [{ to: partner }], () => done(false));
    });
  });
}

/** Accept a live `buddy:request` from the partner. Returns true if the event was handled. */
export function acceptIfPartner(session: SocketIoSession, partner: string, event: string, args: readonly unknown[]): boolean {
  if (event !== 'buddy:request') return false;
  const req = args[0] as BuddyRequest | undefined;
  if (req && req.from === partner && req.status === 'pending') session.emit('buddy:accept', [{ requestId: req.id }]);
  return true;
}
