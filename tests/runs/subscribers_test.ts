/**
 * The registry of live run streams (src/runs/subscribers.ts) over the real
 * in-memory event bus: a stream that stops pulling is ended once it falls
 * behind by more than the limit, a replay's backlog does not count, and a
 * shutdown ends a stream waiting for events, each with the sequence to
 * resume after.
 */
import assert from "node:assert/strict";
import { AppError } from "../../src/core/errors.ts";
import { createMemoryEventBus } from "../../src/runs/event_bus.ts";
import { createSubscribers, type StreamItem } from "../../src/runs/subscribers.ts";

const RUN = "run-1";

function setup(lagLimit: number) {
  const bus = createMemoryEventBus({ retentionMs: 60_000 });
  bus.open(RUN);
  let slow = 0;
  const subscribers = createSubscribers({
    lagLimit,
    head: (runId) => bus.lastSequence(runId),
    onSlow: () => slow++,
    checkEveryMs: 5,
  });
  const publish = (count: number) => {
    for (let i = 0; i < count; i++) {
      bus.publish(RUN, { type: "token", text: "x", messageId: "m", node: "agent" });
    }
  };
  const stream = (after: number) => subscribers.track(RUN, bus.subscribe(RUN, after)!, after);
  return {
    bus,
    subscribers,
    publish,
    stream,
    slow: () => slow,
    close() {
      subscribers.close();
      bus.close();
    },
  };
}

async function take(iterator: AsyncIterator<StreamItem>, count: number): Promise<number> {
  let last = 0;
  for (let i = 0; i < count; i++) {
    const { value } = await iterator.next();
    last = (value as { sequence: number }).sequence;
  }
  return last;
}

function closing(item: IteratorResult<StreamItem>): AppError {
  assert.equal(item.done, false);
  assert.ok(item.value instanceof AppError, `a closing error, not ${JSON.stringify(item.value)}`);
  return item.value;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

Deno.test("a stream that stops pulling is ended past the lag limit, naming where to resume", async () => {
  const t = setup(10);
  try {
    const iterator = t.stream(0);
    t.publish(3);
    assert.equal(await take(iterator, 3), 3);
    t.publish(11);
    await until(() => t.slow() === 1);
    const error = closing(await iterator.next());
    assert.equal(error.code, "RATE_LIMITED");
    assert.equal(error.extensions.resumeAfter, 3);
    assert.match(error.message, /after: 3/);
    assert.equal((await iterator.next()).done, true);
    assert.equal(t.subscribers.size, 0);
  } finally {
    t.close();
  }
});

Deno.test("a stream within the limit, or replaying a backlog, is not ended", async () => {
  const t = setup(10);
  try {
    t.publish(50); // stored before it subscribed: a replay, not lag
    const iterator = t.stream(0);
    t.publish(10);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(t.slow(), 0);
    assert.equal(await take(iterator, 60), 60);
    await iterator.return!();
  } finally {
    t.close();
  }
});

Deno.test("endAll ends a stream waiting for events with UNAVAILABLE and resumeAfter", async () => {
  const t = setup(1000);
  try {
    const iterator = t.stream(0);
    t.publish(2);
    assert.equal(await take(iterator, 2), 2);
    const waiting = iterator.next();
    assert.equal(await t.subscribers.endAll(3), 1);
    const error = closing(await waiting);
    assert.equal(error.code, "UNAVAILABLE");
    assert.deepEqual(
      { resumeAfter: error.extensions.resumeAfter, retryAfter: error.extensions.retryAfter },
      { resumeAfter: 2, retryAfter: 3 },
    );
    assert.equal((await iterator.next()).done, true);
  } finally {
    t.close();
  }
});
