/**
 * Builds the real app in-process for tests: embedded Postgres in memory and
 * the in-memory cache unless `env` says otherwise, with logs collected.
 *
 * @module
 */
import { type App, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { GENEROUS_RATE_LIMITS } from "./rate_limits.ts";
import "./pglite_template.ts";

export { GENEROUS_RATE_LIMITS };

/** An app plus the log lines it wrote. */
export interface TestApp extends App {
  logs: Record<string, unknown>[];
  /** POSTs a GraphQL operation and returns the parsed body. */
  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLBody>;
}

/** A GraphQL response body. */
export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[];
}

/** Starts an app; close it with `await app.close()`. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const logs: Record<string, unknown>[] = [];
  const config = loadConfig({ PGLITE_DATA_DIR: "memory://", ...GENEROUS_RATE_LIMITS, ...env });
  const logger = createLogger({
    level: "debug",
    name: "graphmind",
    write: (line) => logs.push(JSON.parse(line)),
  });
  const app = await createApp(config, { logger });
  return {
    ...app,
    logs,
    async graphql(query, variables = {}, headers = {}) {
      const response = await app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ query, variables }),
        }),
      );
      return await response.json();
    },
  };
}
