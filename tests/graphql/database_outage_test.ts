/**
 * A database outage is told apart from a bug. The app runs on a throwaway
 * database on the local PostgreSQL, reached through a TCP proxy; closing the
 * proxy (its port then refuses connections, and open ones are cut) makes the
 * database unreachable. While it is, `threads` and `createThread` answer
 * `UNAVAILABLE` with `retryAfter`, HTTP 503 and `Retry-After`, and
 * `/health/ready` is 503 naming the class `refused` with no driver text.
 * The client kit throws `UnavailableError` with `retryAfter`, and a run's
 * stream waits the outage out. A new proxy on the same port brings the
 * database back, and the next request succeeds with no restart.
 */
import assert from "node:assert/strict";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { startRoundRobinProxy } from "../support/round_robin_proxy.ts";
import { startTestApp } from "../support/app.ts";
import { UNAVAILABLE_RETRY_AFTER_SECONDS } from "../../src/core/errors.ts";
import { createClient, UnavailableError } from "../../client/mod.ts";

const THREADS = "{ threads(first: 5) { edges { node { id title } } } }";
const CREATE = `mutation { createThread(input: {title: "during the outage"}) { id } }`;

interface Answer {
  status: number;
  retryAfter: string | null;
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

interface Readiness {
  checks: { name: string; status: string; errorClass?: string }[];
}

Deno.test({
  name: "a database outage answers UNAVAILABLE with 503, then recovers with no restart",
  ignore: (await localPostgres()).ignore,
  async fn() {
    const database = await createThrowawayDatabase();
    const target = { port: 5432 };
    let proxy = startRoundRobinProxy([target]);
    const port = proxy.port;
    const app = await startTestApp({
      DATABASE_URL: database.url.replace(":5432/", `:${port}/`),
      DB_POOL_SIZE: "3",
      DB_POOL_TIMEOUT: "3",
    });
    async function ask(query: string): Promise<Answer> {
      const response = await app.fetch(
        new Request("http://localhost/graphql", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query }),
        }),
      );
      const text = await response.text();
      return {
        status: response.status,
        retryAfter: response.headers.get("retry-after"),
        text,
        body: JSON.parse(text),
      };
    }
    async function ready(): Promise<{ status: number; text: string; body: Readiness }> {
      const response = await app.fetch(new Request("http://localhost/health/ready"));
      const text = await response.text();
      return { status: response.status, text, body: JSON.parse(text) };
    }
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    const client = createClient({
      url: `http://127.0.0.1:${server.addr.port}/graphql`,
      transport: "sse",
    });
    const leaks = new RegExp(`ECONN|${port}|127\\.0\\.0\\.1|${database.name}|connect |os error`);
    try {
      const created = await ask(`mutation { createThread(input: {title: "before"}) { id } }`);
      assert.equal(created.status, 200, created.text);
      assert.equal((await ready()).status, 200);
      const threadId = (created.body.data?.createThread as { id: string }).id;
      const chat = client.chat(threadId, "Hello there");
      assert.equal((await chat.collect()).status?.__typename, "RunStatusEvent");
      // A replay of that run, looked up now and read during the outage.
      const causes: unknown[] = [];
      let reconnected: () => void;
      const firstReconnect = new Promise<void>((resolve) => reconnected = resolve);
      const replay = client.runEvents((await chat.run).id, {
        onReconnect: (_attempt, cause) => {
          causes.push(cause);
          reconnected();
        },
      });
      await replay.run;

      // The outage: the port refuses new connections and pooled ones are cut.
      await proxy.close();

      for (const query of [THREADS, CREATE, THREADS]) {
        const answer = await ask(query);
        assert.equal(answer.status, 503, answer.text);
        assert.equal(answer.retryAfter, String(UNAVAILABLE_RETRY_AFTER_SECONDS));
        const error = answer.body.errors?.[0];
        assert.equal(error?.extensions?.code, "UNAVAILABLE", answer.text);
        assert.equal(error?.extensions?.retryAfter, UNAVAILABLE_RETRY_AFTER_SECONDS);
        assert.equal(error?.extensions?.http, undefined, "yoga strips extensions.http");
        assert.match(error?.message ?? "", /retry after \d+ s/);
        assert.doesNotMatch(answer.text, leaks);
      }
      const down = await ready();
      assert.equal(down.status, 503, down.text);
      const check = down.body.checks.find((c) => c.name === "database");
      assert.equal(check?.status, "error");
      assert.equal(check?.errorClass, "refused", down.text);
      assert.doesNotMatch(down.text, leaks);
      // The health query needs no database, and names the class too.
      const health = await ask(
        "{ health { ready dependencies { name status errorClass error } } }",
      );
      assert.equal(health.status, 200, health.text);
      const reported = health.body.data?.health as {
        ready: boolean;
        dependencies: { name: string; status: string; errorClass: string | null }[];
      };
      assert.equal(reported.ready, false);
      assert.deepEqual(
        reported.dependencies.find((d) => d.name === "database")?.errorClass,
        "REFUSED",
      );
      assert.doesNotMatch(health.text, leaks);
      const warned = app.logs.filter((l) => l.message === "dependency not ready");
      assert.equal(warned.length, 1, "the full error is logged once");
      assert.match(JSON.stringify(warned[0]?.exception), /ECONNREFUSED/);
      assert.ok(
        app.logs.some((l) =>
          l.message === "database unreachable during a GraphQL operation" && l.level === "WARNING"
        ),
        "an outage is logged as a warning, not as an internal error",
      );

      // The client kit: a typed, retryable error; a stream waits the outage out.
      const listed = await client.threads.list().then(() => undefined, (e) => e);
      assert.ok(listed instanceof UnavailableError, String(listed));
      assert.equal(listed.retryAfter, UNAVAILABLE_RETRY_AFTER_SECONDS);
      const replayed = replay.collect();
      replayed.catch(() => {}); // awaited below
      await firstReconnect;
      assert.ok(causes[0] instanceof UnavailableError, String(causes[0]));

      // Back: a proxy on the same port; the very next request succeeds.
      proxy = startRoundRobinProxy([target], { port });
      const stream = await replayed;
      assert.equal(
        stream.status?.__typename === "RunStatusEvent" ? stream.status.status : undefined,
        "SUCCESS",
        "the stream came back after its retryAfter and replayed the run",
      );
      const after = await ask(THREADS);
      assert.equal(after.status, 200, after.text);
      const titles = (after.body.data?.threads as { edges: { node: { title: string } }[] }).edges
        .map((e) => e.node.title);
      assert.deepEqual(titles, ["before"], "nothing was written during the outage");
      const again = await ask(CREATE);
      assert.equal(again.status, 200, again.text);
      assert.equal((await ready()).status, 200);
    } finally {
      await client.close();
      app.drain();
      await server.shutdown();
      await app.close().catch(() => {});
      await proxy.close();
      await database.drop();
    }
  },
});
