/**
 * Ids. Ids are UUIDs; anything else cannot name a row,
 * so it answers NOT_FOUND without a query (and never reaches Postgres as a
 * malformed uuid, which would be an internal error).
 *
 * @module
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
