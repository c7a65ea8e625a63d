import assert from "node:assert/strict";
import { createMemoryEventBus } from "../../src/runs/event_bus.ts";
import type { RunEvent } from "../../src/runs/events.ts";

const token = (text: string) => ({ type: "token" as const, text, messageId: "m", node: "agent" });

async function drain(iterator: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of iterator) events.push(event);
  return events;
}

Deno.test("the bus numbers events, replays after a sequence, then goes live until the end", async () => {
  const bus = createMemoryEventBus({ retentionMs: 60_000 });
  bus.open("r");
  bus.publish("r", token("a"));
  bus.publish("r", token("b"));
  const fromStart = drain(bus.subscribe("r", 0)!);
  const afterOne = drain(bus.subscribe("r", 1)!);
  await Promise.resolve();
  bus.publish("r", token("c"));
  bus.publish("r", { type: "status", status: "success", error: null });
  bus.end("r");
  const all = await fromStart;
  assert.deepEqual(all.map((e) => e.sequence), [1, 2, 3, 4]);
  assert.deepEqual(all.map((e) => e.id), ["r:1", "r:2", "r:3", "r:4"]);
  assert.deepEqual((await afterOne).map((e) => e.sequence), [2, 3, 4]);
  assert.deepEqual(await drain(bus.subscribe("r", 4)!), []);
  assert.equal(bus.lastSequence("r"), 4);
  assert.throws(() => bus.publish("r", token("late")), /No open event log/);
  bus.close();
});

Deno.test("a subscriber that leaves while waiting is released at once", async () => {
  const bus = createMemoryEventBus({ retentionMs: 60_000 });
  bus.open("r");
  const iterator = bus.subscribe("r", 0)!;
  const pending = iterator.next();
  await iterator.return!();
  assert.deepEqual(await pending, { done: true, value: undefined });
  bus.close();
});

Deno.test("logs are dropped after retention, or at once when forgotten", async () => {
  const bus = createMemoryEventBus({ retentionMs: 10 });
  bus.open("kept");
  bus.end("kept");
  assert.ok(bus.subscribe("kept", 0));
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(bus.subscribe("kept", 0), undefined);
  bus.open("deleted");
  const waiting = drain(bus.subscribe("deleted", 0)!);
  bus.forget("deleted");
  assert.deepEqual(await waiting, []);
  assert.equal(bus.subscribe("deleted", 0), undefined);
  bus.close();
});

Deno.test("past the retained-event budget, the oldest ended logs go first", () => {
  const bus = createMemoryEventBus({ retentionMs: 60_000, maxRetainedEvents: 5 });
  for (const runId of ["a", "b", "c"]) {
    bus.open(runId);
    bus.publish(runId, token("x"));
    bus.publish(runId, token("y"));
  }
  bus.end("a");
  bus.end("b");
  assert.ok(bus.subscribe("a", 0) && bus.subscribe("b", 0), "4 events fit");
  bus.end("c");
  assert.equal(bus.subscribe("a", 0), undefined, "the oldest ended log went");
  assert.ok(bus.subscribe("b", 0) && bus.subscribe("c", 0));
  bus.open("live");
  for (let i = 0; i < 10; i++) bus.publish("live", token("z"));
  assert.ok(bus.subscribe("live", 0), "a live log is never dropped");
  bus.close();
});

Deno.test("events logged before the run are held for subscribers, not sunk again", async () => {
  const sunk: number[] = [];
  const bus = createMemoryEventBus({ retentionMs: 60_000, sink: (e) => sunk.push(e.sequence) });
  const queued: RunEvent = {
    type: "status",
    status: "pending",
    error: null,
    queuePosition: 1,
    id: "r:1",
    runId: "r",
    sequence: 1,
    at: new Date(),
  };
  bus.open("r", 1, [queued]);
  assert.equal(bus.baseOf("r"), 0, "a stream from the start reads the queue entry from memory");
  bus.publish("r", token("a"));
  bus.end("r");
  assert.deepEqual((await drain(bus.subscribe("r", 0)!)).map((e) => e.sequence), [1, 2]);
  assert.deepEqual(sunk, [2], "only the new event goes to the durable log");

  // Events that are not exactly the ones before `base` are not held.
  bus.open("gap", 3, [{ ...queued, runId: "gap", id: "gap:1" }]);
  assert.equal(bus.baseOf("gap"), 3);
  assert.equal(bus.subscribe("gap", 0), undefined);
  bus.close();
});
