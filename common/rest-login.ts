/**
 * The REST login every Node-side client of the harness shares. Apart from common/http.ts on
 * purpose: the k6 scripts type-check against that contract without Node's fetch.
 */
import { ROUTES, type LoginRequest, type LoginResponse } from './http.js';

/**
 * Logs a user in over REST (the first login creates the account) and returns the token. Used by
 * the harness's HTTP load and the scenarios' buddy seeding; rejects with the status and the
 * start of the body on any non-2xx answer, or after `timeoutMs` real ms.
 */
export async function loginOverRest(baseUrl: string, username: string, password: string, timeoutMs: number): Promise<string> {
  const res = await fetch(`${baseUrl}${ROUTES.login}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password } satisfies LoginRequest),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`login ${username}: HTTP ${res.status} ${text.slice(0, 200)}`);
  return (JSON.parse(text) as LoginResponse).token;
}
