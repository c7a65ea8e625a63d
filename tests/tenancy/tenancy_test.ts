/**
 * Tenancy on what exists today (`viewer`, `health`), and the machinery the
 * domain attack suites use (tests/support/tenants.ts). Threads, runs,
 * memories and project add `tests/tenancy/<domain>_test.ts` files.
 */
import assert from "node:assert/strict";
import { signJwt } from "../../src/auth/jwt.ts";
import {
  assertNotFoundWithoutLeak,
  type Result,
  startTenants,
  TENANT_SECRET,
} from "../support/tenants.ts";
import { crossTenant } from "../support/tally.ts";

const VIEWER = "{ viewer { id roles anonymous } }";
const TRANSPORTS = ["http", "sse", "ws"] as const;

function b64(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

Deno.test("tenancy: identities, impersonation and the tenant machinery", async (t) => {
  const tenants = await startTenants();
  try {
    await t.step("each tenant is who their token says, on every transport", async () => {
      for (const name of ["alice", "bob", "admin"] as const) {
        for (const transport of TRANSPORTS) {
          const [result] = await tenants.run(transport, name, VIEWER);
          assert.deepEqual(result?.data, {
            viewer: { id: tenants[name].id, roles: tenants[name].roles, anonymous: false },
          }, `${name} over ${transport}`);
        }
      }
    });

    await t.step("nobody becomes alice or an admin with a forged token", async () => {
      const [head, , signature] = tenants.bob.token.split(".");
      const now = Math.floor(Date.now() / 1000);
      const forgeries = {
        "bob's signature on alice's claims": `${head}.${
          b64({ sub: "alice", exp: now + 600 })
        }.${signature}`,
        "bob's signature on an admin role": `${head}.${
          b64({ sub: "bob", roles: ["admin"], exp: now + 600 })
        }.${signature}`,
        "alg none": `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: "alice", exp: now + 600 })}.`,
        "another secret": await signJwt(
          { sub: "alice", roles: ["admin"] },
          "guessed-secret-0123456789",
        ),
        "HS512 with the right secret": await signJwt({ sub: "alice" }, TENANT_SECRET, {
          algorithm: "HS512",
        }),
      };
      for (const [what, token] of Object.entries(forgeries)) {
        for (const transport of TRANSPORTS) {
          crossTenant(`impersonation (${what}) over ${transport}`);
          const [results] = await tenants.runWithToken(transport, token, VIEWER);
          assert.equal(
            results?.errors?.[0]?.extensions?.code,
            "UNAUTHENTICATED",
            `${what} / ${transport}`,
          );
          assert.ok(!JSON.stringify(results).includes('"id":"alice"'), `${what} / ${transport}`);
        }
      }
    });

    await t.step("credentials smuggled into an operation are ignored", async () => {
      const extensions = {
        authorization: `Bearer ${tenants.alice.token}`,
        headers: { authorization: `Bearer ${tenants.alice.token}` },
      };
      crossTenant("alice's token in HTTP extensions, as bob");
      const http = await tenants.app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${tenants.bob.token}`,
          },
          body: JSON.stringify({ query: VIEWER, extensions }),
        }),
      );
      assert.equal((await http.json()).data.viewer.id, "bob");
      crossTenant("alice's token in WebSocket operation extensions, on bob's socket");
      const { createClient } = await import("graphql-ws");
      const socket = createClient({
        url: tenants.url.replace("http", "ws"),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${tenants.bob.token}` },
      });
      try {
        for await (const result of socket.iterate({ query: VIEWER, extensions })) {
          assert.equal((result.data as { viewer: { id: string } }).viewer.id, "bob");
        }
      } finally {
        await socket.dispose();
      }
    });

    await t.step("health answers every tenant and carries nothing of theirs", async () => {
      for (const name of ["alice", "bob", "admin"] as const) {
        await tenants.invisible("health", {
          as: name,
          query: "{ health { ready version environment dependencies { name status mode } } }",
          markers: ["alice", "root-admin"].filter((id) => id !== tenants[name].id),
        });
      }
    });

    await t.step("`invisible` fails when another user's marker shows", async () => {
      await tenants.invisible("viewer", { as: "bob", query: VIEWER, markers: ["alice"] });
      await assert.rejects(
        tenants.invisible("viewer", { as: "bob", query: VIEWER, markers: ['"bob"'] }),
        /viewer leaks/,
      );
    });
  } finally {
    await tenants.close();
  }
});

Deno.test("assertNotFoundWithoutLeak tells a hidden object from a leak", () => {
  const missing: Result = {
    data: { thread: null },
    errors: [{
      message: 'Thread "t-000" was not found.',
      extensions: { code: "NOT_FOUND" },
      path: ["thread"],
    }],
  };
  const same: Result = {
    data: { thread: null },
    errors: [{
      message: 'Thread "t-123" was not found.',
      extensions: { code: "NOT_FOUND" },
      path: ["thread"],
    }],
  };
  const ids = { victimIds: ["t-123"], missingIds: ["t-000"], secrets: ["alice", "marker-1"] };
  assertNotFoundWithoutLeak(same, missing, ids);
  const leaks: Record<string, Result> = {
    "FORBIDDEN instead of NOT_FOUND": {
      data: { thread: null },
      errors: [{
        message: 'Thread "t-123" was not found.',
        extensions: { code: "FORBIDDEN" },
        path: ["thread"],
      }],
    },
    "a different message": {
      data: { thread: null },
      errors: [{
        message: 'Thread "t-123" is not yours.',
        extensions: { code: "NOT_FOUND" },
        path: ["thread"],
      }],
    },
    "the owner's name": {
      data: { thread: null },
      errors: [{
        message: 'Thread "t-123" was not found (alice).',
        extensions: { code: "NOT_FOUND" },
        path: ["thread"],
      }],
    },
    "data": {
      data: { thread: { title: "marker-1" } },
      errors: [{
        message: 'Thread "t-123" was not found.',
        extensions: { code: "NOT_FOUND" },
        path: ["thread"],
      }],
    },
    "revealing words": {
      data: { thread: null },
      errors: [{
        message: "Permission denied for t-123",
        extensions: { code: "NOT_FOUND" },
        path: ["thread"],
      }],
    },
  };
  for (const [what, leak] of Object.entries(leaks)) {
    assert.throws(() => assertNotFoundWithoutLeak(leak, missing, ids), assert.AssertionError, what);
  }
});
