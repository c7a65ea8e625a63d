/**
 * The real server process: `Deno.serve` hands the TCP peer to the app, so
 * anonymous clients are limited by their real address, and a trusted
 * proxy's X-Forwarded-For picks the budget.
 */
import assert from "node:assert/strict";
import { startServer } from "../support/server_process.ts";

Deno.test("the server limits anonymous clients by their real address", async () => {
  const server = await startServer({
    BURST_SIZE: "2",
    REQUESTS_PER_MINUTE: "6",
    REQUESTS_PER_HOUR: "1000",
    TRUSTED_PROXIES: "127.0.0.1",
  });
  const ask = async (headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: "{ viewer { id } }" }),
    });
    const body = await response.json();
    return { status: response.status, retryAfter: response.headers.get("retry-after"), body };
  };
  try {
    const direct = [await ask(), await ask(), await ask()];
    assert.deepEqual(direct.map((a) => a.status), [200, 200, 429]);
    assert.equal(direct[2]?.body.errors[0].extensions.code, "RATE_LIMITED");
    assert.match(direct[2]?.retryAfter ?? "", /^\d+$/);
    const line = server.logs.find((l) => l.message === "request" && l.path === "/graphql");
    assert.equal(line?.client_address, "127.0.0.1");

    // 127.0.0.1 is a trusted proxy here: the forwarded client has its own budget.
    const forwarded = { "x-forwarded-for": "198.51.100.40" };
    const proxied = [await ask(forwarded), await ask(forwarded), await ask(forwarded)];
    assert.deepEqual(proxied.map((a) => a.status), [200, 200, 429]);
    assert.ok(server.logs.some((l) => l.client_address === "198.51.100.40"));

    for (const path of ["/health", "/health/ready", "/metrics"]) {
      const response = await fetch(`${server.url}${path}`);
      await response.body?.cancel();
      assert.equal(response.status, 200, `${path} is exempt`);
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /rate_limit_rejections_total\{limit="burst"\} 2/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
