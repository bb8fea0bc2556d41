/**
 * Property: no HTTP request from outside ends the server. Random request lines (methods, targets
 * incl. absolute-form and malformed URLs, versions), headers (lengths that lie, chunked, bad
 * tokens, auth) and bodies (JSON with `__proto__`/operators, deep nesting, binary, oversize) go
 * over raw TCP (net.connect) to a real server process on 127.0.0.1, one connection per case,
 * half-closed after the bytes so the server answers or closes at once. The server runs with a
 * pending clock and a /metrics token, so the guarded routes are in the table too.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, TOKEN_ENV } from '../../common/http.js';
import { rawHttp } from '../helpers/raw-http.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { FUZZ_RUNS, FUZZ_SEED, FUZZ_TEST_TIMEOUT_MS, FUZZ_TIME_LIMIT_MS, expectServerHealthy } from './server-fuzz-setup.js';

const CLOCK_TOKEN = randomBytes(32).toString('hex');
const METRICS_TOKEN = randomBytes(32).toString('hex');

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({
    timeScale: 60,
    env: { SOAK_SIM_EPOCH: 'pending', [TOKEN_ENV.clock]: CLOCK_TOKEN, [TOKEN_ENV.metrics]: METRICS_TOKEN },
  });
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

const PATHS = [...Object.values(ROUTES), '/socket.io/', '/', '*', '/api', '/api/login/', '/metrics/../metrics', '/%', '/%00', '/__proto__', '/constructor'];
const QUERIES = ['', '?EIO=4&transport=polling', '?EIO=4&transport=websocket', '?EIO=3&transport=polling&sid=abc', '?EIO=4&transport=polling&sid=', '?with=a&limit=999999', '?with[$gt]=&limit=-1', '?city=%E0%A4%A', '?b64=1&t=x', '?a=1&a=2&__proto__=x'];

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'), token, fc.string({ maxLength: 8 }));
const target = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...QUERIES)).map(([p, q]) => p + q) },
  { weight: 2, arbitrary: fc.constantFrom('http://[/', 'http://[::1', 'http://a:b@[::1]:99999/', 'https://x/%', '//', 'http://localhost/socket.io/?EIO=4&transport=polling', 'ws://x/') },
  { weight: 2, arbitrary: fc.webUrl({ withQueryParameters: true, withFragments: true }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `/${s}`) },
);
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1 extra', '');
const headerValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('-1', '0', '99999999999999999999', '1e3', ' 5', 'chunked', 'gzip, chunked', 'websocket', '100-continue'),
  fc.constantFrom(`Bearer ${CLOCK_TOKEN.slice(0, 63)}`, `Bearer ${METRICS_TOKEN}x`, 'Bearer ', 'Basic Zm9vOmJhcg==', 'Bearer a.b.c'),
);
const header = fc.tuple(
  fc.oneof(fc.constantFrom('content-length', 'transfer-encoding', 'content-type', 'authorization', 'host', 'connection', 'upgrade', 'expect', 'cookie', 'origin', 'x-forwarded-for'), token, fc.string({ maxLength: 12 })),
  headerValue,
);
const jsonBody = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.record({ username: fc.oneof(fc.stringMatching(/^[a-z0-9_]{2,12}$/), fc.jsonValue()), password: fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.constantFrom('{"__proto__":{"admin":true},"username":"proto_user","password":"x"}', '{"constructor":{"prototype":{"x":1}}}', '{"username":{"$gt":""},"password":{"$ne":null}}', '{"epochMs":0}', '{"epochMs":1e400}', '{"epochMs":"soon"}'),
  fc.integer({ min: 1, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
);
const body = fc.oneof(
  { weight: 4, arbitrary: jsonBody },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('5\r\nhello\r\n0\r\n\r\n', 'zz\r\nbad\r\n', 'ffffffffffffffff\r\n') },
);
/** Anything at all: most of it the HTTP parser refuses (400) before a handler runs. */
const malformed = fc.record({
  method,
  target,
  version,
  headers: fc.array(header, { maxLength: 6 }),
  contentLength: fc.oneof(fc.constant('exact'), fc.constant('none'), fc.integer({ min: -2, max: 50_000 }).map(String)),
  body,
  eol: fc.constantFrom('\r\n', '\n'),
});
/** Requests the parser accepts, so that the routes, the body reader and engine.io see them. */
const printable = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);
const parsed = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'),
  target: fc.oneof(target.filter((t) => /^[\x21-\x7e]+$/.test(t)), printable.map((s) => `/${s}`)),
  version: fc.constant('HTTP/1.1'),
  headers: fc.array(
    fc.tuple(
      fc.constantFrom('content-type', 'authorization', 'connection', 'accept', 'cookie', 'origin', 'upgrade', 'x-forwarded-for'),
      fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,40}$/), headerValue.filter((v) => /^[\x20-\x7e]*$/.test(v))),
    ),
    { maxLength: 4 },
  ),
  contentLength: fc.constantFrom('exact', 'exact', 'exact', 'none'),
  body,
  eol: fc.constant('\r\n'),
});
/** Logins, which create accounts, run scrypt and count failures. */
const login = fc.record({
  method: fc.constant('POST'),
  target: fc.constant(ROUTES.login),
  version: fc.constant('HTTP/1.1'),
  headers: fc.constant<[string, string][]>([['content-type', 'application/json']]),
  contentLength: fc.constant('exact'),
  body: jsonBody,
  eol: fc.constant('\r\n'),
});
const request = fc.oneof({ weight: 3, arbitrary: malformed }, { weight: 5, arbitrary: parsed }, { weight: 2, arbitrary: login });

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

function render(r: Request): Buffer {
  const bodyBytes = Buffer.from(r.body, 'utf8');
  const lines = [`${r.method} ${r.target} ${r.version}`.trimEnd(), 'Host: 127.0.0.1', ...r.headers.map(([k, v]) => `${k}: ${v}`)];
  if (r.contentLength === 'exact') lines.push(`Content-Length: ${bodyBytes.length}`);
  else if (r.contentLength !== 'none') lines.push(`Content-Length: ${r.contentLength}`);
  return Buffer.concat([Buffer.from(lines.join(r.eol) + r.eol + r.eol, 'latin1'), bodyBytes]);
}

describe('HTTP from outside', () => {
  it(
    `never ends the server: ${FUZZ_RUNS} random requests over raw TCP`,
    async () => {
      let cases = 0;
      const statuses = new Map<number | null, number>();
      const started = performance.now();
      // Once the process is dead every later case (and every shrink) fails too, so fast-check's
      // counterexample is not the culprit: the requests sent just before the death was seen are.
      const recent: string[] = [];
      let firstDeath: string | null = null;
      try {
        await fc.assert(
          fc.asyncProperty(request, async (r) => {
            cases++;
            const bytes = render(r);
            recent.push(JSON.stringify(bytes.toString('latin1').slice(0, 300)));
            if (recent.length > 3) recent.shift();
            const reply = await rawHttp(server.url, bytes);
            statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
            // Whatever came back (or nothing, for a connection the parser dropped), the process lives.
            if (server.exitCode() !== undefined) firstDeath ??= recent.join('\n');
            expect(server.exitCode()).toBeUndefined();
            if (reply.status !== null) expect(reply.status).toBeGreaterThanOrEqual(100);
          }),
          { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, interruptAfterTimeLimit: FUZZ_TIME_LIMIT_MS, markInterruptAsFailure: false },
        );
      } catch (err) {
        if (firstDeath !== null) throw new Error(`the server died; the last requests before that was seen:\n${firstDeath}\nstderr:\n${server.stderr().slice(-2000)}`, { cause: err });
        throw err;
      }
      const seconds = (performance.now() - started) / 1000;
      console.log(`server-http fuzz: ${cases} cases in ${seconds.toFixed(1)} s (seed ${FUZZ_SEED}); statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      expect(cases).toBeGreaterThan(0);
      await expectServerHealthy(server);
      // No request was answered 500, and neither guarded door opened to a guess.
      expect((await fetch(server.metricsUrl)).status).toBe(403);
      const metrics = await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(await metrics.text()).not.toMatch(/rol_http_request_duration_seconds_count\{[^}]*status="500"/);
      const start = (token: string) =>
        fetch(`${server.url}${ROUTES.clockStart}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ epochMs: Date.now() }) });
      expect((await start(METRICS_TOKEN)).status).toBe(403);
      expect((await start(CLOCK_TOKEN)).status).toBe(200);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
