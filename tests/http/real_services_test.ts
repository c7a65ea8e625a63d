import assert from "node:assert/strict";
import { startServer } from "../support/server_process.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { redis, serveProxy } from "../support/redis_proxy.ts";

const postgresStatus = await localPostgres();

Deno.test({
  name: "the server process runs on the local PostgreSQL and on Redis through the proxy",
  ignore: postgresStatus.ignore || redis.ignore,
  async fn() {
    assert.ok(postgresStatus.available, postgresStatus.reason);
    const database = await createThrowawayDatabase();
    const proxy = serveProxy();
    try {
      const server = await startServer({
        DATABASE_URL: database.url,
        UPSTASH_REDIS_REST_URL: proxy.url,
        UPSTASH_REDIS_REST_TOKEN: proxy.token,
      });
      try {
        const response = await fetch(`${server.url}/health/ready`);
        const body = await response.json();
        assert.equal(response.status, 200, JSON.stringify(body));
        assert.deepEqual(
          body.checks.map((c: { name: string; mode: string; status: string }) =>
            `${c.name}:${c.mode}:${c.status}`
          ),
          ["database:server:ok", "cache:upstash:ok", "llm:offline:ok"],
        );
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        assert.match(metrics, /^database_connections_active [1-9]/m);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    } finally {
      await proxy.close();
      await database.drop();
    }
  },
});
