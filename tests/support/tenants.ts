/**
 * Cross-tenant test machinery: the real app in the staging profile (tokens
 * required) with signed tokens for `alice`, `bob` and an `admin`, GraphQL as
 * each of them over HTTP, SSE (graphql-sse) and WebSocket (graphql-ws), and
 * assertions that another user's ids answer exactly like ids that never
 * existed: `NOT_FOUND`, the same message, no data, nothing of the owner's.
 *
 * ## Plugging a domain's attacks in
 *
 * Write `tests/tenancy/<domain>_test.ts`. As alice, create what your domain
 * stores, with a unique marker in every text field. Then, as bob:
 *
 * ```ts
 * const t = await startTenants();
 * const thread = await t.http("alice", CREATE_THREAD, { input: { title: `secret ${t.marker}` } });
 * // Every query, mutation and subscription that takes an id, on every transport:
 * await t.attempt("thread(id)", {
 *   as: "bob",
 *   query: "query ($id: ID!) { thread(id: $id) { id title } }",
 *   variables: { id: threadId },
 *   missing: { id: crypto.randomUUID() }, // same shape, an id that never existed
 *   transports: ["http", "ws"],
 *   unchanged: { as: "alice", query: "query ($id: ID!) { thread(id: $id) { title } }", variables: { id: threadId } },
 * });
 * // Lists and searches must not contain the victim's markers:
 * await t.invisible("threads as bob", { as: "bob", query: "{ threads(first: 50) { edges { node { title } } } }" });
 * await t.close();
 * ```
 *
 * `attempt` counts one cross-tenant attempt per transport and `invisible`
 * one per call (tests/support/tally.ts); use `badInput()` from the tally for
 * refused inputs. What each domain must attack (issue 5):
 *
 * - threads: `thread(id)`, `threads` (list), `updateThread`, `deleteThread`,
 *   `sendMessage` and `chat` on another's thread;
 * - runs: `run(id)`, `resumeRun`, `cancelRun`, `runEvents(runId)` over SSE
 *   and WebSocket (subscribing to another user's run);
 * - memory: `memory(namespace, key)`, `putMemory`/`deleteMemory` on the same
 *   path, `searchMemories` and `memoryNamespaces` with crafted prefixes
 *   (`[]`, `[""]`, `["*"]`, `[".."]`, `["alice"]`, the victim's own path),
 *   `consolidateMemories`;
 * - project: `updateTaskStatus` as a non-admin if tasks are shared.
 *
 * Admins: where an admin may read across users, assert it with
 * `t.http("admin", ...)`; everywhere else the admin is just another user.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { type Client as WsClient, createClient as createWsClient } from "graphql-ws";
import { signJwt } from "../../src/auth/jwt.ts";
import { startTestApp, type TestApp } from "./app.ts";
import { crossTenant } from "./tally.ts";
import { assertNotFoundWithoutLeak, type Result } from "./leak_assertions.ts";

export { assertNotFoundWithoutLeak, type Result };

/** The secret the tenants' tokens are signed with. */
export const TENANT_SECRET = "tenancy-secret-0123456789abcdef";

/** Who a request acts for. */
export type TenantName = "alice" | "bob" | "admin";
/** How a request travels. */
export type Transport = "http" | "sse" | "ws";

/** One user: their id (the token's `sub`), roles and bearer token. */
export interface Tenant {
  id: string;
  roles: string[];
  token: string;
}

/** One operation, as someone, possibly compared with a missing id. */
export interface Attempt {
  as: TenantName;
  query: string;
  variables?: Record<string, unknown>;
  /** The same variables with ids that never existed; default: every string variable replaced. */
  missing?: Record<string, unknown>;
  /** Default `["http"]`; subscriptions want `["sse", "ws"]`. */
  transports?: Transport[];
  /** A read whose answer must be the same before and after (for mutations). */
  unchanged?: { as: TenantName; query: string; variables?: Record<string, unknown> };
}

/** The running app, its users, and the helpers. */
export interface Tenants {
  app: TestApp;
  /** The app served on loopback, for WebSocket clients. */
  url: string;
  alice: Tenant;
  bob: Tenant;
  admin: Tenant;
  /** Unique per start; put it in the victim's data so leaks can be searched for. */
  marker: string;
  /** Runs an operation over one transport; subscriptions collect until complete or `take`. */
  run(
    transport: Transport,
    as: TenantName,
    query: string,
    variables?: Record<string, unknown>,
    options?: { take?: number },
  ): Promise<Result[]>;
  /** Like {@linkcode Tenants.run} with any bearer token (a forged one, say); WebSockets are fresh. */
  runWithToken(
    transport: Transport,
    token: string,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Result[]>;
  /** One query or mutation over HTTP; the single result. */
  http(as: TenantName, query: string, variables?: Record<string, unknown>): Promise<Result>;
  /**
   * Asserts another user's ids answer exactly like missing ids on each
   * transport, and that `unchanged` reads the same afterwards.
   */
  attempt(what: string, attempt: Attempt): Promise<void>;
  /** Asserts a successful answer that contains no marker of another user. */
  invisible(
    what: string,
    options: {
      as: TenantName;
      query: string;
      variables?: Record<string, unknown>;
      markers?: string[];
    },
  ): Promise<Result>;
  close(): Promise<void>;
}

function stringValues(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringValues);
  if (typeof value === "object" && value !== null) {
    return Object.values(value).flatMap(stringValues);
  }
  return [];
}

function replaceStrings(value: unknown): unknown {
  if (typeof value === "string") return `missing-${crypto.randomUUID()}`;
  if (Array.isArray(value)) return value.map(replaceStrings);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v)]));
  }
  return value;
}

/** Starts the app (staging unless `env` says otherwise) with three users. */
export async function startTenants(env: Record<string, string> = {}): Promise<Tenants> {
  const app = await startTestApp({ ENVIRONMENT: "staging", SECRET_KEY: TENANT_SECRET, ...env });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const url = `http://127.0.0.1:${server.addr.port}/graphql`;
  const marker = `marker-${crypto.randomUUID()}`;
  const make = async (id: string, roles: string[]): Promise<Tenant> => ({
    id,
    roles,
    token: await signJwt({ sub: id, roles }, TENANT_SECRET, { expiresInSeconds: 3600 }),
  });
  const users: Record<TenantName, Tenant> = {
    alice: await make("alice", ["user"]),
    bob: await make("bob", ["user"]),
    admin: await make("root-admin", ["admin"]),
  };
  const sockets = new Map<TenantName, WsClient>();

  function wsClient(token: string): WsClient {
    return createWsClient({
      url: url.replace("http", "ws"),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
  }

  /** One socket per tenant, reused, as a real client keeps its connection. */
  function ws(as: TenantName): WsClient {
    let client = sockets.get(as);
    if (client === undefined) {
      client = wsClient(users[as].token);
      sockets.set(as, client);
    }
    return client;
  }

  async function collect(iterable: AsyncIterable<Result>, take: number): Promise<Result[]> {
    const results: Result[] = [];
    try {
      for await (const result of iterable) {
        results.push(result);
        if (results.length >= take) break;
      }
    } catch (error) {
      // graphql-ws and graphql-sse reject with the operation's GraphQL errors.
      results.push({ errors: Array.isArray(error) ? error : [{ message: String(error) }] });
    }
    return results;
  }

  async function execute(
    transport: Transport,
    token: string,
    socket: WsClient | undefined,
    query: string,
    variables: Record<string, unknown>,
    take: number,
  ): Promise<Result[]> {
    const authorization = `Bearer ${token}`;
    if (transport === "http") {
      const response = await app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization },
          body: JSON.stringify({ query, variables }),
        }),
      );
      return [await response.json()];
    }
    if (transport === "sse") {
      const client = createSseClient({
        url: "http://localhost/graphql",
        headers: { authorization },
        fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
          app.fetch(new Request(input, init)),
        retryAttempts: 0,
      });
      try {
        return await collect(client.iterate({ query, variables }) as AsyncIterable<Result>, take);
      } finally {
        client.dispose();
      }
    }
    const client = socket ?? wsClient(token);
    try {
      return await collect(client.iterate({ query, variables }) as AsyncIterable<Result>, take);
    } finally {
      if (socket === undefined) await client.dispose();
    }
  }

  function run(
    transport: Transport,
    as: TenantName,
    query: string,
    variables: Record<string, unknown> = {},
    options: { take?: number } = {},
  ): Promise<Result[]> {
    const socket = transport === "ws" ? ws(as) : undefined;
    return execute(transport, users[as].token, socket, query, variables, options.take ?? Infinity);
  }

  const tenants: Tenants = {
    app,
    url,
    ...users,
    marker,
    run,
    runWithToken: (transport, token, query, variables = {}) =>
      execute(transport, token, undefined, query, variables, Infinity),
    async http(as, query, variables) {
      return (await run("http", as, query, variables))[0]!;
    },
    async attempt(what, attempt) {
      const variables = attempt.variables ?? {};
      const missing = attempt.missing ?? (replaceStrings(variables) as Record<string, unknown>);
      const before = attempt.unchanged &&
        await tenants.http(
          attempt.unchanged.as,
          attempt.unchanged.query,
          attempt.unchanged.variables,
        );
      for (const transport of attempt.transports ?? ["http"]) {
        crossTenant(`${what} as ${attempt.as} over ${transport}`);
        const [victim] = await run(transport, attempt.as, attempt.query, variables, { take: 1 });
        const [never] = await run(transport, attempt.as, attempt.query, missing, { take: 1 });
        const others = (["alice", "bob", "admin"] as const).filter((n) => n !== attempt.as);
        assertNotFoundWithoutLeak(victim ?? {}, never ?? {}, {
          victimIds: stringValues(variables),
          missingIds: stringValues(missing),
          secrets: [marker, ...others.map((n) => users[n].id)],
        });
      }
      if (attempt.unchanged) {
        const after = await tenants.http(
          attempt.unchanged.as,
          attempt.unchanged.query,
          attempt.unchanged.variables,
        );
        assert.deepEqual(after, before, `${what} changed the owner's data`);
      }
    },
    async invisible(what, options) {
      crossTenant(`${what} (list/search) as ${options.as}`);
      const result = await tenants.http(options.as, options.query, options.variables);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const text = JSON.stringify(result);
      for (const secret of [marker, ...(options.markers ?? [])]) {
        assert.ok(!text.includes(secret), `${what} leaks ${JSON.stringify(secret)}: ${text}`);
      }
      return result;
    },
    async close() {
      for (const client of sockets.values()) await client.dispose();
      app.drain();
      await server.shutdown();
      await app.close();
    },
  };
  return tenants;
}
