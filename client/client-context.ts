/**
 * What every component of the reference client gets from its host through React context: the
 * simulated clock (all timers), the client-side leak switches, the per-user socket module, the
 * REST base and token, the document the user's window lives in, and the probe.
 */
import { createContext, useContext } from 'react';
import type { LeakId } from '../common/leaks.js';
import type { SimClock } from '../common/sim-clock.js';
import type { ClientProbe } from './client-probe.js';
import type { SocketClient } from './socket-client.js';

export interface ClientEnv {
  readonly clock: SimClock;
  /** Client-side leak switches that are on (leaksForSide(leaks, 'client')); empty = the seed's fixes. */
  readonly leaks: ReadonlySet<LeakId>;
  readonly sockets: SocketClient;
  /** Server base URL for REST, e.g. `http://127.0.0.1:4000`. */
  readonly apiBase: string;
  /** The user's document: drag listeners go here, not on a realm-global document. */
  readonly document: Document;
  readonly probe: ClientProbe;
  /** Real ms an ack may take before the client counts it as failed. @default 10000 */
  readonly ackTimeoutMs?: number;
}

export const ClientEnvContext = createContext<ClientEnv | null>(null);

export function useClientEnv(): ClientEnv {
  const env = useContext(ClientEnvContext);
  if (!env) throw new Error('reference client rendered outside <ClientEnvContext.Provider>');
  return env;
}

export function useLeak(id: LeakId): boolean {
  return useClientEnv().leaks.has(id);
}
