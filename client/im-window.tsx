/**
 * `IMWindow`: one conversation (the seed's `IMWindow.tsx`). Listens to `im:new`, `im:sent`,
 * `im:error`; tracks `currentThread`, a new object each time a message arrives or is
 * confirmed; sends with `im:send`; and marks read with `im:read` for every incoming message,
 * so each duplicate handler costs the server a read receipt.
 *
 * Leak `im-listeners` (seed #1), reproduced exactly as follows: the effect that registers the
 * three listeners has deps `[participant, currentUser, currentThread]`, and its cleanup removes
 * the handlers it reads from `handlersRef.current`, a ref assigned during render. By the time a
 * cleanup runs, React has already rendered the next version, so the ref holds the *new*
 * handlers: `socket.off` removes functions that were never added and the old ones stay (the bug
 * react-hooks/exhaustive-deps warns about: "the ref value will likely have changed by the time
 * this effect cleanup function runs"). Each `currentThread` change, i.e. each message in or
 * out, leaves three more listeners on the socket; every stale one still handles each message.
 *
 * Fixed (default): deps `[participant, currentUser?.username]`, handlers created inside the
 * effect and removed by the same reference, current thread read through a ref.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { AppError, ImMessage, PublicUser } from '../common/events.js';
import { threadIdFor } from '../common/events.js';
import { useClientEnv, useLeak } from './client-context.js';
import type { RolSocket } from './socket-client.js';

/** Messages kept on screen; older ones scroll away (bounded memory per window). */
const MAX_SHOWN = 50;

/** Appends unless already shown (duplicate handlers must not duplicate React keys). */
function appendOnce(list: readonly ImMessage[], m: ImMessage): readonly ImMessage[] {
  if (list.some((x) => x.id === m.id)) return list;
  return [...list.slice(-(MAX_SHOWN - 1)), m];
}

export interface Thread {
  readonly threadId: string;
  readonly lastMessageId: string | null;
  readonly count: number;
}

interface Handlers {
  handleNewMessage: (m: ImMessage) => void;
  handleSentMessage: (m: ImMessage) => void;
  handleError: (f: { clientId: string; error: AppError }) => void;
}

export interface IMWindowProps {
  readonly socket: RolSocket;
  readonly participant: string;
  readonly currentUser: PublicUser;
  /** A message that opened this window (delivered before its listeners existed). */
  readonly initial?: ImMessage;
}

export function IMWindow({ socket, participant, currentUser, initial }: IMWindowProps) {
  const { probe, ackTimeoutMs = 10_000 } = useClientEnv();
  const leak = useLeak('im-listeners');
  const [messages, setMessages] = useState<readonly ImMessage[]>(initial ? [initial] : []);
  const [currentThread, setCurrentThread] = useState<Thread>(() => ({
    threadId: threadIdFor(currentUser.username, participant),
    lastMessageId: initial?.id ?? null,
    count: initial ? 1 : 0,
  }));
  const threadRef = useRef(currentThread);
  threadRef.current = currentThread;
  const inputRef = useRef<HTMLInputElement>(null);
  const sequence = useRef(0);
  // The server keeps one message per (sender, clientId) (a retried send returns the stored one),
  // so clientIds must not repeat when this window mounts again or a later run reuses the name.
  const mountTag = useRef('');
  if (mountTag.current === '') mountTag.current = crypto.randomUUID().slice(0, 8);

  const advance = (m: ImMessage): void =>
    setCurrentThread((t) => ({ threadId: t.threadId, lastMessageId: m.id, count: t.count + 1 }));

  const makeHandlers = (thread: () => Thread): Handlers => ({
    handleNewMessage: (m) => {
      if (m.from !== participant) return;
      probe.messageHandled(m.id);
      setMessages((list) => appendOnce(list, m));
      advance(m);
      // Read receipt: real server work per handler call, so duplicate handlers cost the server.
      socket.emit('im:read', { threadId: thread().threadId, upTo: m.id }, (reply) => {
        if ('error' in reply) probe.error('im:read', reply.error.code);
      });
    },
    handleSentMessage: (m) => {
      if (m.to !== participant) return;
      setMessages((list) => appendOnce(list, m));
      advance(m);
    },
    handleError: (f) => {
      if (!f.clientId.startsWith(`${currentUser.username}>${participant}#`)) return;
      probe.messageFailed(f.clientId, f.error.code);
    },
  });

  const handlersRef = useRef<Handlers | null>(null);
  const renderHandlers = makeHandlers(() => currentThread); // closes over this render's thread
  handlersRef.current = renderHandlers; // assigned during render: the leak's stale-ref source

  // Leak variant: the seed's effect, deps include currentThread and currentUser (an object).
  useEffect(() => {
    if (!leak) return;
    const { handleNewMessage, handleSentMessage, handleError } = renderHandlers;
    socket.on('im:new', handleNewMessage);
    socket.on('im:sent', handleSentMessage);
    socket.on('im:error', handleError);
    return () => {
      const current = handlersRef.current as Handlers; // already the next render's handlers
      socket.off('im:new', current.handleNewMessage);
      socket.off('im:sent', current.handleSentMessage);
      socket.off('im:error', current.handleError);
    };
  }, [leak, socket, participant, currentUser, currentThread]);

  // Fixed variant: registered once per participant/user, removed by the same references.
  const username = currentUser.username;
  useEffect(() => {
    if (leak) return;
    const { handleNewMessage, handleSentMessage, handleError } = makeHandlers(() => threadRef.current);
    socket.on('im:new', handleNewMessage);
    socket.on('im:sent', handleSentMessage);
    socket.on('im:error', handleError);
    return () => {
      socket.off('im:new', handleNewMessage);
      socket.off('im:sent', handleSentMessage);
      socket.off('im:error', handleError);
    };
  }, [leak, socket, participant, username]);

  const send = (e: FormEvent): void => {
    e.preventDefault();
    const input = inputRef.current;
    const text = input?.value.trim() ?? '';
    if (!input || text === '') return;
    input.value = '';
    sequence.current += 1;
    const clientId = `${username}>${participant}#${mountTag.current}.${sequence.current}`;
    probe.messageSent(clientId);
    socket.timeout(ackTimeoutMs).emit('im:send', { to: participant, text, clientId }, (err, reply) => {
      if (err) probe.messageFailed(clientId, 'ack-timeout');
      else if ('error' in reply) probe.messageFailed(clientId, reply.error.code);
      else probe.messageAcked(clientId);
    });
  };

  return (
    <div className="im" data-im={participant} data-thread-count={currentThread.count}>
      <ol>
        {messages.map((m) => (
          <li key={m.id} data-from={m.from}>
            {m.text}
          </li>
        ))}
      </ol>
      <form data-role="im-form" onSubmit={send}>
        <input data-role="im-input" ref={inputRef} />
        <button type="submit">Send</button>
      </form>
    </div>
  );
}
