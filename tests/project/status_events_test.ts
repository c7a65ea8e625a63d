import assert from "node:assert/strict";
import { createStatusEvents } from "../../src/project/status_events.ts";

/** Resolves with "pending" when `promise` has not settled within a few ticks. */
async function settled<T>(promise: Promise<T>): Promise<T | "pending"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), 20);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("a subscriber hears its plan's changes only", async () => {
  const events = createStatusEvents();
  const mine = events.subscribe("mine");
  const next = mine.next();
  events.publish("other");
  assert.equal(await settled(next), "pending");
  events.publish("mine");
  assert.deepEqual(await next, { done: false, value: "mine" });
  await mine.return?.();
});

Deno.test("changes while a subscriber is busy coalesce into one", async () => {
  const events = createStatusEvents();
  const changes = events.subscribe("p");
  events.publish("p");
  events.publish("p");
  events.publish("p");
  assert.deepEqual(await changes.next(), { done: false, value: "p" });
  assert.equal(await settled(changes.next()), "pending");
  await changes.return?.();
});

Deno.test("return ends a subscription that is waiting, and unsubscribes it", async () => {
  const events = createStatusEvents();
  const changes = events.subscribe("p");
  const waiting = changes.next();
  assert.equal(events.subscriberCount, 1);
  await changes.return?.();
  assert.deepEqual(await settled(waiting), { done: true, value: undefined });
  assert.equal(events.subscriberCount, 0);
});

Deno.test("initial yields once straight away", async () => {
  const events = createStatusEvents();
  const changes = events.subscribe("p", { initial: true });
  assert.deepEqual(await settled(changes.next()), { done: false, value: "p" });
  assert.equal(await settled(changes.next()), "pending");
  await changes.return?.();
});

Deno.test("close ends every subscription", async () => {
  const events = createStatusEvents();
  const a = events.subscribe("a");
  const b = events.subscribe("b");
  const waiting = [a.next(), b.next()];
  events.close();
  assert.deepEqual(await Promise.all(waiting), [
    { done: true, value: undefined },
    { done: true, value: undefined },
  ]);
  assert.equal(events.subscriberCount, 0);
});
