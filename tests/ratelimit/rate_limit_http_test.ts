/**
 * Rate limits through the running app: GraphQL over HTTP, SSE and
 * WebSocket, other routes, exemptions, per-user and per-IP budgets, trusted
 * proxies, and the Upstash backend with a cache outage.
 */
import assert from "node:assert/strict";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { startTestApp, type TestApp } from "../support/app.ts";
import { signJwt } from "../../src/auth/jwt.ts";
import { deleteKeys, redis, serveProxy } from "../support/redis_proxy.ts";

const SECRET = "rate-limit-secret-0123456789";
const VIEWER = "{ viewer { id } }";

/** What `Deno.serve` would pass for a client at `ip`. */
function from(ip: string): Deno.ServeHandlerInfo {
  return {
    remoteAddr: { transport: "tcp", hostname: ip, port: 50000 },
    completed: Promise.resolve(),
  } as Deno.ServeHandlerInfo;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  code: string | undefined;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function ask(
  app: TestApp,
  ip: string,
  headers: Record<string, string> = {},
  query = VIEWER,
): Promise<Answer> {
  const response = await app.fetch(
    new Request("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query }),
    }),
    from(ip),
  );
  const body = await response.json();
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    code: body.errors?.[0]?.extensions?.code,
    body,
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

Deno.test("rate limits through the app (in-memory cache)", async (t) => {
  const app = await startTestApp({
    SECRET_KEY: SECRET,
    TRUSTED_PROXIES: "10.0.0.0/8",
    BURST_SIZE: "3",
    REQUESTS_PER_MINUTE: "6", // one burst token back every 10 s
    REQUESTS_PER_HOUR: "1000",
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const alice = await signJwt({ sub: "alice" }, SECRET);
  const bob = await signJwt({ sub: "bob" }, SECRET);
  try {
    await t.step("a user gets BURST_SIZE requests, then RATE_LIMITED with retryAfter", async () => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await ask(app, "203.0.113.1", bearer(alice)));
      assert.deepEqual(answers.map((a) => a.code), [
        undefined,
        undefined,
        undefined,
        "RATE_LIMITED",
      ]);
      const limited = answers[3]!;
      assert.equal(limited.status, 429);
      const extensions = limited.body.errors?.[0]?.extensions ?? {};
      const retryAfter = extensions.retryAfter as number;
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10,
        `${retryAfter}`,
      );
      assert.equal(limited.retryAfter, String(retryAfter));
      assert.equal(extensions.limit, "burst");
      assert.equal(extensions.http, undefined, "yoga's internal http extension leaked");
      assert.match(limited.body.errors?.[0]?.message ?? "", /retry after \d+ s/);
      assert.equal(limited.body.data ?? null, null);
    });

    await t.step("the budget is the user's, whatever address they come from", async () => {
      assert.equal((await ask(app, "198.51.100.77", bearer(alice))).code, "RATE_LIMITED");
      assert.equal((await ask(app, "203.0.113.1", bearer(bob))).code, undefined);
    });

    await t.step("anonymous clients are limited per address", async () => {
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await ask(app, "192.0.2.10")).code);
      assert.deepEqual(codes, [undefined, undefined, undefined, "RATE_LIMITED"]);
      assert.equal((await ask(app, "192.0.2.11")).code, undefined, "another address is fresh");
    });

    await t.step("failed logins spend the address's budget", async () => {
      const codes = [];
      for (let i = 0; i < 4; i++) {
        codes.push((await ask(app, "192.0.2.20", bearer("a.b.!!!"))).code);
      }
      assert.deepEqual(codes, [
        "UNAUTHENTICATED",
        "UNAUTHENTICATED",
        "UNAUTHENTICATED",
        "RATE_LIMITED",
      ]);
    });

    await t.step("X-Forwarded-For counts only from a trusted proxy", async () => {
      const viaProxy = (client: string) => ask(app, "10.0.0.1", { "x-forwarded-for": client });
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push((await viaProxy("198.51.100.20")).code);
      assert.deepEqual(codes, [undefined, undefined, undefined, "RATE_LIMITED"]);
      assert.equal((await viaProxy("198.51.100.21")).code, undefined, "each client has its own");
      // An untrusted peer cannot dodge its limit by inventing addresses.
      const spoofed = [];
      for (let i = 0; i < 4; i++) {
        spoofed.push((await ask(app, "203.0.113.50", { "x-forwarded-for": `1.1.1.${i}` })).code);
      }
      assert.deepEqual(spoofed, [undefined, undefined, undefined, "RATE_LIMITED"]);
    });

    await t.step(
      "other routes answer 429 with Retry-After; probes and /metrics are exempt",
      async () => {
        const exhausted = "192.0.2.10";
        for (
          const path of ["/health", "/health/ready", "/health/live", "/metrics", "/metrics/memory"]
        ) {
          for (let i = 0; i < 5; i++) {
            const response = await app.fetch(
              new Request(`http://localhost${path}`),
              from(exhausted),
            );
            await response.body?.cancel();
            assert.equal(response.status, 200, path);
          }
        }
        const other = await app.fetch(new Request("http://localhost/nope"), from(exhausted));
        assert.equal(other.status, 429);
        assert.match(other.headers.get("retry-after") ?? "", /^\d+$/);
        assert.match(
          (await other.json()).error,
          /Rate limit exceeded \(burst\); retry after \d+ s/,
        );
        const fresh = await app.fetch(new Request("http://localhost/nope"), from("192.0.2.99"));
        await fresh.body?.cancel();
        assert.equal(fresh.status, 404);
      },
    );

    await t.step("SSE and WebSocket operations are limited the same way", async () => {
      const sse = createSseClient({
        url: "http://localhost/graphql",
        headers: bearer(alice),
        fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
          app.fetch(new Request(input, init), from("203.0.113.1")),
        retryAttempts: 0,
      });
      // The refusal comes before the stream opens, so graphql-sse sees the
      // HTTP 429 itself and hands over the response.
      const refusal = await (async () => {
        for await (const _ of sse.iterate({ query: VIEWER })) return undefined;
      })().catch((error: { response?: Response }) => error.response);
      sse.dispose();
      assert.equal(refusal?.status, 429);
      assert.match(refusal?.headers.get("retry-after") ?? "", /^\d+$/);
      // The body is still the event stream, carrying the GraphQL error.
      assert.match(await refusal?.text() ?? "", /"code":"RATE_LIMITED"/);

      const ws = createWsClient({
        url: `ws://127.0.0.1:${server.addr.port}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${alice}` },
      });
      try {
        const errors = await (async () => {
          for await (const _ of ws.iterate({ query: VIEWER })) return undefined;
        })().catch((error) => error as { extensions?: Record<string, unknown> }[]);
        assert.equal(errors?.[0]?.extensions?.code, "RATE_LIMITED");
        assert.equal(typeof errors?.[0]?.extensions?.retryAfter, "number");
        assert.equal(errors?.[0]?.extensions?.http, undefined);
      } finally {
        await ws.dispose();
      }
    });

    await t.step("rejections are counted by limit", async () => {
      const text = await (await app.fetch(new Request("http://localhost/metrics"))).text();
      const count = (limit: string) =>
        Number(
          text.split("\n").find((l) =>
            l.startsWith(`rate_limit_rejections_total{limit="${limit}"}`)
          )
            ?.split(" ")[1],
        );
      // Nine refusals above. Refused requests still count against the rules
      // that let them through, so alice's last ones may also fill the minute
      // window (6 a minute, unless it just rolled over); the later reset is
      // the one reported.
      assert.equal(count("burst") + count("minute") + count("hour"), 9);
      assert.ok(count("burst") >= 7);
      assert.equal(count("hour"), 0);
    });
  } finally {
    app.drain();
    await server.shutdown();
    await app.close();
  }
});

Deno.test({
  name: "rate limits through the app on Upstash (proxy + Redis), failing open in an outage",
  ignore: redis.ignore,
  async fn() {
    const served = serveProxy();
    const user = `rl-${crypto.randomUUID()}`;
    const app = await startTestApp({
      ENVIRONMENT: "staging",
      SECRET_KEY: SECRET,
      UPSTASH_REDIS_REST_URL: served.url,
      UPSTASH_REDIS_REST_TOKEN: served.token,
      BURST_SIZE: "2",
      REQUESTS_PER_MINUTE: "6",
      REQUESTS_PER_HOUR: "1000",
    });
    const token = await signJwt({ sub: user }, SECRET);
    try {
      assert.ok(app.logs.some((l) => l.message === "app ready" && l.rate_limit === "upstash"));
      const codes = [];
      for (let i = 0; i < 3; i++) codes.push((await ask(app, "203.0.113.5", bearer(token))).code);
      assert.deepEqual(codes, [undefined, undefined, "RATE_LIMITED"]);

      await served.close();
      const during = await ask(
        app,
        "203.0.113.5",
        bearer(await signJwt({ sub: `${user}-2` }, SECRET)),
      );
      assert.equal(during.status, 200);
      assert.deepEqual(during.body.data, { viewer: { id: `${user}-2` } });
      const text = await (await app.fetch(new Request("http://localhost/metrics"))).text();
      assert.match(text, /cache_errors_total\{operation="rate_limit"\} [1-9]/);
      assert.ok(
        app.logs.some((l) => l.message === "rate limit check failed; letting requests through"),
      );
    } finally {
      await app.close();
      await served.close().catch(() => {});
      await deleteKeys(`gm:rl:*${user}*`);
    }
  },
});
