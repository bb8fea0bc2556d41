/**
 * Drag and resize of a window frame through `document` mousemove / mouseup, as the seed's
 * `Window.tsx` does. Positions are CSS px.
 *
 * Fixed (default, the seed analysis' fix): one effect keyed on `[isDragging, isResizing]`
 * adds both listeners when a gesture starts and its cleanup removes the same function objects
 * when it ends.
 *
 * Leak `drag-listeners` (seed #3): mousedown adds *wrapper* arrows
 * (`e => handleMouseMove(e)`) and mouseup removes `handleMouseMove` / `handleMouseUp`, function
 * objects that were never added, so removal is a no-op and each drag leaves one mousemove and
 * one mouseup listener on `document`. The stale wrappers keep running on every later mouse
 * event; a ref guard keeps them from persisting the layout more than once per gesture.
 */
import { useEffect, useRef, useState } from 'react';
import { useClientEnv, useLeak } from './client-context.js';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

type Gesture = { mode: 'drag' | 'resize'; startX: number; startY: number; from: Rect };

/** Smallest window, px: a resize never collapses the frame. */
const MIN_SIZE = 120;

export interface DragState {
  readonly rect: Rect;
  readonly isDragging: boolean;
  readonly isResizing: boolean;
  readonly onTitleMouseDown: (e: { clientX: number; clientY: number }) => void;
  readonly onResizeMouseDown: (e: { clientX: number; clientY: number }) => void;
}

export function useDrag(initial: Rect, onGestureEnd: (rect: Rect) => void): DragState {
  const { document } = useClientEnv();
  const leak = useLeak('drag-listeners');
  const [rect, setRect] = useState(initial);
  const [isDragging, setIsDragging] = useState(false);
  const [isResizing, setIsResizing] = useState(false);
  const gesture = useRef<Gesture | null>(null);
  const rectRef = useRef(rect);
  rectRef.current = rect;
  const endRef = useRef(onGestureEnd);
  endRef.current = onGestureEnd;

  const handleMouseMove = (e: MouseEvent): void => {
    const g = gesture.current;
    if (!g) return;
    const dx = e.clientX - g.startX;
    const dy = e.clientY - g.startY;
    const next =
      g.mode === 'drag'
        ? { ...g.from, x: g.from.x + dx, y: g.from.y + dy }
        : { ...g.from, width: Math.max(MIN_SIZE, g.from.width + dx), height: Math.max(MIN_SIZE, g.from.height + dy) };
    rectRef.current = next;
    setRect(next);
  };

  const handleMouseUp = (): void => {
    if (!gesture.current) return; // already ended (stale leaked listeners land here)
    gesture.current = null;
    setIsDragging(false);
    setIsResizing(false);
    endRef.current(rectRef.current);
  };

  // Fixed path: listeners live exactly as long as a gesture.
  useEffect(() => {
    if (leak || (!isDragging && !isResizing)) return;
    const move = (e: MouseEvent) => handleMouseMove(e);
    const up = () => handleMouseUp();
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
    return () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
    };
    // handleMouseMove/Up read refs only, so the effect need not re-run when they change.
  }, [isDragging, isResizing, leak, document]);

  const start = (mode: Gesture['mode'], e: { clientX: number; clientY: number }): void => {
    gesture.current = { mode, startX: e.clientX, startY: e.clientY, from: rectRef.current };
    if (mode === 'drag') setIsDragging(true);
    else setIsResizing(true);
    if (leak) {
      // The seed's bug: wrappers are added, the named handlers are "removed" on mouseup.
      document.addEventListener('mousemove', (ev) => handleMouseMove(ev));
      document.addEventListener('mouseup', () => {
        handleMouseUp();
        document.removeEventListener('mousemove', handleMouseMove);
        document.removeEventListener('mouseup', handleMouseUp);
      });
    }
  };

  return {
    rect,
    isDragging,
    isResizing,
    onTitleMouseDown: (e) => start('drag', e),
    onResizeMouseDown: (e) => start('resize', e),
  };
}
