/**
 * Times every query of a postgres.js client into
 * `database_query_duration_seconds{query_type}`.
 *
 * postgres.js has no query hooks, and its queries are lazy promises that
 * also serve as fragments of other queries. So the client is wrapped: each
 * query object the tag returns gets its `handle` (called once, when the
 * query really runs) timed, and completion is observed with the base
 * `Promise.prototype.then`, which does not trigger execution. Fragments
 * never run on their own, so they are never counted.
 *
 * @module
 */
import type { Sql } from "postgres";
import type { Histogram } from "prom-client";

const KNOWN_TYPES = new Set([
  "select",
  "insert",
  "update",
  "delete",
  "with",
  "create",
  "alter",
  "drop",
  "begin",
  "commit",
  "rollback",
  "set",
  "lock",
  "savepoint",
  "release",
]);

/** The statement's first keyword, or `other`, as a bounded label. */
export function queryType(text: string): string {
  const keyword = /^\s*(?:--[^\n]*\n\s*)*([a-z]+)/i.exec(text)?.[1]?.toLowerCase() ?? "other";
  return KNOWN_TYPES.has(keyword) ? keyword : "other";
}

interface QueryLike extends Promise<unknown> {
  strings?: readonly string[] | string;
  handle?: () => Promise<void>;
}

function timeQuery(query: unknown, histogram: Histogram<"query_type">): void {
  const q = query as QueryLike;
  if (!(q instanceof Promise) || typeof q.handle !== "function") return;
  const original = q.handle.bind(q);
  let started = 0;
  q.handle = () => {
    if (started === 0) {
      started = performance.now();
      const text = Array.isArray(q.strings) ? q.strings[0] ?? "" : String(q.strings ?? "");
      const done = () =>
        histogram.observe({ query_type: queryType(text) }, (performance.now() - started) / 1000);
      Promise.prototype.then.call(q, done, done);
    }
    return original();
  };
}

/** Returns `sql` with every query, `unsafe` call and transaction query timed. */
export function instrumentSql<T extends Sql>(sql: T, histogram: Histogram<"query_type">): T {
  return new Proxy(sql, {
    apply(target, thisArg, args) {
      const result = Reflect.apply(target, thisArg, args);
      timeQuery(result, histogram);
      return result;
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === "unsafe" && typeof value === "function") {
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          timeQuery(result, histogram);
          return result;
        };
      }
      // Transactions and savepoints hand their callback a new client: wrap it too.
      if ((property === "begin" || property === "savepoint") && typeof value === "function") {
        return (...args: unknown[]) => {
          const wrapped = args.map((arg) =>
            typeof arg === "function"
              ? (tx: Sql) => (arg as (tx: Sql) => unknown)(instrumentSql(tx, histogram))
              : arg
          );
          return value.apply(target, wrapped);
        };
      }
      return value;
    },
  });
}
