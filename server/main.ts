/**
 * The reference server's only process entry: `node dist/server/main.js` (the harness adds
 * `--inspect=127.0.0.1:0`). Reads config (env/argv), resolves a store when MONGODB_URI is
 * unset, listens, prints exactly one ServerReadyLine JSON on stdout (everything else goes to
 * stderr), and shuts down gracefully on SIGTERM/SIGINT. Exit codes: 0 clean stop, 2 bad
 * config, 4 startup failure (store or listen), 1 forced stop.
 */
import type { AddressInfo } from 'node:net';
import type { ServerReadyLine } from '../common/http.js';
import { ROUTES, TOKEN_ENV } from '../common/http.js';
import { resolveStore, type RunningStore } from '../store/resolve.js';
import { createApp, type App } from './app.js';
import { ClockStart } from './clock-start.js';
import { ConfigError, readConfig, type ServerConfig } from './config.js';
import { EVENT_COST_ENV, parseEventCost, slowEvents } from './event-cost.js';

/** Real ms a graceful stop may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;
/**
 * Real ms the process may take to end on its own after a clean close. It normally ends at once
 * (measured: 5 ms after an idle run); anything still holding the loop (a leaked connection,
 * say) gets this long before the process exits with 0 anyway.
 */
const DRAIN_MS = 2_000;

/** Real ms the first store connection and index build may take before startup fails (exit 4). */
const STORE_READY_TIMEOUT_MS = 20_000;

const log = (line: string) => process.stderr.write(`[server] ${line}\n`);

async function start(config: ServerConfig, clockStart: ClockStart): Promise<{ app: App; store: RunningStore | null }> {
  let store: RunningStore | null = null;
  let uri = config.mongoUri;
  if (uri === undefined) {
    store = await resolveStore({ env: process.env, log });
    uri = store.uri;
  } else {
    log('store: MONGODB_URI');
  }
  try {
    const app = createApp({
      uri, clock: config.clock, leaks: config.leaks, jwtSecret: config.jwtSecret, logger: log, clockStart,
      // Planted from the run's simulated 0 (clockStart), stopped at close().
      syntheticLeak: config.syntheticLeak,
      ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    });
    // Listens (and prints its ready line) only once no write can reach the store before its indexes.
    await app.whenStoreReady(STORE_READY_TIMEOUT_MS);
    const eventCostMs = parseEventCost(process.env[EVENT_COST_ENV]);
    slowEvents(app.io, eventCostMs);
    if (eventCostMs > 0) log(`slow server (calibration): every socket event costs ${eventCostMs} ms of CPU`);
    await new Promise<void>((resolve, reject) => {
      app.httpServer.once('error', reject);
      app.httpServer.listen(config.port, config.host, () => resolve());
    });
    const { port } = app.httpServer.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    const ready: ServerReadyLine = {
      event: 'listening',
      url,
      metricsUrl: `${url}${ROUTES.metrics}`,
      pid: process.pid,
      leaks: config.leaks,
      timeScale: config.clock.scale,
      ...(clockStart.pending ? { clockPending: true } : {}),
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
    log(`listening on ${url}, leaks [${config.leaks.join(',') || 'none'}], S=${config.clock.scale}, heartbeat ${app.heartbeat.pingIntervalMs}/${app.heartbeat.pingTimeoutMs} ms`);
    return { app, store };
  } catch (err) {
    // The store this process started outlives it otherwise (a failing CI run left 15 of them).
    await store?.stop().catch(() => undefined);
    throw err;
  }
}

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = readConfig(process.env, process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`rol-soak server: ${(err as Error).message}\n`);
    process.exitCode = err instanceof ConfigError ? 2 : 4;
    return;
  }
  // Read once; children (a resolved store, clinic) need not inherit the harness's secrets.
  for (const name of Object.values(TOKEN_ENV)) delete process.env[name];
  const clockStart = new ClockStart(config.clock, config.clockPending, config.clockToken);
  let running: { app: App; store: RunningStore | null };
  try {
    running = await start(config, clockStart);
  } catch (err) {
    process.stderr.write(`rol-soak server: cannot start: ${(err as Error).message}\n`);
    process.exit(4);
  }
  if (clockStart.pending) log(`clock pending: simulated time starts at POST ${ROUTES.clockStart}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: closing socket.io, http, mongoose`);
    setTimeout(() => {
      log(`graceful stop took over ${SHUTDOWN_GRACE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    running.app
      .close()
      .then(() => running.store?.stop())
      .then(
        () => {
          // Ends by draining the event loop, not process.exit(0): preloaded tools finish on
          // SIGINT/'beforeExit' with asynchronous writes (clinic heapprofiler's profile, clinic
          // doctor's last samples), which process.exit() would cut — measured: a 0-byte
          // .clinic-heapprofiler and clinic failing with "Unexpected end of JSON input".
          process.exitCode = 0;
          setTimeout(() => process.exit(0), DRAIN_MS).unref();
        },
        (err: unknown) => {
          log(`shutdown error: ${(err as Error).message}`);
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
