import assert from "node:assert/strict";
import { createRedisPool } from "../../src/redis_proxy/redis_pool.ts";
import { RedisReplyError } from "../../src/redis_proxy/resp.ts";
import {
  createScriptTranslator,
  scriptSha,
  stripKeyLockingFlag,
} from "../../src/redis_proxy/upstash_scripts.ts";
import { redis } from "../support/redis_proxy.ts";

Deno.test("scripts: strips only the allow-key-locking flag", () => {
  assert.equal(stripKeyLockingFlag("#!lua flags=allow-key-locking\nreturn 1"), "\nreturn 1");
  assert.equal(stripKeyLockingFlag("#!lua flags=allow-key-locking\r\nreturn 1"), "\nreturn 1");
  assert.equal(stripKeyLockingFlag("#!lua flags=allow-key-locking"), "");
  assert.equal(
    stripKeyLockingFlag("#!lua flags=no-writes,allow-key-locking,allow-oom\nreturn 1"),
    "#!lua flags=no-writes,allow-oom\nreturn 1",
  );
  assert.equal(stripKeyLockingFlag("#!lua flags=no-writes\nreturn 1"), undefined);
  assert.equal(stripKeyLockingFlag("return 1 -- #!lua flags=allow-key-locking"), undefined);
  assert.equal(stripKeyLockingFlag("#!lua\nreturn 1"), undefined);
});

Deno.test("scripts: scriptSha is the lowercase hex SHA1 Redis uses", async () => {
  assert.equal(await scriptSha(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  assert.equal(await scriptSha("return 1"), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
});

Deno.test("scripts: EVALSHA of a rewritten script is redirected to the stripped SHA1", async () => {
  const translator = createScriptTranslator();
  const script = "#!lua flags=allow-key-locking\nreturn 1";
  const clientSha = await scriptSha(script);
  const redisSha = await scriptSha("\nreturn 1");
  assert.deepEqual((await translator.translate(["evalsha", clientSha, "0"])).args, [
    "evalsha",
    clientSha,
    "0",
  ]);
  assert.deepEqual((await translator.translate(["EVAL", script, "0"])).args, [
    "EVAL",
    "\nreturn 1",
    "0",
  ]);
  assert.deepEqual((await translator.translate(["evalsha", clientSha.toUpperCase(), "0"])).args, [
    "evalsha",
    redisSha,
    "0",
  ]);
  assert.deepEqual((await translator.translate(["script", "exists", clientSha, "abc"])).args, [
    "script",
    "exists",
    redisSha,
    "abc",
  ]);
  const load = await translator.translate(["SCRIPT", "LOAD", script]);
  assert.deepEqual(load.args, ["SCRIPT", "LOAD", "\nreturn 1"]);
  assert.deepEqual(
    load.mapReply?.(new TextEncoder().encode(redisSha)),
    new TextEncoder().encode(clientSha),
  );
  assert.deepEqual((await translator.translate(["get", "k"])).args, ["get", "k"]);
});

Deno.test("scripts: the translator forgets the oldest script beyond its bound", async () => {
  const translator = createScriptTranslator(2);
  const scripts = [1, 2, 3].map((n) => `#!lua flags=allow-key-locking\nreturn ${n}`);
  for (const script of scripts) await translator.translate(["eval", script, "0"]);
  const first = await scriptSha(scripts[0]!);
  const third = await scriptSha(scripts[2]!);
  assert.equal((await translator.translate(["evalsha", first, "0"])).args[1], first);
  assert.notEqual((await translator.translate(["evalsha", third, "0"])).args[1], third);
});

Deno.test({
  name: "scripts: plain Redis rejects the flag, which is why the proxy strips it",
  ignore: redis.ignore,
  async fn() {
    redis.assertAvailable();
    const pool = createRedisPool({ hostname: redis.hostname, port: redis.port });
    try {
      const [reply] = await pool.exec([["EVAL", "#!lua flags=allow-key-locking\nreturn 1", "0"]]);
      assert.ok(reply instanceof RedisReplyError);
      assert.match(reply.message, /flag/i);
    } finally {
      await pool.close();
    }
  },
});
