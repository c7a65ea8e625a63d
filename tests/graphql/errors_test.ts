import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import { maskError } from "../../src/graphql/errors.ts";
import { ConflictError, INTERNAL_MESSAGE, NotFoundError } from "../../src/core/errors.ts";
import { createLogger } from "../../src/observability/logger.ts";

function collector() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    name: "test",
    write: (l) => lines.push(JSON.parse(l)),
  });
  return { lines, logger };
}

Deno.test("an unexpected fault is masked as INTERNAL with no SQL or stack, and logged", () => {
  const { lines, logger } = collector();
  const fault = new Error('relation "secret_table" does not exist: SELECT * FROM secret_table');
  const wrapped = new GraphQLError(fault.message, { originalError: fault, path: ["thread"] });
  const masked = maskError(wrapped, logger);
  assert.equal(masked.message, INTERNAL_MESSAGE);
  assert.deepEqual(masked.extensions, { code: "INTERNAL" });
  assert.deepEqual(masked.path, ["thread"]);
  const serialized = JSON.stringify(masked.toJSON());
  assert.ok(!serialized.includes("secret_table"));
  assert.ok(!serialized.includes("at "), "a stack frame leaked");
  assert.equal(lines.length, 1);
  assert.match(JSON.stringify(lines[0]?.exception), /secret_table/);
});

Deno.test("app errors keep their code, message and extensions through the wrapper", () => {
  const { logger, lines } = collector();
  const conflict = new ConflictError("Thread t1 is busy with run r1; wait or cancel it.", {
    runId: "r1",
  });
  const wrapped = new GraphQLError(conflict.message, { originalError: conflict, path: ["x"] });
  const kept = maskError(wrapped, logger);
  assert.equal(kept.message, conflict.message);
  assert.deepEqual(kept.extensions, { runId: "r1", code: "CONFLICT" });
  assert.deepEqual(kept.path, ["x"]);
  assert.equal(maskError(new NotFoundError("gone"), logger).extensions.code, "NOT_FOUND");
  assert.equal(lines.length, 0, "client errors are not logged as faults");
});

Deno.test("a variable that fails coercion is BAD_USER_INPUT, not a fault", () => {
  const { logger, lines } = collector();
  const coercion = new GraphQLError('Value "DONE" does not exist in "TaskStatus" enum.');
  const wrapped = new GraphQLError(
    `Variable "$status" got invalid value "DONE"; ${coercion.message}`,
    { originalError: coercion },
  );
  const masked = maskError(wrapped, logger);
  assert.equal(masked.extensions.code, "BAD_USER_INPUT");
  assert.match(masked.message, /"DONE" does not exist in "TaskStatus"/);
  assert.equal(lines.length, 0);
});
