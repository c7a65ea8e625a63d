/**
 * Tells a database that cannot store more from a bug, with the sentence a
 * client should read: SQLSTATE 53100 (disk_full) and 25006
 * (read_only_sql_transaction),
 * which embedded Postgres answers while its disk guard refuses writes
 * (src/db/disk_guard.ts). Such a request is worth retrying once an operator
 * has freed space, so the edge answers it as unavailable, not `INTERNAL`.
 *
 * @example
 * ```ts
 * const message = storageFailureMessage(error);
 * if (message) console.log(message); // "The database is out of disk space; …"
 * ```
 * @module
 */
import { errorChain } from "./failure_class.ts";

/** The client-facing sentence for a storage failure, or `undefined` for any other error. */
export function storageFailureMessage(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    const code = typeof link === "object" && link !== null
      ? (link as { code?: unknown }).code
      : undefined;
    if (code === "53100") {
      return "The database is out of disk space, so nothing can be written; retry once space is freed.";
    }
    if (code === "25006") {
      return "The database refuses writes right now (its disk is nearly full, or it is read-only); " +
        "reads still work, retry the write later.";
    }
  }
  return undefined;
}
