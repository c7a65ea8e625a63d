import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import { maskError } from "../../src/graphql/errors.ts";
import postgres from "postgres";
import {
  ConflictError,
  INTERNAL_MESSAGE,
  NotFoundError,
  UNAVAILABLE_RETRY_AFTER_SECONDS,
} from "../../src/core/errors.ts";
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

Deno.test("a refused database connection is UNAVAILABLE with retryAfter and HTTP 503, not INTERNAL", async () => {
  const { lines, logger } = collector();
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  const sql = postgres(`postgres://postgres@127.0.0.1:${port}/x`, { max: 1, onnotice: () => {} });
  const refused = await sql`SELECT 1`.then(() => undefined, (e) => e);
  await sql.end({ timeout: 1 });
  const wrapped = new GraphQLError(refused.message, { originalError: refused, path: ["threads"] });
  const masked = maskError(wrapped, logger);
  assert.equal(masked.extensions.code, "UNAVAILABLE");
  assert.equal(masked.extensions.retryAfter, UNAVAILABLE_RETRY_AFTER_SECONDS);
  assert.deepEqual(masked.extensions.http, {
    status: 503,
    headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  });
  assert.deepEqual(masked.path, ["threads"]);
  assert.doesNotMatch(masked.message, new RegExp(`ECONNREFUSED|${port}`));
  assert.deepEqual(lines.map((l) => [l.level, l.message, l.failure]), [
    ["WARNING", "database unreachable during a GraphQL operation", "refused"],
  ]);
});
