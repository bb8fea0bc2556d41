/**
 * Command dispatch: the first key of the command document names it (mongod's rule). Anything
 * unknown is CommandNotFound (59); transactions are refused as a standalone mongod refuses them
 * (IllegalOperation, 20), never faked.
 */
import type { Document } from 'bson';
import { ADMIN_COMMANDS } from './commands-admin.js';
import { CRUD_COMMANDS } from './commands-crud.js';
import { CommandError } from './command-error.js';
import type { CommandContext, Handler } from './context.js';

const TRANSACTION_COMMANDS = new Set(['commitTransaction', 'abortTransaction']);

const HANDLERS = new Map<string, Handler>(Object.entries({ ...ADMIN_COMMANDS, ...CRUD_COMMANDS }));

export function commandName(cmd: Document): string {
  return Object.keys(cmd)[0] ?? '';
}

function refuseTransactions(name: string, cmd: Document): void {
  if (TRANSACTION_COMMANDS.has(name) || cmd.txnNumber !== undefined || cmd.startTransaction === true || cmd.autocommit === false) {
    throw new CommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos');
  }
}

/** Collation would change comparisons and sort order; ignoring it would answer wrongly. */
function refuseCollation(cmd: Document): void {
  const statements = [cmd, ...((cmd.updates as Document[] | undefined) ?? []), ...((cmd.deletes as Document[] | undefined) ?? [])];
  if (statements.some((s) => s.collation !== undefined)) {
    throw new CommandError('NotImplemented', 'collation is not supported by the rol-soak wire store');
  }
}

/** Runs one command and always returns a reply document (errors become `ok: 0`). */
export function runCommand(cmd: Document, ctx: CommandContext): Document {
  const name = commandName(cmd);
  try {
    refuseTransactions(name, cmd);
    refuseCollation(cmd);
    const handler = HANDLERS.get(name);
    if (!handler) throw new CommandError('CommandNotFound', `no such command: '${name}'`);
    return handler(cmd, ctx);
  } catch (err) {
    if (err instanceof CommandError) return err.toReply();
    const message = err instanceof Error ? err.message : String(err);
    return { ok: 0, errmsg: `internal error in ${name}: ${message}`, code: 1, codeName: 'InternalError' };
  }
}
