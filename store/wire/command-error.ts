/**
 * A command failure as mongod reports it: numeric `code` and `codeName` from the server's
 * error_codes.yml, so drivers and mongoose classify it exactly as they would a real server's.
 */
import type { Document } from 'bson';

export const ERROR_CODES = {
  BadValue: 2,
  FailedToParse: 9,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  InvalidOptions: 72,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotImplemented: 238,
  DuplicateKey: 11000,
} as const;

export type CodeName = keyof typeof ERROR_CODES;

export class CommandError extends Error {
  readonly code: number;
  constructor(
    readonly codeName: CodeName,
    message: string,
    /** Extra reply fields (e.g. keyPattern/keyValue for DuplicateKey). */
    readonly extra: Document = {},
  ) {
    super(message);
    this.code = ERROR_CODES[codeName];
  }

  toReply(): Document {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/** Operators mingo does not implement faithfully: refused instead of answered wrongly. */
const UNSUPPORTED_QUERY_OPERATORS = new Set([
  '$text', '$near', '$nearSphere', '$geoWithin', '$geoIntersects',
]);
/**
 * Server-side JavaScript, every operator mingo evaluates by calling a function (its query
 * `$where`, expression `$function`, accumulator `$accumulator`): refused as a mongod started
 * with `security.javascriptEnabled: false` refuses them. mingo is also run with
 * `scriptEnabled: false`, so one that slipped past this check would fail too.
 */
const SCRIPTING_OPERATORS = new Set(['$where', '$function', '$accumulator']);
const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$geoNear', '$search', '$searchMeta', '$vectorSearch', '$changeStream']);
/** Nesting checked at most (filters, updates, pipelines); deeper is refused, never left unchecked. */
const MAX_CHECKED_DEPTH = 64;

/** Throws NotImplemented when a filter/pipeline uses something the store would get wrong or must not run. */
export function assertSupported(value: unknown, what: string, depth = 0): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_CHECKED_DEPTH) {
    throw new CommandError('NotImplemented', `${what}: nested deeper than ${MAX_CHECKED_DEPTH} levels is not supported by the rol-soak wire store`);
  }
  if ((value as { _bsontype?: string })._bsontype === 'Decimal128') {
    throw new CommandError('NotImplemented', `${what}: Decimal128 comparison/arithmetic is not supported by the rol-soak wire store`);
  }
  if (Array.isArray(value)) {
    for (const item of value) assertSupported(item, what, depth + 1);
    return;
  }
  if ((value as { _bsontype?: string })._bsontype) return;
  for (const [key, inner] of Object.entries(value)) {
    if (SCRIPTING_OPERATORS.has(key)) {
      throw new CommandError('NotImplemented', `${what}: ${key} runs server-side JavaScript, which the rol-soak wire store refuses`);
    }
    if (UNSUPPORTED_QUERY_OPERATORS.has(key) || UNSUPPORTED_STAGES.has(key)) {
      throw new CommandError('NotImplemented', `${what}: ${key} is not supported by the rol-soak wire store`);
    }
    assertSupported(inner, what, depth + 1);
  }
}
