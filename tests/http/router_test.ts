import assert from "node:assert/strict";
import { methodLabel } from "../../src/http/router.ts";
import { startTestApp } from "../support/app.ts";

Deno.test("an invented HTTP method is counted as `other`, keeping label cardinality bounded", async () => {
  const app = await startTestApp();
  try {
    const response = await app.fetch(new Request("http://localhost/health", { method: "BREW" }));
    await response.body?.cancel();
    const text = await (await app.fetch(new Request("http://localhost/metrics"))).text();
    assert.match(
      text,
      /http_requests_total\{method="other",endpoint="\/health",status_code="\d+"\} 1/,
    );
    assert.doesNotMatch(text, /method="BREW"/);
  } finally {
    await app.close();
  }
});

Deno.test("the usual methods keep their own label", () => {
  assert.deepEqual(["GET", "POST", "HEAD", "OPTIONS", "PATCH"].map(methodLabel), [
    "GET",
    "POST",
    "HEAD",
    "OPTIONS",
    "other",
  ]);
});
