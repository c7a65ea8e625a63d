import assert from "node:assert/strict";
import { memorySlidingWindow, memoryTokenBucket } from "../../src/ratelimit/memory_limiter.ts";

function clock(start: number) {
  const state = { t: start };
  return { state, now: () => state.t };
}

async function successes(
  limit: (id: string) => Promise<{ success: boolean }>,
  n: number,
  id = "a",
) {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await limit(id)).success);
  return out;
}

Deno.test("sliding window: the previous window counts by how much it still overlaps", async () => {
  const c = clock(1_000_000 * 60_000); // the start of a window
  const limiter = memorySlidingWindow(4, 60_000, { now: c.now });
  const limit = (id: string) => limiter.limit(id);
  assert.deepEqual(await successes(limit, 5), [true, true, true, true, false]);
  assert.equal((await limiter.limit("a")).reset, c.state.t + 60_000);
  assert.equal((await limiter.limit("b")).success, true, "another identifier has its own budget");
  c.state.t += 60_000 + 15_000; // next window, a quarter in: 4 * 0.75 = 3 still count
  assert.deepEqual(await successes(limit, 2), [true, false]);
  c.state.t += 30_000; // three quarters in: 4 * 0.25 + 1 = 2
  assert.deepEqual(await successes(limit, 3), [true, true, false]);
  c.state.t += 120_000; // two windows later nothing remains
  assert.deepEqual(await successes(limit, 5), [true, true, true, true, false]);
});

Deno.test("token bucket: starts full, refills whole tokens per interval, never above max", async () => {
  const c = clock(0);
  const limiter = memoryTokenBucket(1, 1000, 3, { now: c.now });
  const limit = (id: string) => limiter.limit(id);
  assert.deepEqual(await successes(limit, 4), [true, true, true, false]);
  assert.equal((await limiter.limit("a")).reset, 1000);
  c.state.t = 1500;
  assert.deepEqual(await successes(limit, 2), [true, false]);
  c.state.t = 60_000;
  assert.deepEqual(await successes(limit, 4), [true, true, true, false]);
});

Deno.test("the limiters forget the least recently used identifier beyond maxKeys", async () => {
  const limiter = memoryTokenBucket(1, 60_000, 1, { maxKeys: 2, now: () => 0 });
  assert.equal((await limiter.limit("a")).success, true);
  assert.equal((await limiter.limit("a")).success, false);
  await limiter.limit("b");
  await limiter.limit("c"); // evicts "a"
  assert.equal((await limiter.limit("a")).success, true);
});
