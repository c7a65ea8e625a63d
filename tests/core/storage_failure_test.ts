import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import { storageFailureMessage } from "../../src/core/storage_failure.ts";
import { maskError } from "../../src/graphql/errors.ts";
import { createLogger } from "../../src/observability/logger.ts";

/** An error shaped as postgres.js rejects a query the server refused with `sqlstate`. */
function postgresError(sqlstate: string, message: string): Error {
  return Object.assign(new Error(message), { code: sqlstate, severity: "ERROR" });
}

const silent = createLogger({ level: "error", name: "test", write: () => {} });

Deno.test("a full disk (53100) answers UNAVAILABLE with a clear sentence and HTTP 503", () => {
  const fault = postgresError(
    "53100",
    'could not extend file "base/5/16384": No space left on device',
  );
  const masked = maskError(
    new GraphQLError(fault.message, { originalError: fault, path: ["x"] }),
    silent,
  );
  assert.equal(masked.extensions.code, "UNAVAILABLE");
  assert.match(masked.message, /out of disk space/);
  assert.doesNotMatch(masked.message, /base\/5|extend file/);
  assert.ok(Number(masked.extensions.retryAfter) > 0);
  assert.equal((masked.extensions.http as { status: number }).status, 503);
});

Deno.test("writes refused by the embedded disk guard (25006) answer UNAVAILABLE", () => {
  const fault = postgresError("25006", "cannot execute INSERT in a read-only transaction");
  const masked = maskError(
    new GraphQLError(fault.message, { originalError: fault, path: ["x"] }),
    silent,
  );
  assert.equal(masked.extensions.code, "UNAVAILABLE");
  assert.match(masked.message, /disk is nearly full/);
});

Deno.test("other SQLSTATEs are not storage failures, through a cause chain too", () => {
  assert.equal(storageFailureMessage(postgresError("23505", "duplicate key")), undefined);
  assert.equal(storageFailureMessage(new Error("no code")), undefined);
  assert.equal(storageFailureMessage("53100"), undefined);
  const wrapped = new Error("checkpoint write failed", { cause: postgresError("53100", "full") });
  assert.match(storageFailureMessage(wrapped)!, /out of disk space/);
});
