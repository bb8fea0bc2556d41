/**
 * The harness's own doors into the server it spawns (harness/run/spawn-server.ts): a one-time
 * clock-start token and a /metrics bearer token, both generated per spawn and passed by env.
 * Real processes: the wire store and the compiled server. spawnServer is loaded from dist/, as
 * the CLI runs it, since it finds dist/server/main.js relative to its own file.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrapeMetrics } from '../../harness/probes/metrics-probe.js';
import type * as SpawnServerModule from '../../harness/run/spawn-server.js';
import type { ServerHandle } from '../../harness/run/spawn-server.js';
import { ROUTES } from '../../common/http.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';

let store: RunningStore;
let server: ServerHandle;

beforeAll(async () => {
  const compiled = pathToFileURL(join(import.meta.dirname, '../../dist/harness/run/spawn-server.js')).href;
  const { spawnServer } = (await import(compiled)) as typeof SpawnServerModule;
  store = await startWireStore();
  server = await spawnServer({ storeUri: store.uri, leaks: [], clock: { scale: 60 } });
});

afterAll(async () => {
  expect(await server?.stop()).toBe(true);
  await store?.stop();
});

describe('spawnServer', () => {
  it('scrapes /metrics with its token, which nobody else has', async () => {
    expect(server.metricsToken).toMatch(/^[0-9a-f]{64}$/);
    expect((await fetch(server.metricsUrl)).status).toBe(403);
    expect((await fetch(server.metricsUrl, { headers: { authorization: 'Bearer not-the-token' } })).status).toBe(403);
    await expect(scrapeMetrics(server.metricsUrl)).rejects.toMatchObject({ code: 'ERR_METRICS_SCRAPE' });
    const values = await scrapeMetrics(server.metricsUrl, { bearerToken: server.metricsToken });
    expect(values['rol_connected_sockets']).toBe(0);
  });

  it('starts the clock once with its one-time token; nobody can start it without', async () => {
    const anonymous = await fetch(`${server.url}${ROUTES.clockStart}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ epochMs: Date.now() }),
    });
    expect(anonymous.status).toBe(403);
    const started = await server.startClock(Date.now() + 3_000);
    expect(started.jumpedSimMs).toBeGreaterThan(0);
    await expect(server.startClock(Date.now())).rejects.toThrow(/HTTP 403/);
  });
});
