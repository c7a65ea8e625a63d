/**
 * The assertion at the heart of the tenancy tests: another user's object
 * must look exactly like one that never existed.
 *
 * @module
 */
import assert from "node:assert/strict";

/** A GraphQL result as clients see it. */
export interface Result {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

/** Words that would tell an intruder the object exists but is someone else's. */
const REVEALING = /forbidden|permission|not allowed|belongs|owner|another user|access denied/i;

/**
 * Asserts `victim` (another user's id) and `missing` (an id that never
 * existed) are indistinguishable: both `NOT_FOUND`, no data beyond nulls,
 * the same message once each id is replaced by `<id>`, no wording that
 * reveals the object exists, and none of `secrets` (the owner's id, markers
 * in the owner's data) outside the ids the intruder sent.
 */
export function assertNotFoundWithoutLeak(
  victim: Result,
  missing: Result,
  options: { victimIds: string[]; missingIds: string[]; secrets: string[] },
): void {
  for (const [name, result] of [["victim", victim], ["missing", missing]] as const) {
    assert.equal(
      result.errors?.[0]?.extensions?.code,
      "NOT_FOUND",
      `${name}: ${JSON.stringify(result)}`,
    );
    assert.ok(
      Object.values(result.data ?? {}).every((v) => v === null),
      `${name} returned data: ${JSON.stringify(result.data)}`,
    );
  }
  const byLength = (ids: string[]) => [...ids].sort((a, b) => b.length - a.length);
  const strip = (text: string, ids: string[]) =>
    byLength(ids).reduce((t, id) => (id === "" ? t : t.replaceAll(id, "<id>")), text);
  const normalize = (result: Result, ids: string[]) =>
    (result.errors ?? []).map((e) => ({
      message: strip(e.message, ids),
      code: e.extensions?.code,
      path: e.path,
    }));
  assert.deepEqual(
    normalize(victim, options.victimIds),
    normalize(missing, options.missingIds),
    "another user's id answers differently from a missing one",
  );
  const text = strip(JSON.stringify(victim), options.victimIds);
  assert.doesNotMatch(text, REVEALING, `the answer reveals the object exists: ${text}`);
  for (const secret of options.secrets) {
    assert.ok(!text.includes(secret), `the answer leaks ${JSON.stringify(secret)}: ${text}`);
  }
}
