import assert from "node:assert/strict";
import { createScheduler } from "../../src/runs/scheduler.ts";

function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => open = resolve);
  return { open, opened };
}

Deno.test("one job per key at a time, at most maxConcurrent overall, first come first served", async () => {
  const scheduler = createScheduler(2);
  const started: string[] = [];
  const gates = new Map<string, ReturnType<typeof gate>>();
  const job = (id: string, key: string) => {
    gates.set(id, gate());
    return {
      id,
      key,
      start: async () => {
        started.push(id);
        await gates.get(id)!.opened;
      },
    };
  };
  scheduler.submit(job("a1", "a"));
  scheduler.submit(job("a2", "a"));
  scheduler.submit(job("b1", "b"));
  scheduler.submit(job("c1", "c"));
  assert.deepEqual(started, ["a1", "b1"]);
  assert.equal(scheduler.running, 2);
  assert.equal(scheduler.waiting, 2);
  assert.equal(scheduler.queued("a"), 2);
  assert.equal(scheduler.withdraw("a1"), false, "a running job cannot be withdrawn");
  gates.get("a1")!.open();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(started, ["a1", "b1", "c1"], "c1 waited longer than a2");
  assert.equal(scheduler.withdraw("a2"), true);
  assert.equal(scheduler.queued("a"), 0);
  gates.get("b1")!.open();
  gates.get("c1")!.open();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(scheduler.running, 0);
  assert.equal(scheduler.waiting, 0);
  assert.deepEqual(started, ["a1", "b1", "c1"]);
});

Deno.test("withdrawing the head of a key's queue lets the next one start", async () => {
  const scheduler = createScheduler(1);
  const started: string[] = [];
  let release = () => {};
  scheduler.submit({
    id: "x",
    key: "x",
    start: () =>
      new Promise<void>((resolve) => release = () => resolve(started.push("x-done") as never)),
  });
  scheduler.submit({ id: "y1", key: "y", start: () => Promise.resolve(void started.push("y1")) });
  scheduler.submit({ id: "y2", key: "y", start: () => Promise.resolve(void started.push("y2")) });
  assert.equal(scheduler.withdraw("y1"), true);
  release();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(started, ["x-done", "y2"]);
});
