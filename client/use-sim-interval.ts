/**
 * The client's periodic timers (buddy ping 10 s, request poll 10 s, weather 15 min), in
 * simulated ms through the SimClock, so a timer tick costs a callback, never a render.
 *
 * Leak `intervals` (seed #5): the interval is created on mount and never cleared, so every
 * remount (reload, log off/on) adds one more that keeps firing through the latest callback.
 */
import { useEffect, useRef } from 'react';
import { useClientEnv, useLeak } from './client-context.js';

export function useSimInterval(callback: () => void, simMs: number): void {
  const { clock } = useClientEnv();
  const leak = useLeak('intervals');
  const callbackRef = useRef(callback);
  useEffect(() => {
    callbackRef.current = callback;
  });
  useEffect(() => {
    const handle = clock.setInterval(() => callbackRef.current(), simMs);
    if (leak) return; // the seed's bug: no cleanup, the interval outlives the component
    return () => clock.clearInterval(handle);
  }, [clock, simMs, leak]);
}
