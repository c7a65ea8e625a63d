import assert from "node:assert/strict";
import { localRedis } from "./local_redis.ts";

Deno.test("local_redis: an unreachable Redis is skipped off CI and fails on CI", async () => {
  const status = await localRedis({ port: 1, timeoutMs: 500 });
  assert.equal(status.available, false);
  assert.ok(status.reason);
  assert.equal(status.ignore, Deno.env.get("CI") !== "true");
  assert.throws(() => status.assertAvailable(), /Redis at 127\.0\.0\.1:1 is required/);
  assert.equal(await localRedis({ port: 1 }), status, "probed once per address");
});

Deno.test("local_redis: a listener that is not Redis is unavailable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const conn = await listener.accept();
    await conn.write(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
    conn.close();
  })();
  try {
    const status = await localRedis({ port: listener.addr.port, timeoutMs: 1000 });
    assert.equal(status.available, false);
    assert.match(String(status.reason), /answered PING with "HTTP/);
  } finally {
    await serving;
    listener.close();
  }
});
