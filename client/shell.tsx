/**
 * `Shell`: the desktop (the seed's `ROLShell.tsx`). Owns the user's socket through the socket
 * module, polls `buddy:requests` every 10 simulated s, shows pending requests with an Accept
 * button, opens an IM window when a message arrives from someone without one, and hosts the
 * buddy list, IM windows and weather widget in draggable `Window`s.
 *
 * Leak `socket-no-disconnect` (seed #6): the unmount cleanup forgets the socket instead of
 * disconnecting it (navigation without `disconnectSocket()`), so the connection stays open on
 * both sides and the next mount opens another. Fixed: cleanup calls `disconnectSocket()`.
 */
import { useEffect, useState } from 'react';
import type { BuddyRequest, ImMessage, PublicUser } from '../common/events.js';
import { BuddyList } from './buddy-list.js';
import { useClientEnv, useLeak } from './client-context.js';
import { IMWindow } from './im-window.js';
import type { RolSocket } from './socket-client.js';
import { useSimInterval } from './use-sim-interval.js';
import { WeatherWindow } from './weather-window.js';
import { Window } from './window-frame.js';

/** The seed's buddy-request poll period, simulated ms. */
export const REQUEST_POLL_MS = 10_000;
/** IM windows open at once; opening one more closes the oldest. */
export const MAX_IM_WINDOWS = 6;

export interface ShellProps {
  readonly user: PublicUser;
  readonly token: string;
  readonly city?: string;
  readonly onLogoff?: () => void;
}

interface OpenIm {
  readonly participant: string;
  readonly initial?: ImMessage;
}

export function Shell({ user, token, city = 'Amsterdam', onLogoff }: ShellProps) {
  const { sockets, probe } = useClientEnv();
  const leakSocket = useLeak('socket-no-disconnect');
  const [socket, setSocket] = useState<RolSocket | null>(null);
  const [ims, setIms] = useState<readonly OpenIm[]>([]);
  const [pending, setPending] = useState<readonly BuddyRequest[]>([]);
  const [buddyVersion, setBuddyVersion] = useState(0);

  const openIm = (participant: string, initial?: ImMessage): void =>
    setIms((list) =>
      list.some((w) => w.participant === participant)
        ? list
        : [...list.slice(-(MAX_IM_WINDOWS - 1)), initial ? { participant, initial } : { participant }],
    );

  useEffect(() => {
    sockets.setToken(token);
    const s = sockets.getSocket();
    const onNew = (m: ImMessage): void => {
      probe.messageDelivered(m.id);
      openIm(m.from, m);
    };
    const onConnectError = (err: Error): void => probe.error('connect', err.message.slice(0, 40));
    s.on('im:new', onNew);
    s.on('connect_error', onConnectError);
    setSocket(s);
    return () => {
      s.off('im:new', onNew);
      s.off('connect_error', onConnectError);
      if (leakSocket) sockets.forgetSocket(); // the seed's bug: navigation never disconnects
      else sockets.disconnectSocket();
    };
  }, [sockets, token, probe, leakSocket]);

  useSimInterval(() => {
    const s = sockets.current();
    if (!s?.connected) return;
    probe.timerFired('request-poll');
    s.emit('buddy:requests', (reply) => {
      if ('error' in reply) return probe.error('buddy:requests', reply.error.code);
      const mine = reply.data.filter((r) => r.status === 'pending' && r.to === user.username);
      probe.pendingRequests(mine.map((r) => r.id));
      setPending((old) => (sameIds(old, mine) ? old : mine)); // a poll renders only on change
    });
  }, REQUEST_POLL_MS);

  const accept = (requestId: string): void => {
    socket?.emit('buddy:accept', { requestId }, (reply) => {
      if ('error' in reply) probe.error('buddy:accept', reply.error.code);
      setPending((list) => list.filter((r) => r.id !== requestId));
      setBuddyVersion((v) => v + 1);
    });
  };

  const logoff = (): void => {
    const s = sockets.current();
    if (!s?.connected) return onLogoff?.();
    s.timeout(5_000).emit('presence:logoff', () => onLogoff?.());
  };

  if (!socket) return null;
  return (
    <main className="rol-shell" data-user={user.username}>
      <button type="button" data-role="logoff" onClick={logoff}>
        Log off
      </button>
      {pending.map((r) => (
        <button key={r.id} type="button" data-accept={r.id} onClick={() => accept(r.id)}>
          Accept {r.from}
        </button>
      ))}
      <Window windowId="buddy-list" title={`${user.displayName}'s buddies`} initial={BUDDY_RECT} socket={socket}>
        <BuddyList socket={socket} refreshKey={buddyVersion} onOpenIm={(u) => openIm(u)} />
      </Window>
      <Window windowId="weather" title="Weather" initial={WEATHER_RECT} socket={socket}>
        <WeatherWindow city={city} token={token} />
      </Window>
      {ims.map((w, i) => (
        <Window
          key={w.participant}
          windowId={`im:${w.participant}`}
          title={`IM with ${w.participant}`}
          initial={{ x: 260 + 24 * i, y: 40 + 24 * i, width: 320, height: 260 }}
          socket={socket}
          onClose={() => setIms((list) => list.filter((x) => x.participant !== w.participant))}
        >
          <IMWindow socket={socket} participant={w.participant} currentUser={user} initial={w.initial} />
        </Window>
      ))}
    </main>
  );
}

const BUDDY_RECT = { x: 10, y: 10, width: 220, height: 400 };
const WEATHER_RECT = { x: 10, y: 420, width: 220, height: 140 };

function sameIds(a: readonly BuddyRequest[], b: readonly BuddyRequest[]): boolean {
  return a.length === b.length && a.every((r, i) => r.id === b[i]?.id);
}
