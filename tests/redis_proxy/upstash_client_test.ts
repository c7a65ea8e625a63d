/**
 * The real `@upstash/redis` client against the proxy and the local Redis:
 * auto-pipelining, explicit pipelines, transactions, encodings, errors and
 * scripts, including Upstash's `allow-key-locking` shebang flag.
 */
import assert from "node:assert/strict";
import { errors, Redis } from "@upstash/redis";
import { scriptSha } from "../../src/redis_proxy/upstash_scripts.ts";
import {
  deleteKeys,
  redis,
  redisCommand,
  serveProxy,
  uniqueNamespace,
} from "../support/redis_proxy.ts";

type ClientOptions = { automaticDeserialization?: boolean; enableAutoPipelining?: boolean };

function clientTest(
  name: string,
  fn: (client: Redis, ns: string) => Promise<void>,
  options: ClientOptions = {},
): void {
  Deno.test({
    name: `@upstash/redis via proxy: ${name}`,
    ignore: redis.ignore,
    async fn() {
      const served = serveProxy();
      const ns = uniqueNamespace();
      const client = new Redis({
        url: served.url,
        token: served.token,
        enableTelemetry: false,
        ...options,
      });
      try {
        await fn(client, ns);
      } finally {
        await served.close();
        await deleteKeys(`${ns}*`);
      }
    },
  });
}

const LOCKING_SCRIPT = `#!lua flags=allow-key-locking
  local value = redis.call("INCRBY", KEYS[1], ARGV[1])
  return {value, "done"}
`;

clientTest("basic commands and nil", async (client, ns) => {
  assert.equal(await client.set(`${ns}k`, { a: [1, "b"] }), "OK");
  assert.deepEqual(await client.get(`${ns}k`), { a: [1, "b"] });
  assert.equal(await client.get(`${ns}missing`), null);
  assert.deepEqual(await client.mget(`${ns}k`, `${ns}missing`), [{ a: [1, "b"] }, null]);
  assert.equal(await client.incr(`${ns}n`), 1);
  assert.equal(await client.ping(), "PONG");
  assert.equal(await client.del(`${ns}k`, `${ns}n`), 2);
});

clientTest("auto-pipelining batches concurrent commands into few requests", async (client, ns) => {
  const writes = await Promise.all(
    Array.from({ length: 50 }, (_, i) => client.set(`${ns}p${i}`, i)),
  );
  assert.ok(writes.every((w) => w === "OK"));
  const reads = await Promise.all(Array.from({ length: 50 }, (_, i) => client.get(`${ns}p${i}`)));
  assert.deepEqual(reads, Array.from({ length: 50 }, (_, i) => i));
  const counter = (client as unknown as { pipelineCounter: number }).pipelineCounter;
  assert.ok(counter <= 4, `expected batched requests, got ${counter}`);
});

clientTest("an auto-pipelined failure rejects only its own command", async (client, ns) => {
  await client.lpush(`${ns}list`, "x");
  const [ok, failed] = await Promise.allSettled([
    client.set(`${ns}s`, "v"),
    client.incr(`${ns}list`),
  ]);
  assert.deepEqual(ok, { status: "fulfilled", value: "OK" });
  assert.equal(failed.status, "rejected");
  assert.ok(failed.reason instanceof errors.UpstashError);
  assert.match(failed.reason.message, /WRONGTYPE/);
});

clientTest("single-command requests surface errors as UpstashError", async (client, ns) => {
  await client.lpush(`${ns}list`, "x");
  await assert.rejects(client.incr(`${ns}list`), (error: Error) => {
    assert.ok(error instanceof errors.UpstashError);
    assert.match(error.message, /WRONGTYPE/);
    return true;
  });
}, { enableAutoPipelining: false });

clientTest("explicit pipeline()", async (client, ns) => {
  const results = await client.pipeline()
    .set(`${ns}a`, "1")
    .incrby(`${ns}a`, 9)
    .get(`${ns}a`)
    .hset(`${ns}h`, { f: "v" })
    .hgetall(`${ns}h`)
    .exec();
  assert.deepEqual(results, ["OK", 10, 10, 1, { f: "v" }]);
  const withError = client.pipeline().get(`${ns}h`).get(`${ns}a`);
  await assert.rejects(withError.exec(), /Command 1 \[ get \] failed: WRONGTYPE/);
  const kept = await client.pipeline().get(`${ns}h`).get(`${ns}a`).exec({ keepErrors: true });
  assert.match(String(kept[0]?.error), /WRONGTYPE/);
  assert.deepEqual(kept[1], { error: undefined, result: 10 });
});

clientTest("multi() runs a MULTI/EXEC transaction", async (client, ns) => {
  const results = await client.multi()
    .set(`${ns}t`, 5)
    .incr(`${ns}t`)
    .expire(`${ns}t`, 60)
    .ttl(`${ns}t`)
    .exec();
  assert.deepEqual(results, ["OK", 6, 1, 60]);
  await assert.rejects(
    client.multi().set(`${ns}t`, "x").lpush(`${ns}t`, "y").exec(),
    /WRONGTYPE/,
  );
  assert.equal(
    await client.get(`${ns}t`),
    "x",
    "commands before the failure still ran, as in Redis",
  );
});

clientTest("tricky strings survive base64 both ways", async (client, ns) => {
  const values = [
    "abcd",
    "T0s=",
    "OK",
    "PONG",
    "!!not base64!!",
    "",
    "👋🏽 👨‍👩‍👧",
    "𝄞",
    "a\u0000b",
    "\u00ff\u00fe\u0001",
    "line\r\nbreak",
    "λ".repeat(50_000),
  ];
  for (const [i, value] of values.entries()) await client.set(`${ns}v${i}`, value);
  const read = await Promise.all(values.map((_, i) => client.get<string>(`${ns}v${i}`)));
  assert.deepEqual(read, values);
  // JSON carries a lone surrogate, UTF-8 cannot: Redis stores U+FFFD.
  await client.set(`${ns}lone`, "x\ud800y");
  assert.equal(await client.get(`${ns}lone`), "x\ufffdy");
  // Bytes that are not UTF-8 arrive base64-encoded; the client decodes them lossily.
  assert.equal(await client.eval("return string.char(0, 255, 1)", [], []), "\u0000\ufffd\u0001");
}, { automaticDeserialization: false });

clientTest("a wrong token is rejected", async (_client, ns) => {
  const served = serveProxy();
  try {
    const intruder = new Redis({ url: served.url, token: "wrong", enableTelemetry: false });
    await assert.rejects(intruder.get(`${ns}k`), /Unauthorized/);
  } finally {
    await served.close();
  }
});

clientTest("EVAL and EVALSHA", async (client, ns) => {
  const script = "return redis.call('SET', KEYS[1], ARGV[1])";
  assert.equal(await client.eval(script, [`${ns}e`], ["v"]), "OK");
  const sha = await client.scriptLoad("return redis.call('GET', KEYS[1])");
  assert.equal(sha, await scriptSha("return redis.call('GET', KEYS[1])"));
  assert.equal(await client.evalsha(sha, [`${ns}e`], []), "v");
  await assert.rejects(client.evalsha("0".repeat(40), [], []), /NOSCRIPT/);
});

clientTest("scripts with #!lua flags=allow-key-locking run on plain Redis", async (client, ns) => {
  const clientSha = await scriptSha(LOCKING_SCRIPT);
  // Unknown until first EVAL: the NOSCRIPT that makes ratelimit fall back to EVAL.
  await assert.rejects(client.evalsha(clientSha, [`${ns}n`], [2]), /NOSCRIPT/);
  assert.deepEqual(await client.eval(LOCKING_SCRIPT, [`${ns}n`], [2]), [2, "done"]);
  assert.deepEqual(await client.evalsha(clientSha, [`${ns}n`], [3]), [5, "done"]);
  assert.deepEqual(await client.scriptExists(clientSha), [1]);
  // SCRIPT LOAD answers with the SHA1 of what the client sent, as Upstash does.
  const other = LOCKING_SCRIPT.replace("done", "loaded");
  assert.equal(await client.scriptLoad(other), await scriptSha(other));
  assert.deepEqual(await client.evalsha(await scriptSha(other), [`${ns}n`], [1]), [6, "loaded"]);
  // The helper the SDK offers computes the same SHA1 and works too.
  const helper = client.createScript<[number, string]>(LOCKING_SCRIPT.replace("done", "helper"));
  assert.deepEqual(await helper.exec([`${ns}n`], ["4"]), [10, "helper"]);
});

clientTest("other shebang flags survive stripping", async (client, ns) => {
  const readOnly =
    "#!lua flags=no-writes,allow-key-locking\nreturn redis.call('SET', KEYS[1], 'x')";
  await assert.rejects(client.eval(readOnly, [`${ns}ro`], []), /Write commands are not allowed/);
  assert.equal(await redisCommand("EXISTS", `${ns}ro`), 0);
  const errorLine = "#!lua flags=allow-key-locking\n\nerror('boom')";
  await assert.rejects(client.eval(errorLine, [], []), /:3: boom/);
});
