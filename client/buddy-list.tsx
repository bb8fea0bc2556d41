/**
 * `BuddyList`: buddies with presence (the seed's `BuddyList.tsx`). Loads with `buddy:list` on
 * connect and whenever `refreshKey` changes, follows `presence:update`, pings
 * `presence:ping` every 10 simulated s, and opens an IM window on click. A ping tick does not
 * render; a presence change renders only when a shown flag actually flips.
 */
import { useEffect, useState } from 'react';
import type { PublicUser } from '../common/events.js';
import { useClientEnv } from './client-context.js';
import type { RolSocket } from './socket-client.js';
import { useSimInterval } from './use-sim-interval.js';

/** The seed's presence ping period, simulated ms. */
export const PRESENCE_PING_MS = 10_000;

export interface BuddyListProps {
  readonly socket: RolSocket;
  readonly onOpenIm: (username: string) => void;
  /** Bumped by the Shell when the buddy set may have changed (a request accepted). */
  readonly refreshKey: number;
}

export function BuddyList({ socket, onOpenIm, refreshKey }: BuddyListProps) {
  const { sockets, probe } = useClientEnv();
  const [buddies, setBuddies] = useState<readonly PublicUser[]>([]);

  useEffect(() => {
    const load = (): void => {
      socket.emit('buddy:list', (reply) => {
        if ('error' in reply) probe.error('buddy:list', reply.error.code);
        else setBuddies(reply.data);
      });
    };
    const onPresence = (u: { username: string; online: boolean }): void =>
      setBuddies((list) => {
        const i = list.findIndex((b) => b.username === u.username);
        if (i < 0 || list[i]?.online === u.online) return list; // no visible change, no render
        return list.map((b, j) => (j === i ? { ...b, online: u.online } : b));
      });
    if (socket.connected) load();
    socket.on('connect', load);
    socket.on('buddy:accepted', load);
    socket.on('presence:update', onPresence);
    return () => {
      socket.off('connect', load);
      socket.off('buddy:accepted', load);
      socket.off('presence:update', onPresence);
    };
  }, [socket, refreshKey, probe]);

  // Through `sockets.current()`: a leaked interval pings over whatever socket is current now.
  useSimInterval(() => {
    const s = sockets.current();
    if (!s?.connected) return;
    probe.timerFired('presence-ping');
    s.emit('presence:ping', (reply) => {
      if ('error' in reply) probe.error('presence:ping', reply.error.code);
    });
  }, PRESENCE_PING_MS);

  return (
    <ul className="buddies">
      {buddies.map((b) => (
        <li key={b.username} data-online={b.online ? 'yes' : 'no'}>
          <button type="button" data-buddy={b.username} onClick={() => onOpenIm(b.username)}>
            {b.displayName}
          </button>
        </li>
      ))}
    </ul>
  );
}
