import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { signJwt } from "../../src/auth/jwt.ts";

Deno.test("GraphQL over HTTP", async (t) => {
  const app = await startTestApp();
  try {
    await t.step("health reports each dependency and its mode", async () => {
      const body = await app.graphql(
        "{ health { ready version offline environment dependencies { name status mode latencyMs } } }",
      );
      assert.equal(body.errors, undefined);
      const health = body.data?.health as Record<string, unknown>;
      assert.equal(health.ready, true);
      assert.equal(health.offline, true);
      assert.equal(health.environment, "development");
      const deps = health.dependencies as { name: string; mode: string; status: string }[];
      assert.deepEqual(deps.map((d) => [d.name, d.mode, d.status]), [
        ["database", "embedded", "OK"],
        ["cache", "memory", "OK"],
        ["llm", "offline", "OK"],
      ]);
    });

    await t.step("viewer is the local user in development", async () => {
      const body = await app.graphql("{ viewer { id roles anonymous } }");
      // No role: DEV_LOCAL_ADMIN is off by default (tests/auth/dev_local_user_test.ts).
      assert.deepEqual(body.data?.viewer, { id: "local", roles: [], anonymous: true });
    });

    await t.step("a syntax error carries BAD_USER_INPUT", async () => {
      const body = await app.graphql("{ health { ready ");
      assert.equal(body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(body.errors?.[0]?.message ?? "", /Syntax Error/);
    });

    await t.step("an unknown field carries BAD_USER_INPUT and says what is wrong", async () => {
      const body = await app.graphql("{ helth { ready } }");
      assert.equal(body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(body.errors?.[0]?.message ?? "", /Cannot query field "helth"/);
    });

    await t.step("a request with no query carries BAD_USER_INPUT", async () => {
      const response = await app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        }),
      );
      const body = await response.json();
      assert.equal(body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    });

    await t.step("a bad token is UNAUTHENTICATED, a good one names the user", async () => {
      const bad = await app.graphql("{ viewer { id } }", {}, { authorization: "Bearer x.y.z" });
      assert.equal(bad.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.equal(bad.data ?? null, null);
    });

    await t.step("GraphiQL answers a browser", async () => {
      const response = await app.fetch(
        new Request("http://localhost/graphql", { headers: { accept: "text/html" } }),
      );
      assert.equal(response.status, 200);
      assert.match(await response.text(), /GraphiQL/);
    });

    await t.step("the request id is taken from x-request-id or generated", async () => {
      const given = await app.fetch(
        new Request("http://localhost/health", { headers: { "x-request-id": "req-42" } }),
      );
      await given.body?.cancel();
      assert.equal(given.headers.get("x-request-id"), "req-42");
      const generated = await app.fetch(new Request("http://localhost/health"));
      await generated.body?.cancel();
      assert.match(generated.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      const unsafe = await app.fetch(
        new Request("http://localhost/health", { headers: { "x-request-id": 'a b"c' } }),
      );
      await unsafe.body?.cancel();
      assert.notEqual(unsafe.headers.get("x-request-id"), 'a b"c');
    });

    await t.step("unknown routes answer 404 with a hint", async () => {
      const response = await app.fetch(new Request("http://localhost/nope"));
      assert.equal(response.status, 404);
      assert.match((await response.json()).error, /Try \/graphql/);
    });

    await t.step("every request leaves a JSON log line with its id", () => {
      const line = app.logs.find((l) => l.message === "request" && l.request_id === "req-42");
      assert.ok(line, "no log line for req-42");
      assert.equal(line.level, "DEBUG");
      assert.equal(line.logger, "graphmind");
      assert.equal(line.status_code, 200);
      assert.match(String(line.timestamp), /^\d{4}-\d\d-\d\dT.*Z$/);
    });
    await t.step("a GraphQL request's log line names the user it acted for", async () => {
      const response = await app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": "req-user" },
          body: JSON.stringify({ query: "{ viewer { id } }" }),
        }),
      );
      await response.body?.cancel();
      const line = app.logs.find((l) => l.message === "request" && l.request_id === "req-user");
      assert.equal(line?.user_id, "local");
    });
  } finally {
    await app.close();
  }
});

Deno.test("staging rejects requests without a token and accepts a signed one", async () => {
  const secret = "staging-secret-0123456789";
  const app = await startTestApp({ ENVIRONMENT: "staging", SECRET_KEY: secret });
  try {
    const anonymous = await app.graphql("{ viewer { id } }");
    assert.equal(anonymous.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    const token = await signJwt({ sub: "carol", roles: ["user"] }, secret);
    const carol = await app.graphql("{ viewer { id roles } }", {}, {
      authorization: `Bearer ${token}`,
    });
    assert.deepEqual(carol.data?.viewer, { id: "carol", roles: ["user"] });
  } finally {
    await app.close();
  }
});
