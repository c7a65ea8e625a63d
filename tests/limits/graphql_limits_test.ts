/**
 * Depth, cost, alias and token limits, the request body limit, and
 * introspection/GraphiQL/suggestions per profile, through the running app.
 */
import assert from "node:assert/strict";
import { createClient as createWsClient } from "graphql-ws";
import { startTestApp, type TestApp } from "../support/app.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { badInput } from "../support/tally.ts";

type Errors = { message: string; extensions?: Record<string, unknown> }[];

const DEPTH_3 = "{ health { dependencies { name } } }";
/** Cost 9.5 each: an object (2) plus five scalars at depth factor 1.5. */
const FIVE = "health { ready version offline environment uptimeSeconds }";

async function errorsOf(app: TestApp, query: string): Promise<Errors> {
  const body = await app.graphql(query);
  assert.equal(body.data ?? undefined, undefined, `"${query.slice(0, 60)}" executed`);
  return body.errors as Errors;
}

Deno.test("depth, cost, aliases and tokens are limited, each error naming its limit", async (t) => {
  const app = await startTestApp({
    GRAPHQL_MAX_DEPTH: "2",
    GRAPHQL_MAX_COST: "20",
    GRAPHQL_MAX_ALIASES: "2",
    GRAPHQL_MAX_TOKENS: "60",
    MAX_REQUEST_BYTES: "2048",
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  try {
    await t.step("depth, also through fragments", async () => {
      badInput("query depth", 2);
      for (
        const query of [
          DEPTH_3,
          "{ ...F } fragment F on Query { health { dependencies { name } } }",
        ]
      ) {
        const [error] = await errorsOf(app, query);
        assert.equal(
          error?.message,
          "Query depth 3 exceeds the limit of 2; ask for fewer nested levels.",
        );
        assert.deepEqual(error?.extensions, {
          code: "BAD_USER_INPUT",
          limit: "maxDepth",
          max: 2,
          found: 3,
        });
      }
      assert.equal((await app.graphql("{ health { ready } }")).errors, undefined, "depth 2 passes");
    });

    await t.step("cost", async () => {
      badInput("query cost");
      const [error] = await errorsOf(app, `{ ${FIVE} a: ${FIVE} b: ${FIVE} }`);
      assert.equal(error?.extensions?.limit, "maxCost");
      assert.equal(error?.extensions?.max, 20);
      assert.ok((error?.extensions?.found as number) > 20);
      assert.match(
        error?.message ?? "",
        /^Query cost [\d.]+ exceeds the limit of 20; ask for fewer fields/,
      );
    });

    await t.step("aliases", async () => {
      badInput("aliases");
      const [error] = await errorsOf(app, "{ a: viewer { id } b: viewer { id } c: viewer { id } }");
      assert.equal(
        error?.message,
        "Query uses 3 aliases, more than the limit of 2; split it into several requests.",
      );
      assert.deepEqual(error?.extensions, {
        code: "BAD_USER_INPUT",
        limit: "maxAliases",
        max: 2,
        found: 3,
      });
    });

    await t.step("tokens, before any parsing work is wasted", async () => {
      badInput("tokens");
      const [error] = await errorsOf(app, `{ viewer { ${"id ".repeat(60)}} }`);
      assert.match(
        error?.message ?? "",
        /^Query has more than 60 tokens; send large values as variables/,
      );
      assert.deepEqual(error?.extensions, { code: "BAD_USER_INPUT", limit: "maxTokens", max: 60 });
    });

    await t.step("every broken limit is reported at once", async () => {
      badInput("depth + aliases at once");
      const errors = await errorsOf(
        app,
        "{ a: viewer { id } b: viewer { id } c: health { dependencies { name } } }",
      );
      assert.deepEqual(errors.map((e) => e.extensions?.limit).sort(), [
        "maxAliases",
        "maxDepth",
      ]);
    });

    await t.step("the same limits hold over WebSocket", async () => {
      badInput("query depth over WebSocket");
      const client = createWsClient({
        url: `ws://127.0.0.1:${server.addr.port}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
      });
      try {
        const errors = await (async () => {
          for await (const _ of client.iterate({ query: DEPTH_3 })) return undefined;
        })().catch((e) => e as Errors);
        assert.equal(errors?.[0]?.extensions?.limit, "maxDepth");
      } finally {
        await client.dispose();
      }
    });

    await t.step(
      "a body over MAX_REQUEST_BYTES is 413 with a JSON error saying the limit",
      async () => {
        badInput("request body size", 2);
        const query = `query Big { viewer { id } } # ${"x".repeat(3000)}`;
        const sized = await app.fetch(
          new Request("http://localhost/graphql", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query }),
          }),
        );
        // Without Content-Length (chunked), the stream is cut at the limit.
        const chunked = await app.fetch(
          new Request("http://localhost/graphql", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: ReadableStream.from([new TextEncoder().encode(JSON.stringify({ query }))]),
          }),
        );
        for (const response of [sized, chunked]) {
          assert.equal(response.status, 413);
          assert.match(response.headers.get("content-type") ?? "", /json/);
          const body = await response.json();
          assert.equal(
            body.errors[0].message,
            "Request body is larger than the limit of 2048 bytes; send less per request.",
          );
          assert.equal(body.errors[0].extensions.code, "BAD_USER_INPUT");
          assert.equal(body.errors[0].extensions.maxBytes, 2048);
        }
      },
    );

    await t.step(
      "a WebSocket message over MAX_REQUEST_BYTES closes the socket with 1009",
      async () => {
        badInput("WebSocket message size");
        const closed = Promise.withResolvers<number>();
        const client = createWsClient({
          url: `ws://127.0.0.1:${server.addr.port}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          on: { closed: (event) => closed.resolve((event as CloseEvent).code) },
        });
        const iterating = (async () => {
          for await (
            const _ of client.iterate({ query: `{ viewer { id } } # ${"x".repeat(3000)}` })
          ) {
            // nothing arrives
          }
        })().catch(() => {});
        assert.equal(await closed.promise, 1009);
        await iterating;
        await client.dispose();
      },
    );

    await t.step("variables of the wrong type are BAD_USER_INPUT, never INTERNAL", async () => {
      badInput("variable of the wrong type");
      const body = await app.graphql("query ($b: Boolean!) { viewer @include(if: $b) { id } }", {
        b: "yes",
      });
      assert.equal(body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(body.errors?.[0]?.message ?? "", /Variable "\$b" got invalid value "yes"/);
      assert.ok(!app.logs.some((l) => l.message === "unexpected error in a GraphQL operation"));
    });

    await t.step("development keeps introspection, suggestions and GraphiQL", async () => {
      const body = await app.graphql("{ __schema { queryType { name } } }");
      assert.deepEqual(body.data, { __schema: { queryType: { name: "Query" } } });
      const typo = await app.graphql("{ helth { ready } }");
      assert.match(typo.errors?.[0]?.message ?? "", /Did you mean "health"\?/);
      const page = await app.fetch(
        new Request("http://localhost/graphql", { headers: { accept: "text/html" } }),
      );
      assert.match(await page.text(), /GraphiQL/);
    });
  } finally {
    app.drain();
    await server.shutdown();
    await app.close();
  }
});

async function assertLockedDown(app: TestApp): Promise<void> {
  badInput("introspection when disabled", 2);
  for (const query of ["{ __schema { types { name } } }", '{ __type(name: "Query") { name } }']) {
    const [error] = await errorsOf(app, query);
    assert.equal(error?.extensions?.code, "FORBIDDEN");
    assert.match(
      error?.message ?? "",
      /^Introspection is disabled on this server, so "__(schema|type)" cannot/,
    );
  }
  assert.deepEqual((await app.graphql("{ __typename }")).data, { __typename: "Query" });
  badInput("typo without suggestions");
  const [typo] = await errorsOf(app, "{ helth { ready } }");
  assert.equal(typo?.message, 'Cannot query field "helth" on type "Query".');
  const page = await app.fetch(
    new Request("http://localhost/graphql", { headers: { accept: "text/html" } }),
  );
  assert.doesNotMatch(await page.text(), /GraphiQL/);
}

Deno.test("GRAPHQL_INTROSPECTION=false and GRAPHIQL=false lock any profile down", async () => {
  const app = await startTestApp({ GRAPHQL_INTROSPECTION: "false", GRAPHIQL: "false" });
  try {
    await assertLockedDown(app);
  } finally {
    await app.close();
  }
});

const postgres = await localPostgres();

Deno.test({
  name: "production hides introspection, suggestions and GraphiQL by default",
  ignore: postgres.ignore,
  async fn() {
    const database = await createThrowawayDatabase();
    const app = await startTestApp({
      ENVIRONMENT: "production",
      DATABASE_URL: database.url,
      SECRET_KEY: "production-secret-0123456789",
    });
    try {
      // Production needs a token; the locked-down checks run as a real user.
      const { signJwt } = await import("../../src/auth/jwt.ts");
      const token = await signJwt({ sub: "ops" }, "production-secret-0123456789");
      const authed: TestApp = {
        ...app,
        graphql: (query, variables, headers) =>
          app.graphql(query, variables, { authorization: `Bearer ${token}`, ...headers }),
      };
      await assertLockedDown(authed);
      assert.equal(app.config.graphql.introspection, false);
      assert.equal(app.config.graphql.graphiql, false);
    } finally {
      await app.close();
      await database.drop();
    }
  },
});
