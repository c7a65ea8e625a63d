/**
 * The shared claim loop's slot accounting: items it claims and items
 * reserved, then adopted, by a submitter never exceed its capacity, also
 * when a submit reserves while a claim is in flight.
 *
 * @module
 */
import assert from "node:assert/strict";
import { startWorker } from "../../src/queue/worker.ts";
import { createLogger } from "../../src/observability/logger.ts";

const logger = createLogger({ level: "error", name: "test", write: () => {} });

/** A worker over an in-memory queue; while `hold()`, claims wait for `open()`. */
function harness(capacity: number, held: boolean) {
  const queue: string[] = [];
  const running = new Map<string, () => void>();
  let peak = 0;
  let gate = held ? Promise.withResolvers<void>() : undefined;
  let claims = 0;
  const worker = startWorker<string>({
    name: "test",
    capacity,
    claim: async (limit) => {
      claims++;
      await gate?.promise;
      return queue.splice(0, limit);
    },
    execute: (id) => {
      const done = Promise.withResolvers<void>();
      running.set(id, done.resolve);
      peak = Math.max(peak, running.size);
      return done.promise.finally(() => running.delete(id));
    },
    idOf: (id) => id,
    renew: () => Promise.resolve(),
    leaseMs: 60_000,
    pollMs: 60_000,
    logger,
  });
  return {
    worker,
    queue,
    running,
    get peak() {
      return peak;
    },
    get claims() {
      return claims;
    },
    /** Lets held claims return, and later ones return at once. */
    open() {
      gate?.resolve();
      gate = undefined;
    },
  };
}

Deno.test("a reserve during a claim in flight is refused, so capacity holds", async () => {
  const h = harness(2, true);
  try {
    // The first claim (at start) is in flight and may take both slots.
    assert.equal(h.claims, 1);
    assert.equal(h.worker.reserve(), false, "the in-flight claim asked for every free slot");
    h.queue.push("q1", "q2");
    h.open();
    await h.worker.wake();
    assert.deepEqual([...h.running.keys()], ["q1", "q2"]);
    assert.equal(h.worker.reserve(), false, "no slot is free");
  } finally {
    h.open();
    for (const done of h.running.values()) done();
    await h.worker.stop();
  }
});

Deno.test("reserved slots are not claimed; adopt runs the item, release frees the slot", async () => {
  const h = harness(2, false);
  try {
    await h.worker.wake();
    assert.equal(h.worker.reserve(), true);
    assert.equal(h.worker.reserve(), true);
    assert.equal(h.worker.reserve(), false, "two reserved of two");
    // A wake finds every slot held: it does not claim.
    const claimsBefore = h.claims;
    h.queue.push("queued");
    await h.worker.wake();
    assert.equal(h.claims, claimsBefore);
    h.worker.adopt("adopted");
    assert.deepEqual([...h.running.keys()], ["adopted"]);
    // Giving back the other slot lets the queued item be claimed into it.
    h.worker.release();
    await h.worker.wake();
    assert.deepEqual([...h.running.keys()].sort(), ["adopted", "queued"]);
    assert.equal(h.peak, 2);
  } finally {
    h.open();
    for (const done of h.running.values()) done();
    await h.worker.stop();
  }
});
