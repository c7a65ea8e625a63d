import assert from "node:assert/strict";
import {
  encodeCommand,
  RedisReplyError,
  RespDecoder,
  RespProtocolError,
  type RespValue,
  SimpleString,
} from "../../src/redis_proxy/resp.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function decodeAll(chunks: Uint8Array[]): RespValue[] {
  const decoder = new RespDecoder();
  const replies: RespValue[] = [];
  for (const chunk of chunks) {
    decoder.push(chunk);
    for (let reply = decoder.next(); reply !== undefined; reply = decoder.next()) {
      replies.push(reply);
    }
  }
  return replies;
}

const WIRE = "+OK\r\n-ERR boom\r\n:42\r\n:-7\r\n$-1\r\n*-1\r\n$0\r\n\r\n" +
  "$6\r\na\r\n\x00bc\r\n*3\r\n:1\r\n*2\r\n$1\r\nx\r\n$-1\r\n+QUEUED\r\n*0\r\n";

function assertWireReplies(replies: RespValue[]): void {
  assert.equal(replies.length, 10);
  assert.deepEqual(replies[0], new SimpleString("OK"));
  assert.ok(replies[1] instanceof RedisReplyError);
  assert.equal(replies[1].message, "ERR boom");
  assert.deepEqual(replies.slice(2, 6), [42, -7, null, null]);
  assert.deepEqual(replies[6], new Uint8Array());
  assert.deepEqual(replies[7], bytes("a\r\n\x00bc"));
  assert.deepEqual(replies[8], [1, [bytes("x"), null], new SimpleString("QUEUED")]);
  assert.deepEqual(replies[9], []);
}

Deno.test("resp: encodes commands as arrays of bulk strings, counting bytes", () => {
  assert.equal(
    new TextDecoder().decode(encodeCommand(["SET", "k", "é\r\n"])),
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\né\r\n\r\n",
  );
  assert.deepEqual(
    encodeCommand([new Uint8Array([0, 255])]),
    new Uint8Array([...bytes("*1\r\n$2\r\n"), 0, 255, 13, 10]),
  );
});

Deno.test("resp: decodes every reply type in one chunk", () => {
  assertWireReplies(decodeAll([bytes(WIRE)]));
});

Deno.test("resp: decodes replies split at every possible byte", () => {
  const wire = bytes(WIRE);
  for (let split = 1; split < wire.length; split++) {
    assertWireReplies(decodeAll([wire.subarray(0, split), wire.subarray(split)]));
  }
  assertWireReplies(decodeAll(Array.from(wire, (b) => new Uint8Array([b]))));
});

Deno.test("resp: keeps bulk strings as raw bytes, including invalid UTF-8", () => {
  const payload = new Uint8Array(256).map((_, i) => i);
  const wire = new Uint8Array([...bytes("$256\r\n"), ...payload, 13, 10]);
  assert.deepEqual(decodeAll([wire]), [payload]);
});

Deno.test("resp: grows its buffer for large replies", () => {
  const big = "x".repeat(200_000);
  const wire = bytes(`$${big.length}\r\n${big}\r\n:1\r\n`);
  const chunks = [];
  for (let i = 0; i < wire.length; i += 7000) chunks.push(wire.subarray(i, i + 7000));
  const [first, second] = decodeAll(chunks);
  assert.equal(new TextDecoder().decode(first as Uint8Array), big);
  assert.equal(second, 1);
});

Deno.test("resp: rejects bytes that are not RESP2", () => {
  assert.throws(() => decodeAll([bytes("?what\r\n")]), RespProtocolError);
  assert.throws(() => decodeAll([bytes(":12a\r\n")]), RespProtocolError);
});
