/**
 * Mongoose schemas for users, buddy relations, buddy requests, messages and window layouts,
 * compiled per connection (the seed's leak #4 uses models on a fresh connection per event).
 * `strictQuery` drops unknown filter paths; `sanitizeFilter` is set on every connection.
 */
import { Schema, type Connection, type Model, type Types } from 'mongoose';

export interface UserDoc {
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: Date;
  lastSeen: Date | null;
}

/** One document per direction: a friendship is two relations. */
export interface BuddyRelationDoc {
  owner: string;
  buddy: string;
  since: Date;
}

export interface BuddyRequestDoc {
  _id: Types.ObjectId;
  from: string;
  to: string;
  status: 'pending' | 'accepted' | 'declined';
  createdAt: Date;
}

export interface MessageDoc {
  _id: Types.ObjectId;
  threadId: string;
  from: string;
  to: string;
  text: string;
  clientId: string;
  sentAt: Date;
  readAt: Date | null;
}

export interface WindowLayoutDoc {
  username: string;
  windowId: string;
  x: number;
  y: number;
  width: number;
  height: number;
  updatedAt: Date;
}

const options = { strict: true, strictQuery: true, versionKey: false } as const;

const userSchema = new Schema<UserDoc>(
  {
    username: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    passwordHash: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeen: { type: Date, default: null },
  },
  options,
);

const relationSchema = new Schema<BuddyRelationDoc>(
  {
    owner: { type: String, required: true },
    buddy: { type: String, required: true },
    since: { type: Date, required: true },
  },
  options,
);
relationSchema.index({ owner: 1, buddy: 1 }, { unique: true });

const requestSchema = new Schema<BuddyRequestDoc>(
  {
    from: { type: String, required: true },
    to: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'accepted', 'declined'] },
    createdAt: { type: Date, required: true },
  },
  options,
);
requestSchema.index({ to: 1, status: 1 });
requestSchema.index({ from: 1, to: 1 });
// At most one pending request per pair: concurrent duplicate requests insert one, the rest read
// it. Its own key (with `status`), so it never clashes with the plain index above on a store
// that already has it.
requestSchema.index({ from: 1, to: 1, status: 1 }, { unique: true, partialFilterExpression: { status: 'pending' } });

const messageSchema = new Schema<MessageDoc>(
  {
    threadId: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    text: { type: String, required: true },
    clientId: { type: String, required: true },
    sentAt: { type: Date, required: true },
    readAt: { type: Date, default: null },
  },
  options,
);
messageSchema.index({ threadId: 1, _id: -1 });
// The sender's idempotency key: a retried im:send (its ack was lost) finds the stored message.
messageSchema.index({ from: 1, clientId: 1 }, { unique: true });

const layoutSchema = new Schema<WindowLayoutDoc>(
  {
    username: { type: String, required: true },
    windowId: { type: String, required: true },
    x: { type: Number, required: true },
    y: { type: Number, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  options,
);
layoutSchema.index({ username: 1, windowId: 1 }, { unique: true });

export interface Models {
  readonly User: Model<UserDoc>;
  readonly BuddyRelation: Model<BuddyRelationDoc>;
  readonly BuddyRequest: Model<BuddyRequestDoc>;
  readonly Message: Model<MessageDoc>;
  readonly WindowLayout: Model<WindowLayoutDoc>;
}

const compiled = new WeakMap<Connection, Models>();

/** The models bound to a connection, compiled once per connection. */
export function modelsFor(conn: Connection): Models {
  const cached = compiled.get(conn);
  if (cached) return cached;
  const models: Models = {
    User: conn.model<UserDoc>('User', userSchema, 'users'),
    BuddyRelation: conn.model<BuddyRelationDoc>('BuddyRelation', relationSchema, 'buddy_relations'),
    BuddyRequest: conn.model<BuddyRequestDoc>('BuddyRequest', requestSchema, 'buddy_requests'),
    Message: conn.model<MessageDoc>('Message', messageSchema, 'messages'),
    WindowLayout: conn.model<WindowLayoutDoc>('WindowLayout', layoutSchema, 'window_layouts'),
  };
  compiled.set(conn, models);
  return models;
}
