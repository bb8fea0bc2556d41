/**
 * `Window`: the retro desktop's window frame (the seed's `Window.tsx`): a title bar to drag, a
 * corner to resize, a close box. A gesture's end persists the layout with `window:layout`
 * (the server stores position and size per user and window).
 */
import type { ReactNode } from 'react';
import { useClientEnv } from './client-context.js';
import type { RolSocket } from './socket-client.js';
import { useDrag, type Rect } from './use-drag.js';

export interface WindowProps {
  readonly windowId: string;
  readonly title: string;
  readonly initial: Rect;
  readonly socket: RolSocket | null;
  readonly onClose?: () => void;
  readonly children?: ReactNode;
}

export function Window({ windowId, title, initial, socket, onClose, children }: WindowProps) {
  const { probe } = useClientEnv();
  const persist = (r: Rect): void => {
    if (!socket?.connected) return;
    socket.emit('window:layout', { windowId, x: r.x, y: r.y, width: r.width, height: r.height }, (reply) => {
      if ('error' in reply) probe.error('window:layout', reply.error.code);
    });
  };
  const { rect, isDragging, isResizing, onTitleMouseDown, onResizeMouseDown } = useDrag(initial, persist);
  return (
    <section
      className="window"
      data-window={windowId}
      data-state={isDragging ? 'dragging' : isResizing ? 'resizing' : 'idle'}
      style={{ left: rect.x, top: rect.y, width: rect.width, height: rect.height }}
    >
      <header data-role="titlebar" onMouseDown={(e) => onTitleMouseDown(e)}>
        <span>{title}</span>
        {onClose && (
          <button type="button" data-role="close" onClick={onClose}>
            x
          </button>
        )}
      </header>
      <div className="window-body">{children}</div>
      <div data-role="resize" onMouseDown={(e) => onResizeMouseDown(e)} />
    </section>
  );
}
