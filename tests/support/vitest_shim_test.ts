import assert from "node:assert/strict";

Deno.test("the vitest shim runs cases in order, fails what fails, and counts honestly", async () => {
  const fixture = new URL("./fixtures/vitest_fixture.ts", import.meta.url).pathname;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", "--no-check", fixture],
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 1, text);
  const line = (prefix: string) => JSON.parse(text.split(`${prefix} `)[1]!.split("\n")[0]!);
  assert.deepEqual(line("SUMMARY"), { passed: 6, failed: 3, skipped: 1, collected: 10 });
  const each = (name: string) => ["outer.beforeEach", "inner.beforeEach", name];
  assert.deepEqual(line("ORDER").slice(0, 6), [
    "beforeAll",
    ...each("passes"),
    "inner.afterEach",
    "outer.afterEach",
  ]);
  assert.ok(line("ORDER").includes("after soft"), "a soft failure does not stop the case");
  for (const name of ["fails hard", "fails soft but runs on", "times out"]) {
    assert.match(text, new RegExp(`${name} => .*\\n`), `${name} is reported as failing`);
  }
  assert.match(text, /test timed out after 300 ms/);
  assert.match(text, /row a1 \.\.\. ok/);
  assert.match(text, /table b \.\.\. ok/);
  assert.match(text, /is skipped \.\.\. ignored/);
});
