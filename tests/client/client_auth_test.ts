/**
 * The client against a staging server: the token goes in the header (HTTP,
 * SSE) or in `connectionParams` (WebSocket); without one every operation
 * fails with UnauthenticatedError; over the limit with RateLimitedError.
 */
import assert from "node:assert/strict";
import { createClient, RateLimitedError, UnauthenticatedError } from "../../client/mod.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { startServer } from "../support/server_process.ts";

const SECRET = "client-kit-test-secret-0123456789";

Deno.test("client in staging: tokens on both transports, typed auth and rate-limit errors", async (t) => {
  const server = await startServer({
    ENVIRONMENT: "staging",
    SECRET_KEY: SECRET,
    BURST_SIZE: "6",
    REQUESTS_PER_MINUTE: "6",
    REQUESTS_PER_HOUR: "1000",
  });
  const url = `${server.url}/graphql`;
  try {
    await t.step(
      "no token: UnauthenticatedError over HTTP and both stream transports",
      async () => {
        for (const transport of ["ws", "sse"] as const) {
          const client = createClient({ url, transport });
          try {
            await assert.rejects(client.project.status(), UnauthenticatedError);
            const watch = client.project.watch()[Symbol.asyncIterator]();
            await assert.rejects(watch.next(), UnauthenticatedError, `${transport} subscription`);
          } finally {
            await client.close();
          }
        }
      },
    );

    await t.step("with a token: the viewer is the token's subject on both transports", async () => {
      const token = await signJwt({ sub: "carol" }, SECRET);
      for (const transport of ["ws", "sse"] as const) {
        // A function is asked for the current token on every connection.
        const client = createClient({ url, transport, token: () => token });
        try {
          const watch = client.project.watch()[Symbol.asyncIterator]();
          const first = await watch.next();
          assert.equal(first.done, false, `${transport}: the initial status arrived`);
          await watch.return?.();
        } finally {
          await client.close();
        }
      }
    });

    await t.step("over the limit: RateLimitedError with retryAfter", async () => {
      const token = await signJwt({ sub: "dave" }, SECRET);
      const client = createClient({ url, transport: "sse", token });
      try {
        let limited: unknown;
        for (let i = 0; i < 20 && limited === undefined; i++) {
          await client.project.status().catch((error) => limited = error);
        }
        assert.ok(limited instanceof RateLimitedError, `got ${String(limited)}`);
        assert.equal(limited.code, "RATE_LIMITED");
        assert.ok(limited.retryAfter > 0 && Number.isInteger(limited.retryAfter));
      } finally {
        await client.close();
      }
    });
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
