/**
 * seedBuddies against the real reference server (own process, offline wire store): after it,
 * every user's buddy list holds the neighbours the scenario asks for, and a second seeding of the
 * same users is a no-op rather than an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type LoginResponse } from '../../common/http.js';
import { buddyPairs, seedBuddies } from '../../scenarios/seed-buddies.js';
import { usernameFor } from '../../scenarios/worker-protocol.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

let server: ServerProcess;
beforeAll(async () => {
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
});

async function buddiesOf(username: string, password: string): Promise<string[]> {
  const login = await fetch(`${server.url}${ROUTES.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  const { token } = (await login.json()) as LoginResponse;
  const res = await fetch(`${server.url}${ROUTES.buddies}`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { data: Array<{ username: string }> };
  return body.data.map((b) => b.username).sort();
}

describe('buddyPairs', () => {
  it('pairs each user with the k before it', () => {
    expect(buddyPairs(4, 2)).toEqual([[1, 0], [2, 1], [2, 0], [3, 2], [3, 1]]);
    expect(buddyPairs(1, 3)).toEqual([]);
  });
});

describe('seedBuddies', () => {
  it('makes every user a buddy of its neighbours through the real API, idempotently', async () => {
    const prefix = `sb${process.pid}u`;
    const options = { serverUrl: server.url, users: 8, buddiesPerUser: 3, usernamePrefix: prefix, password: 'seed-test-pw' };
    const first = await seedBuddies(options);
    expect(first.friendships).toBe(buddyPairs(8, 3).length);
    const second = await seedBuddies(options);
    expect(second.friendships).toBe(first.friendships);
    // User 4's buddies: the 3 before it (1, 2, 3) and the 3 after it that asked it (5, 6, 7).
    const names = (ids: number[]) => ids.map((i) => usernameFor(prefix, i)).sort();
    expect(await buddiesOf(usernameFor(prefix, 4), options.password)).toEqual(names([1, 2, 3, 5, 6, 7]));
    expect(await buddiesOf(usernameFor(prefix, 0), options.password)).toEqual(names([1, 2, 3]));
  }, 60_000);
});
