/**
 * The proxy's HTTP contract, called in-process through its fetch handler:
 * auth, routes, the base64 encoding, errors and transactions.
 */
import assert from "node:assert/strict";
import { createUpstashProxy, type UpstashProxy } from "../../src/redis_proxy/upstash_proxy.ts";
import { deleteKeys, redis, RUN_PREFIX, uniqueNamespace } from "../support/redis_proxy.ts";

const TOKEN = "proxy-test-token";

interface Call {
  path?: string;
  body?: unknown;
  token?: string | null;
  base64?: boolean;
  method?: string;
}

/** Sends one request through the handler and returns status and parsed JSON. */
async function call(proxy: UpstashProxy, call: Call): Promise<{ status: number; json: unknown }> {
  const headers = new Headers({ "content-type": "application/json" });
  if (call.token !== null) headers.set("authorization", `Bearer ${call.token ?? TOKEN}`);
  if (call.base64) headers.set("upstash-encoding", "base64");
  const body = call.body === undefined
    ? undefined
    : typeof call.body === "string"
    ? call.body
    : JSON.stringify(call.body);
  const response = await proxy.fetch(
    new Request(`http://proxy${call.path ?? "/"}`, {
      method: call.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      ...(body !== undefined && { body }),
    }),
  );
  return { status: response.status, json: await response.json() };
}

const b64 = (text: string) => new TextEncoder().encode(text).toBase64();

/** A test with a fresh proxy and namespace, cleaned up afterwards. */
function proxyTest(name: string, fn: (proxy: UpstashProxy, ns: string) => Promise<void>): void {
  Deno.test({
    name: `upstash proxy: ${name}`,
    ignore: redis.ignore,
    async fn() {
      redis.assertAvailable();
      const proxy = createUpstashProxy({
        token: TOKEN,
        redisHost: redis.hostname,
        redisPort: redis.port,
      });
      const ns = uniqueNamespace();
      try {
        await fn(proxy, ns);
      } finally {
        await proxy.close();
        await deleteKeys(`${ns}*`);
      }
    },
  });
}

proxyTest("rejects requests without the right Bearer token", async (proxy, ns) => {
  const command = ["set", `${ns}k`, "v"];
  for (const token of [null, "", "wrong", TOKEN.replace(/.$/, "X"), `${TOKEN}x`]) {
    const { status, json } = await call(proxy, { body: command, token });
    assert.equal(status, 401, String(token));
    assert.deepEqual(json, { error: "Unauthorized" });
  }
  const lowercase = await proxy.fetch(
    new Request("http://proxy/", {
      method: "POST",
      headers: { authorization: `bearer ${TOKEN}` },
      body: "[]",
    }),
  );
  assert.equal(lowercase.status, 401);
  await lowercase.body?.cancel();
  assert.deepEqual(await call(proxy, { body: ["exists", `${ns}k`] }), {
    status: 200,
    json: { result: 0 },
  });
});

proxyTest("GET / is an unauthenticated health check", async (proxy) => {
  assert.deepEqual(await call(proxy, { token: null }), { status: 200, json: { status: "ok" } });
});

proxyTest("runs one command, plain and base64-encoded", async (proxy, ns) => {
  assert.deepEqual((await call(proxy, { body: ["set", `${ns}k`, "héllo"] })).json, {
    result: "OK",
  });
  assert.deepEqual((await call(proxy, { body: ["get", `${ns}k`] })).json, { result: "héllo" });
  assert.deepEqual((await call(proxy, { body: ["get", `${ns}k`], base64: true })).json, {
    result: b64("héllo"),
  });
  // Status replies are encoded too, except OK, which the client special-cases.
  assert.deepEqual((await call(proxy, { body: ["set", `${ns}k`, 1], base64: true })).json, {
    result: "OK",
  });
  assert.deepEqual((await call(proxy, { body: ["ping"], base64: true })).json, {
    result: b64("PONG"),
  });
  assert.deepEqual((await call(proxy, { body: ["type", `${ns}k`], base64: true })).json, {
    result: b64("string"),
  });
  assert.deepEqual((await call(proxy, { body: ["incrby", `${ns}k`, 41], base64: true })).json, {
    result: 42,
  });
});

proxyTest("nil is always null, at any depth", async (proxy, ns) => {
  for (const base64 of [false, true]) {
    assert.deepEqual((await call(proxy, { body: ["get", `${ns}none`], base64 })).json, {
      result: null,
    });
    await call(proxy, { body: ["set", `${ns}a`, "A"] });
    assert.deepEqual((await call(proxy, { body: ["mget", `${ns}a`, `${ns}none`], base64 })).json, {
      result: [base64 ? b64("A") : "A", null],
    });
  }
});

proxyTest("base64 covers nested arrays and arbitrary bytes", async (proxy) => {
  const script =
    "return {1, 'a', {'b', false, {'OK'}}, redis.status_reply('OK'), string.char(0, 255, 1)}";
  assert.deepEqual((await call(proxy, { body: ["eval", script, 0], base64: true })).json, {
    result: [1, b64("a"), [b64("b"), null, [b64("OK")]], "OK", "AP8B"],
  });
  assert.deepEqual((await call(proxy, { body: ["eval", script, 0] })).json, {
    result: [1, "a", ["b", null, ["OK"]], "OK", "\u0000\ufffd\u0001"],
  });
});

proxyTest("stores UTF-8 of what clients send, byte for byte", async (proxy, ns) => {
  const values = ["👋🏽", "𝄞", "a\u0000b", "\r\n$3\r\n", "abcd", "OK"];
  for (const value of values) {
    await call(proxy, { body: ["set", `${ns}v`, value] });
    const { json } = await call(proxy, { body: ["get", `${ns}v`], base64: true });
    assert.deepEqual(json, { result: b64(value) }, JSON.stringify(value));
    assert.deepEqual((await call(proxy, { body: ["strlen", `${ns}v`] })).json, {
      result: new TextEncoder().encode(value).length,
    });
  }
  // JSON can carry a lone surrogate, UTF-8 cannot: it arrives as U+FFFD, as with Upstash.
  await call(proxy, { body: ["set", `${ns}v`, "x\ud800"] });
  assert.deepEqual((await call(proxy, { body: ["get", `${ns}v`] })).json, { result: "x\ufffd" });
});

proxyTest("command errors are {error} with status 400", async (proxy, ns) => {
  await call(proxy, { body: ["lpush", `${ns}list`, "x"] });
  const wrongType = await call(proxy, { body: ["incr", `${ns}list`] });
  assert.equal(wrongType.status, 400);
  assert.match((wrongType.json as { error: string }).error, /^WRONGTYPE/);
  const unknown = await call(proxy, { body: ["nosuchcommand"] });
  assert.equal(unknown.status, 400);
  assert.match((unknown.json as { error: string }).error, /unknown command/);
});

proxyTest("malformed requests are {error} with a 4xx status", async (proxy) => {
  const cases: [Call, number, RegExp][] = [
    [{ body: "not json" }, 400, /not valid JSON/],
    [{ body: [] }, 400, /non-empty JSON array/],
    [{ body: { cmd: "get" } }, 400, /non-empty JSON array/],
    [{ body: ["get", { a: 1 }] }, 400, /strings, numbers or booleans/],
    [{ body: ["get", null] }, 400, /strings, numbers or booleans/],
    [{ body: ["select", "1"] }, 400, /changes connection state/],
    [{ body: ["subscribe", "ch"] }, 400, /changes connection state/],
    [{ body: ["multi"] }, 400, /changes connection state/],
    [{ path: "/pipeline", body: [] }, 400, /non-empty JSON array of commands/],
    [{ path: "/multi-exec", body: [["get", "x"], "oops"] }, 400, /non-empty JSON array/],
    [{ path: "/", method: "PUT", body: ["ping"] }, 405, /method PUT/],
    [{ path: "/get/%E0%A4%A" }, 400, /percent-encoded/],
  ];
  for (const [request, status, error] of cases) {
    const response = await call(proxy, request);
    assert.equal(response.status, status, JSON.stringify(request));
    assert.match((response.json as { error: string }).error, error, JSON.stringify(request));
  }
});

proxyTest("path-style commands work as in Upstash's curl examples", async (proxy, ns) => {
  const key = encodeURIComponent(`${ns}path key`);
  assert.deepEqual((await call(proxy, { path: `/set/${key}/v1`, method: "POST" })).json, {
    result: "OK",
  });
  assert.deepEqual((await call(proxy, { path: `/get/${key}` })).json, { result: "v1" });
  assert.deepEqual((await call(proxy, { path: `/set/${key}`, body: "from body" })).json, {
    result: "OK",
  });
  assert.deepEqual((await call(proxy, { path: `/get/${key}` })).json, { result: "from body" });
});

proxyTest("pipelines answer each command in order; one failure stays local", async (proxy, ns) => {
  const { status, json } = await call(proxy, {
    path: "/pipeline",
    base64: true,
    body: [
      ["set", `${ns}a`, "1"],
      ["incr", `${ns}a`],
      ["lpush", `${ns}a`, "x"],
      ["select", "2"],
      ["get", `${ns}a`],
      ["get", `${ns}missing`],
    ],
  });
  assert.equal(status, 200);
  const entries = json as Record<string, unknown>[];
  assert.deepEqual(entries[0], { result: "OK" });
  assert.deepEqual(entries[1], { result: 2 });
  assert.match(String(entries[2]?.error), /^WRONGTYPE/);
  assert.match(String(entries[3]?.error), /changes connection state/);
  assert.deepEqual(entries.slice(4), [{ result: b64("2") }, { result: null }]);
});

proxyTest("multi-exec runs a transaction and reports per-command errors", async (proxy, ns) => {
  const ok = await call(proxy, {
    path: "/multi-exec",
    body: [["set", `${ns}t`, "1"], ["incr", `${ns}t`], ["lpush", `${ns}t`, "x"], ["get", `${ns}t`]],
  });
  assert.equal(ok.status, 200);
  const entries = ok.json as Record<string, unknown>[];
  assert.deepEqual([entries[0], entries[1], entries[3]], [{ result: "OK" }, { result: 2 }, {
    result: "2",
  }]);
  assert.match(String(entries[2]?.error), /^WRONGTYPE/);
});

proxyTest("multi-exec aborts the whole transaction on a queueing error", async (proxy, ns) => {
  const aborted = await call(proxy, {
    path: "/multi-exec",
    body: [["set", `${ns}t`, "1"], ["set", `${ns}t`]],
  });
  assert.equal(aborted.status, 400);
  assert.match((aborted.json as { error: string }).error, /EXECABORT.*wrong number of arguments/);
  assert.deepEqual((await call(proxy, { body: ["exists", `${ns}t`] })).json, { result: 0 });
  const refused = await call(proxy, {
    path: "/multi-exec",
    body: [["set", `${ns}t`, "1"], ["watch", "x"]],
  });
  assert.equal(refused.status, 400);
  assert.deepEqual((await call(proxy, { body: ["exists", `${ns}t`] })).json, { result: 0 });
});

proxyTest("concurrent requests each get their own replies", async (proxy, ns) => {
  const blocking = call(proxy, { body: ["blpop", `${ns}empty`, "1"] });
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: 60 }, async (_, i) => {
    await call(proxy, {
      path: "/pipeline",
      body: [["set", `${ns}c${i}`, `v${i}`], ["append", `${ns}c${i}`, "!"]],
    });
    return (await call(proxy, { body: ["get", `${ns}c${i}`] })).json;
  }));
  // A blocked BLPOP holds only its own connection.
  assert.ok(performance.now() - started < 900, "requests waited for the blocking command");
  assert.deepEqual(results, Array.from({ length: 60 }, (_, i) => ({ result: `v${i}!` })));
  assert.deepEqual((await blocking).json, { result: null });
});

proxyTest("answers 503 with {error} when Redis is unreachable", async () => {
  const down = createUpstashProxy({ token: TOKEN, redisHost: "127.0.0.1", redisPort: 1 });
  try {
    const { status, json } = await call(down, { body: ["ping"] });
    assert.equal(status, 503);
    assert.match((json as { error: string }).error, /Cannot connect to Redis at 127.0.0.1:1/);
    assert.equal((await call(down, { token: null })).status, 503);
  } finally {
    await down.close();
  }
});

Deno.test({
  name: "upstash proxy: test keys are namespaced per run",
  ignore: redis.ignore,
  fn() {
    assert.match(RUN_PREFIX, /^gm-test:[0-9a-f-]{36}:$/);
  },
});
