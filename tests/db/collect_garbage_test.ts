import assert from "node:assert/strict";
import { collectGarbage } from "../../src/db/collect_garbage.ts";

Deno.test("collectGarbage runs a full collection without --expose-gc on the command line", async () => {
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
  let target: number[] | undefined = new Array(100_000).fill(1);
  const ref = new WeakRef(target);
  target = undefined;
  // A WeakRef keeps its target alive until the current job ends.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(collectGarbage(), true);
  assert.equal(ref.deref(), undefined);
  // The main context still has no `gc`: only new contexts see it.
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, "undefined");
});
