/**
 * Compiles a search filter on memory values into SQL conditions, with every
 * field name and value passed as a parameter. A field is a value key, or a
 * dotted path into nested objects (`"meta.source"`); its condition is a
 * JSON value (exact match) or an object of operators:
 * `$eq $ne $gt $gte $lt $lte $in $nin $exists`. Anything else is rejected
 * with `BAD_USER_INPUT` before a query runs.
 *
 * Semantics follow LangGraph's stores: a missing field never equals
 * anything, so it passes `$ne` and `$nin` and fails the rest; `$gt` and
 * friends compare numbers with numbers and strings with strings only.
 *
 * @example
 * ```ts
 * const conditions = compileFilter(sql, { kind: "fact", score: { $gte: 0.5 } });
 * await sql`SELECT key FROM memory_items WHERE ${and(sql, conditions)}`;
 * ```
 * @module
 */
import type { Fragment } from "postgres";
import { BadUserInputError } from "../../core/errors.ts";
import type { Queryable } from "../../db/sql.ts";

/** The operators a filter may use. */
export const FILTER_OPERATORS = [
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$exists",
] as const;
type Operator = typeof FILTER_OPERATORS[number];

const MAX_FIELDS = 32;
const MAX_PATH_DEPTH = 8;
const MAX_LIST = 1000;
const COMPARISONS: Record<string, string> = { $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" };

/** Compiles `filter` (absent, or an object) into conditions to AND together. */
export function compileFilter(sql: Queryable, filter: unknown, field = "filter"): Fragment[] {
  if (filter === undefined || filter === null) return [];
  const fail = (reason: string): never => {
    throw new BadUserInputError(`Invalid ${field}: ${reason}.`, { field });
  };
  if (typeof filter !== "object" || Array.isArray(filter)) {
    fail('expected an object such as {"kind": "fact", "score": {"$gte": 0.5}}');
  }
  const entries = Object.entries(filter as Record<string, unknown>);
  if (entries.length > MAX_FIELDS) fail(`at most ${MAX_FIELDS} fields are allowed`);
  const conditions: Fragment[] = [];
  for (const [name, condition] of entries) {
    const path = fieldPath(name, fail);
    if (isOperatorObject(condition)) {
      for (const [operator, operand] of Object.entries(condition)) {
        conditions.push(operatorCondition(sql, path, name, operator, operand, fail));
      }
    } else {
      conditions.push(sql`value #> ${path}::text[] = ${json(condition)}::text::jsonb`);
    }
  }
  return conditions;
}

/** `a AND b AND …`, or `true` when there is nothing to AND. */
export function and(sql: Queryable, conditions: Fragment[]): Fragment {
  return conditions.reduce((all, condition) => sql`${all} AND ${condition}`, sql`true`);
}

function fieldPath(name: string, fail: (reason: string) => never): string[] {
  if (name === "" || name.startsWith("$")) {
    fail(
      `field ${JSON.stringify(name)} is not a value key; operators go inside a field, ` +
        'as in {"score": {"$gt": 1}}',
    );
  }
  const path = name.split(".");
  if (path.length > MAX_PATH_DEPTH || path.some((part) => part === "")) {
    fail(`field ${JSON.stringify(name)} must be a dotted path of at most ${MAX_PATH_DEPTH} keys`);
  }
  return path;
}

function isOperatorObject(condition: unknown): condition is Record<string, unknown> {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
    return false;
  }
  const keys = Object.keys(condition);
  return keys.length > 0 && keys.some((key) => key.startsWith("$"));
}

function operatorCondition(
  sql: Queryable,
  path: string[],
  name: string,
  operator: string,
  operand: unknown,
  fail: (reason: string) => never,
): Fragment {
  const at = `${JSON.stringify(name)}`;
  if (!(FILTER_OPERATORS as readonly string[]).includes(operator)) {
    fail(
      `${at} uses ${JSON.stringify(operator)}; the operators are ${FILTER_OPERATORS.join(" ")}` +
        (operator.startsWith("$") ? "" : ", and a field's condition cannot mix them with keys"),
    );
  }
  const target = sql`value #> ${path}::text[]`;
  switch (operator as Operator) {
    case "$eq":
      return sql`${target} = ${json(operand)}::text::jsonb`;
    case "$ne":
      return sql`${target} IS DISTINCT FROM ${json(operand)}::text::jsonb`;
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      const kind = typeof operand === "number" && Number.isFinite(operand)
        ? "number"
        : typeof operand === "string"
        ? "string"
        : fail(`${at} ${operator} needs a number or a string, got ${JSON.stringify(operand)}`);
      // CASE keeps the comparison away from values of another JSON type.
      return sql`CASE WHEN jsonb_typeof(${target}) = ${kind} THEN ${target} ${
        sql.unsafe(COMPARISONS[operator]!)
      } ${json(operand)}::text::jsonb END`;
    }
    case "$in":
    case "$nin": {
      if (!Array.isArray(operand) || operand.length > MAX_LIST) {
        fail(`${at} ${operator} needs a list of at most ${MAX_LIST} values`);
      }
      const member = sql`${target} = ANY(ARRAY(SELECT jsonb_array_elements(${
        json(operand)
      }::text::jsonb)))`;
      return operator === "$in"
        ? sql`coalesce(${member}, false)`
        : sql`NOT coalesce(${member}, false)`;
    }
    case "$exists":
      if (typeof operand !== "boolean") fail(`${at} $exists needs true or false`);
      return operand ? sql`${target} IS NOT NULL` : sql`${target} IS NULL`;
  }
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
