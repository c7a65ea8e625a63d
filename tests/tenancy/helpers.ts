/**
 * Small shortcuts the domain attack suites share on top of
 * tests/support/tenants.ts: successful operations as a tenant, waiting for a
 * run, and refused inputs counted in the tally.
 *
 * @module
 */
import assert from "node:assert/strict";
import { badInput } from "../support/tally.ts";
import type { Result, TenantName, Tenants, Transport } from "../support/tenants.ts";

/** Runs an operation over HTTP and fails the test on any error; returns `data`. */
export async function ok(
  t: Tenants,
  as: TenantName,
  query: string,
  variables: Record<string, unknown> = {},
  // deno-lint-ignore no-explicit-any
): Promise<Record<string, any>> {
  const result = await t.http(as, query, variables);
  assert.equal(result.errors, undefined, `${query}: ${JSON.stringify(result.errors)}`);
  return result.data as Record<string, unknown>;
}

const RUN = "query ($id: ID!) { run(id: $id) { status } }";

/** Polls `run(id)` as its owner until `done(status)` holds. */
export async function waitForRun(
  t: Tenants,
  as: TenantName,
  runId: string,
  done: (status: string) => boolean = (s) => !["PENDING", "RUNNING"].includes(s),
  timeoutMs = 15_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await ok(t, as, RUN, { id: runId })).run.status as string;
    if (done(status)) return status;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Sends input the API must refuse, counts it as a bad input, and asserts
 * `BAD_USER_INPUT` whose field or message matches `field`, with no data.
 */
export async function refuses(
  t: Tenants,
  what: string,
  options: {
    as: TenantName;
    query: string;
    variables?: Record<string, unknown>;
    field: RegExp;
    transport?: Transport;
  },
): Promise<Result> {
  badInput(what);
  const [result] = await t.run(
    options.transport ?? "http",
    options.as,
    options.query,
    options.variables ?? {},
    { take: 1 },
  );
  const error = result?.errors?.[0];
  assert.equal(error?.extensions?.code, "BAD_USER_INPUT", `${what}: ${JSON.stringify(result)}`);
  assert.match(`${error?.extensions?.field ?? ""} ${error?.message}`, options.field, what);
  assert.ok(
    Object.values(result?.data ?? {}).every((v) => v === null),
    `${what} returned data: ${JSON.stringify(result?.data)}`,
  );
  return result!;
}

/** How many rows `table` holds, or those whose `column` is `value`. */
export async function countRows(
  t: Tenants,
  table: string,
  where?: [column: string, value: string],
): Promise<number> {
  const sql = t.app.database.sql;
  const [row] = where === undefined
    ? await sql`SELECT count(*)::int AS count FROM ${sql(table)}`
    : await sql`SELECT count(*)::int AS count FROM ${sql(table)} WHERE ${sql(where[0])} = ${
      where[1]
    }`;
  return row?.count as number;
}
