/**
 * Failure classes from the errors real drivers throw: postgres.js against a
 * closed port, an unresolvable name and a missing database; PGlite through
 * the app's own pool; Deno's fetch and @upstash/redis against a closed port
 * and a proxy with the wrong token. Plus the connection-class test the edge
 * uses to answer UNAVAILABLE.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { Redis } from "@upstash/redis";
import {
  classifyFailure,
  classifyStatus,
  FAILURE_CLASSES,
  FAILURE_MESSAGES,
} from "../../src/core/failure_class.ts";
import { isConnectionFailure } from "../../src/core/connection_failure.ts";
import { localPostgres } from "../support/local_postgres.ts";
import { redis as localRedisStatus, serveProxy } from "../support/redis_proxy.ts";
import { startTestApp } from "../support/app.ts";

/** A port nothing listens on: bound, then released. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function queryError(url: string): Promise<unknown> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`SELECT 1`;
    throw new Error(`${url} answered`);
  } catch (error) {
    return error;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

Deno.test("postgres.js: a closed port is refused, an unknown host is dns", async () => {
  const refused = await queryError(`postgres://postgres@127.0.0.1:${closedPort()}/x`);
  assert.equal(classifyFailure(refused), "refused");
  assert.ok(isConnectionFailure(refused));
  const dns = await queryError("postgres://postgres@graphmind-no-such-host.invalid:5432/x");
  assert.equal(classifyFailure(dns), "dns");
  assert.ok(isConnectionFailure(dns));
});

Deno.test({
  name: "postgres.js: a missing database is misconfigured, a closed connection is reset",
  ignore: (await localPostgres()).ignore,
  async fn() {
    const missing = await queryError("postgres://postgres@127.0.0.1:5432/gm_no_such_database");
    assert.equal(classifyFailure(missing), "misconfigured");
    assert.ok(!isConnectionFailure(missing), "a wrong database name is not an outage");
    // The server ends the session: the pool's query fails with a connection-class code.
    const sql = postgres("postgres://postgres@127.0.0.1:5432/postgres", {
      max: 1,
      onnotice: () => {},
    });
    try {
      const error = await sql`SELECT pg_terminate_backend(pg_backend_pid())`.then(
        () => undefined,
        (e) => e,
      );
      assert.ok(error !== undefined, "terminating its own backend fails the query");
      assert.ok(["reset", "unavailable"].includes(classifyFailure(error)), String(error));
      assert.ok(isConnectionFailure(error), String(error));
    } finally {
      await sql.end({ timeout: 1 });
    }
  },
});

Deno.test("PGlite: a SQL error is no outage, and a closed pool is reset", async () => {
  const app = await startTestApp();
  try {
    const syntax = await app.database.sql`SELEC 1`.then(() => undefined, (e) => e);
    assert.equal(classifyFailure(syntax), "unknown");
    assert.ok(!isConnectionFailure(syntax), "a syntax error is a bug, not an outage");
  } finally {
    await app.close();
  }
  const closed = await app.database.sql`SELECT 1`.then(() => undefined, (e) => e);
  assert.ok(isConnectionFailure(closed), String(closed));
  assert.equal(classifyFailure(closed), "reset");
});

Deno.test("fetch: a closed port is refused, an unknown host is dns", async () => {
  const refused = await fetch(`http://127.0.0.1:${closedPort()}/`).then(() => undefined, (e) => e);
  assert.equal(classifyFailure(refused), "refused");
  const dns = await fetch("http://graphmind-no-such-host.invalid/").then(() => undefined, (e) => e);
  assert.equal(classifyFailure(dns), "dns");
  const badPort = await fetch("http://127.0.0.1:9/").then(() => undefined, (e) => e);
  assert.equal(
    classifyFailure(badPort),
    "misconfigured",
    "Deno blocks the Fetch standard's bad ports",
  );
  const slow = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return new Response("late");
  });
  try {
    const timeout = await fetch(`http://127.0.0.1:${slow.addr.port}/`, {
      signal: AbortSignal.timeout(50),
    }).then(() => undefined, (e) => e);
    assert.equal(classifyFailure(timeout), "timeout");
  } finally {
    await slow.shutdown();
  }
});

Deno.test("upstash: a closed port is refused", async () => {
  const client = new Redis({
    url: `http://127.0.0.1:${closedPort()}`,
    token: "t",
    retry: { retries: 0 },
    enableTelemetry: false,
  });
  const error = await client.ping().then(() => undefined, (e) => e);
  assert.equal(classifyFailure(error), "refused");
});

Deno.test({
  name: "upstash: the wrong token is auth",
  ignore: localRedisStatus.ignore,
  async fn() {
    const served = serveProxy({ token: "the-right-token" });
    try {
      const client = new Redis({
        url: served.url,
        token: "a-wrong-token",
        retry: { retries: 0 },
        enableTelemetry: false,
      });
      const error = await client.ping().then(() => undefined, (e) => e);
      assert.equal(classifyFailure(error), "auth", String(error));
    } finally {
      await served.close();
    }
  },
});

Deno.test("HTTP statuses and SQLSTATEs map to classes", () => {
  assert.equal(classifyStatus(401), "auth");
  assert.equal(classifyStatus(429), "overloaded");
  assert.equal(classifyStatus(503), "unavailable");
  assert.equal(classifyStatus(504), "timeout");
  assert.equal(classifyStatus(404), "protocol");
  const sqlState = (code: string) => Object.assign(new Error("x"), { code });
  assert.equal(classifyFailure(sqlState("57P03")), "unavailable");
  assert.equal(classifyFailure(sqlState("53300")), "overloaded");
  assert.equal(classifyFailure(sqlState("28P01")), "auth");
  assert.ok(isConnectionFailure(sqlState("57P01")));
  assert.ok(isConnectionFailure(sqlState("08006")));
  assert.ok(isConnectionFailure(sqlState("53300")));
  assert.ok(!isConnectionFailure(sqlState("23505")), "a unique violation is no outage");
  assert.ok(!isConnectionFailure(sqlState("57014")), "a statement timeout is no outage");
});

Deno.test("every class has a sentence with no address or driver text in it", () => {
  for (const failure of FAILURE_CLASSES) {
    const sentence = FAILURE_MESSAGES[failure];
    assert.match(sentence, /^[A-Z].+\.$/, failure);
    assert.doesNotMatch(sentence, /\d+\.\d+\.\d+\.\d+|:\d{2,5}\b|ECONN|SELECT/, failure);
  }
});
