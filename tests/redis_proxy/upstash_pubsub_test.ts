/**
 * Pub/sub through the proxy with the real `@upstash/redis` client:
 * `subscribe()` and `psubscribe()` streams over SSE, `publish()` over the
 * ordinary routes, and each stream's Redis connection freed when the client
 * goes away. Every wait is on an event, never a sleep.
 */
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";
import type { SubscriptionEvent } from "../../src/redis_proxy/upstash_subscribe.ts";
import {
  redis,
  redisCommand,
  type ServedProxy,
  serveProxy,
  uniqueNamespace,
} from "../support/redis_proxy.ts";

type Subscriber = ReturnType<Redis["subscribe"]>;

/** Resolves with the data of the next `type` event. */
function next<T>(subscriber: Subscriber, type: string): Promise<T> {
  return new Promise((resolve) => {
    let done = false;
    subscriber.on(type as "message", (data) => {
      if (!done) resolve(data as T);
      done = true;
    });
  });
}

/** The proxy's stream events, awaitable one at a time. */
function streamEvents() {
  const waiting: ((event: SubscriptionEvent) => void)[] = [];
  const seen: SubscriptionEvent[] = [];
  return {
    onSubscription(event: SubscriptionEvent) {
      const waiter = waiting.shift();
      if (waiter) waiter(event);
      else seen.push(event);
    },
    next(): Promise<SubscriptionEvent> {
      const event = seen.shift();
      return event ? Promise.resolve(event) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

function pubsubTest(
  name: string,
  fn: (
    client: Redis,
    ns: string,
    events: ReturnType<typeof streamEvents>,
    served: ServedProxy,
  ) => Promise<void>,
): void {
  Deno.test({
    name: `@upstash/redis pub/sub via proxy: ${name}`,
    ignore: redis.ignore,
    async fn() {
      const events = streamEvents();
      const served = serveProxy({ onSubscription: events.onSubscription });
      const client = new Redis({ url: served.url, token: served.token, enableTelemetry: false });
      try {
        await fn(client, uniqueNamespace(), events, served);
      } finally {
        await served.close();
      }
    },
  });
}

/** Waits until the proxy has closed `streams` streams' Redis connections. */
async function ended(events: ReturnType<typeof streamEvents>, streams: number): Promise<void> {
  for (let count = 0; count < streams;) if ((await events.next()).type === "end") count++;
}

/** Unsubscribes and waits until the proxy has closed every stream's Redis connection. */
async function unsubscribeAll(
  subscriber: Subscriber,
  events: ReturnType<typeof streamEvents>,
  streams: number,
): Promise<void> {
  await subscriber.unsubscribe();
  await ended(events, streams);
}

pubsubTest("a published message reaches the subscriber", async (client, ns, events) => {
  const channel = `${ns}run:1`;
  const subscriber = client.subscribe(channel);
  assert.equal(await next<number>(subscriber, "subscribe"), 1);
  assert.equal((await events.next()).type, "open");
  const event = { type: "token", runId: "r1", sequence: 7, text: "héllo, wörld 👋" };
  const received = next<{ channel: string; message: unknown }>(subscriber, "message");
  assert.equal(await client.publish(channel, event), 1);
  assert.deepEqual(await received, { channel, message: event });
  await unsubscribeAll(subscriber, events, 1);
});

pubsubTest(
  "messages keep their order on each of several channels",
  async (client, ns, events, served) => {
    const channels = [`${ns}a`, `${ns}b`];
    const subscriber = client.subscribe(channels);
    const received = new Map<string, unknown[]>(channels.map((c) => [c, []]));
    let subscribed = 0;
    const both = new Promise<void>((resolve) => {
      subscriber.on("subscribe", () => ++subscribed === 2 && resolve());
    });
    await both;
    const all = new Promise<void>((resolve) => {
      let count = 0;
      subscriber.on("message", ({ channel, message }) => {
        received.get(channel)!.push(message);
        if (++count === 20) resolve();
      });
    });
    for (let i = 0; i < 10; i++) {
      await client.publish(channels[0]!, [i]);
      await client.publish(channels[1]!, { n: i });
    }
    await all;
    assert.deepEqual(received.get(channels[0]!), Array.from({ length: 10 }, (_, i) => [i]));
    assert.deepEqual(received.get(channels[1]!), Array.from({ length: 10 }, (_, i) => ({ n: i })));
    // Deno 2.9's fetch does not always end a body read when a second concurrent stream is
    // aborted after a few chunks, so the client's unsubscribe() may not hang up: end from
    // the proxy's side instead.
    await served.proxy.drain();
    await ended(events, 2);
    await subscriber.unsubscribe();
  },
);

pubsubTest("psubscribe delivers matching channels with the pattern", async (client, ns, events) => {
  const pattern = `${ns}run:*`;
  const subscriber = client.psubscribe(pattern);
  assert.equal(await next<number>(subscriber, "psubscribe"), 1);
  const first = next<{ pattern: string; channel: string; message: unknown }>(
    subscriber,
    "pmessage",
  );
  // Redis delivers in order: had the first matched, it would arrive first.
  assert.equal(await client.publish(`${ns}other:1`, "ignored"), 0);
  assert.equal(await client.publish(`${ns}run:42`, { token: "hi" }), 1);
  assert.deepEqual(await first, {
    pattern,
    channel: `${ns}run:42`,
    message: { token: "hi" },
  });
  await unsubscribeAll(subscriber, events, 1);
});

pubsubTest("unsubscribing frees the stream's Redis connection", async (client, ns, events) => {
  const channel = `${ns}freed`;
  const subscriber = client.subscribe(channel);
  await next(subscriber, "subscribe");
  assert.deepEqual(await redisCommand("PUBSUB", "NUMSUB", channel), [
    new TextEncoder().encode(channel),
    1,
  ]);
  await subscriber.unsubscribe([channel]);
  assert.deepEqual(await events.next(), {
    type: "open",
    kind: "subscribe",
    names: [channel],
    open: 1,
  });
  assert.deepEqual(await events.next(), {
    type: "end",
    kind: "subscribe",
    names: [channel],
    open: 0,
  });
  assert.deepEqual(await redisCommand("PUBSUB", "NUMSUB", channel), [
    new TextEncoder().encode(channel),
    0,
  ]);
  assert.equal(await client.publish(channel, "nobody"), 0);
});

Deno.test({
  name: "pub/sub via proxy: the SSE stream's exact lines, and refusals",
  ignore: redis.ignore,
  async fn() {
    const events = streamEvents();
    const served = serveProxy({ onSubscription: events.onSubscription });
    const ns = uniqueNamespace();
    const auth = { authorization: `Bearer ${served.token}` };
    try {
      const wrong = await fetch(`${served.url}/subscribe/${ns}x`, {
        method: "POST",
        headers: { authorization: "Bearer wrong" },
      });
      assert.equal(wrong.status, 401);
      assert.deepEqual(await wrong.json(), { error: "Unauthorized" });
      const empty = await fetch(`${served.url}/subscribe`, { method: "POST", headers: auth });
      assert.equal(empty.status, 400);
      assert.match((await empty.json()).error, /\/subscribe\/<name>/);

      const response = await fetch(`${served.url}/SUBSCRIBE/${ns}x`, { headers: auth });
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      const until = async (wanted: string) => {
        while (!text.includes(wanted)) text += (await reader.read()).value ?? "";
      };
      await until("\n\n");
      assert.equal(text, `data: subscribe,${ns}x,1\n\n`);
      await redisCommand("PUBLISH", `${ns}x`, "plain, with commas");
      await until("commas\n\n");
      assert.equal(text, `data: subscribe,${ns}x,1\n\ndata: message,${ns}x,plain, with commas\n\n`);
      await served.proxy.drain();
      assert.equal((await reader.read()).done, true, "drain ends the stream");
      assert.deepEqual((await events.next()).type, "open");
      assert.deepEqual((await events.next()).type, "end");
      const refused = await fetch(`${served.url}/subscribe/${ns}x`, { headers: auth });
      assert.equal(refused.status, 503);
      await refused.body?.cancel();
    } finally {
      await served.close();
    }
  },
});

Deno.test({
  name: "@upstash/redis pub/sub via proxy: a wrong token is refused",
  ignore: redis.ignore,
  async fn() {
    const served = serveProxy();
    const ns = uniqueNamespace();
    try {
      const intruder = new Redis({
        url: served.url,
        token: "wrong",
        enableTelemetry: false,
        retry: false,
      });
      const subscriber = intruder.subscribe(`${ns}secret`);
      const error = await next<Error>(subscriber, "error");
      assert.match(error.message, /Unauthorized/);
      assert.deepEqual(await redisCommand("PUBSUB", "NUMSUB", `${ns}secret`), [
        new TextEncoder().encode(`${ns}secret`),
        0,
      ]);
      await subscriber.unsubscribe();
    } finally {
      await served.close();
    }
  },
});

Deno.test({
  name: "pub/sub via proxy: streams beyond maxSubscriptions are refused until one ends",
  ignore: redis.ignore,
  async fn() {
    const events = streamEvents();
    const served = serveProxy({ onSubscription: events.onSubscription, maxSubscriptions: 1 });
    const ns = uniqueNamespace();
    const auth = { authorization: `Bearer ${served.token}` };
    try {
      const first = await fetch(`${served.url}/psubscribe/${ns}*`, { headers: auth });
      assert.equal(first.status, 200);
      assert.equal((await events.next()).type, "open");
      const second = await fetch(`${served.url}/subscribe/${ns}b`, { headers: auth });
      assert.equal(second.status, 503);
      assert.match((await second.json()).error, /too many subscriptions open \(at most 1\)/);
      await first.body!.cancel();
      assert.equal((await events.next()).type, "end");
      const third = await fetch(`${served.url}/subscribe/${ns}c`, { headers: auth });
      assert.equal(third.status, 200);
      await third.body!.cancel();
      assert.deepEqual(await events.next(), {
        type: "open",
        kind: "subscribe",
        names: [`${ns}c`],
        open: 1,
      });
      assert.equal((await events.next()).type, "end");
    } finally {
      await served.close();
    }
  },
});

Deno.test({
  name: "pub/sub via proxy: a burst of streams never overshoots maxSubscriptions",
  ignore: redis.ignore,
  async fn() {
    const events = streamEvents();
    const served = serveProxy({ onSubscription: events.onSubscription, maxSubscriptions: 2 });
    const ns = uniqueNamespace();
    const auth = { authorization: `Bearer ${served.token}` };
    try {
      const responses = await Promise.all(
        Array.from(
          { length: 5 },
          (_, i) => fetch(`${served.url}/subscribe/${ns}${i}`, { headers: auth }),
        ),
      );
      assert.deepEqual(responses.map((r) => r.status).sort(), [200, 200, 503, 503, 503]);
      for (const response of responses) await response.body?.cancel();
      await ended(events, 2);
    } finally {
      await served.close();
    }
  },
});
