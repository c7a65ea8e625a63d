/**
 * `run_code` through its definition, with real sandbox processes: values,
 * output, errors, every way out of the sandbox we know of, and the time,
 * memory and output limits.
 */
import assert from "node:assert/strict";
import { runCode } from "../../src/tools/code/run_code.ts";
import { sandboxUnavailable } from "../../src/tools/code/sandbox.ts";
import { SandboxSlots } from "../../src/sandbox/slots.ts";
import { type CallOptions, callTool } from "./support.ts";

interface Report {
  status: string;
  stdout?: string;
  stderr?: string;
  result?: unknown;
  error?: string;
  durationMs: number;
}

async function run(
  code: string,
  language: "javascript" | "typescript" = "javascript",
  options: CallOptions = {},
): Promise<Report> {
  const text = await callTool(runCode, { language, code }, options);
  assert.equal(typeof text, "string", "run_code answers with JSON text");
  return JSON.parse(text as string) as Report;
}

Deno.test("run_code returns the value of the last expression", async () => {
  const report = await run("const a = 20;\na + 22");
  assert.equal(report.status, "ok");
  assert.equal(report.result, 42);
  assert.equal(report.error, undefined);
});

Deno.test("run_code captures console output and returns a top-level result", async () => {
  const report = await run(
    "const rows = [3, 1, 2];\nconsole.log('sorting', rows.length);\n" +
      "console.error('to stderr');\nconst result = { sorted: rows.toSorted() };\nconsole.log('done');",
  );
  assert.equal(report.status, "ok");
  assert.equal(report.stdout, "sorting 3\ndone\n");
  assert.equal(report.stderr, "to stderr\n");
  assert.deepEqual(report.result, { sorted: [1, 2, 3] });
});

Deno.test("run_code runs TypeScript, top-level await and awaits a returned promise", async () => {
  const report = await run(
    "interface Point { x: number; y: number }\n" +
      "const p: Point = { x: 3, y: 4 };\n" +
      "await new Promise((resolve) => setTimeout(resolve, 10));\n" +
      "Promise.resolve(Math.hypot(p.x, p.y) as number)",
    "typescript",
  );
  assert.equal(report.status, "ok");
  assert.equal(report.result, 5);
});

Deno.test("run_code shows values that are not plain data as Deno.inspect does", async () => {
  const report = await run("new Map([['a', 1]])");
  assert.equal(report.result, 'Map(1) { "a" => 1 }');
});

Deno.test("run_code waits for timers the snippet leaves behind", async () => {
  const report = await run("setTimeout(() => console.log('later'), 30);\n'now'");
  assert.equal(report.stdout, "later\n");
  assert.equal(report.result, "now");
});

Deno.test("a syntax error is reported with its line, without starting a sandbox", async () => {
  const report = await run("const a = 1;\nconst = 2;");
  assert.equal(report.status, "error");
  assert.match(report.error ?? "", /does not parse.*line 2/);
  assert.equal(report.durationMs, 0);
});

Deno.test("TypeScript syntax in a JavaScript snippet is a syntax error", async () => {
  const report = await run("const a: number = 1;");
  assert.equal(report.status, "error");
  assert.match(report.error ?? "", /javascript snippet does not parse/);
});

Deno.test("an exception comes back with the snippet's own stack frames", async () => {
  const report = await run("function check(n) {\n  throw new RangeError(`bad ${n}`);\n}\ncheck(7)");
  assert.equal(report.status, "error");
  assert.match(report.error ?? "", /^RangeError: bad 7\n\s+at check \(snippet\.js:2:9\)/);
  assert.doesNotMatch(report.error ?? "", /data:|sandbox_harness/);
});

Deno.test("an uncaught error in a timer is reported", async () => {
  const report = await run("setTimeout(() => { throw new Error('late failure') }, 5);");
  assert.equal(report.status, "error");
  assert.match(report.error ?? "", /Uncaught Error: late failure/);
  assert.doesNotMatch(report.error ?? "", /base64/);
});

Deno.test("the sandbox cannot read files", async () => {
  const report = await run("await Deno.readTextFile('/etc/passwd')");
  assert.equal(report.status, "error");
  assert.match(report.error ?? "", /^NotCapable: Requires read access to "\/etc\/passwd"/);
});

Deno.test("the sandbox cannot write files", async () => {
  const target = await Deno.makeTempFile();
  await Deno.remove(target);
  const report = await run(`Deno.writeTextFileSync(${JSON.stringify(target)}, "x")`);
  assert.match(report.error ?? "", /^NotCapable: Requires write access/);
  await assert.rejects(Deno.stat(target), Deno.errors.NotFound);
});

Deno.test("the sandbox has no web storage: nothing outlives a run or reaches the disk", async () => {
  const write = await run(
    `typeof localStorage + " " + typeof sessionStorage + " " + typeof caches`,
  );
  assert.equal(write.result, "undefined undefined undefined");
  const store = await run(`globalThis.localStorage?.setItem("secret", "a"); 1`);
  assert.equal(store.status, "ok");
  const read = await run(`globalThis.localStorage?.getItem("secret") ?? null`);
  assert.equal(read.result, null);
});

Deno.test("each run's cache (a TypeScript snippet's transpiled text) is removed when it ends", async () => {
  const marker = `pasted-${crypto.randomUUID()}`;
  const report = await run(
    `const data: string = ${JSON.stringify(marker)}; data.length`,
    "typescript",
  );
  assert.equal(report.status, "ok");
  const left = [];
  for await (const entry of Deno.readDir(".data/sandbox")) left.push(entry.name);
  assert.deepEqual(left, [], "no run cache outlives its run");
});

Deno.test("the sandbox cannot reach the network", async () => {
  let requests = 0;
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    requests++;
    return new Response("secret");
  });
  const report = await run(`(await fetch("http://127.0.0.1:${server.addr.port}/")).text()`);
  assert.equal(report.status, "error");
  assert.match(report.error ?? "", /^NotCapable: Requires net access to "127\.0\.0\.1:\d+"/);
  assert.equal(requests, 0);
});

Deno.test("the sandbox sees no environment variables", async () => {
  Deno.env.set("GRAPHMIND_TEST_SECRET", "do-not-leak");
  try {
    const report = await run("Deno.env.get('GRAPHMIND_TEST_SECRET')");
    assert.match(report.error ?? "", /^NotCapable: Requires env access/);
    const toObject = await run("Deno.env.toObject()");
    assert.match(toObject.error ?? "", /^NotCapable: Requires env access/);
  } finally {
    Deno.env.delete("GRAPHMIND_TEST_SECRET");
  }
});

Deno.test("the sandbox cannot start processes", async () => {
  const report = await run("new Deno.Command('/bin/sh').outputSync()");
  assert.match(report.error ?? "", /^NotCapable: Requires run access to "\/bin\/sh"/);
});

Deno.test("the sandbox cannot import remote, npm or local modules", async () => {
  const remote = await run("await import('https://deno.land/std/version.ts')");
  assert.match(remote.error ?? "", /--no-remote/);
  const npm = await run("await import('npm:left-pad')");
  assert.match(npm.error ?? "", /--no-npm/);
  const local = await run("await import('file:///etc/hostname')");
  assert.match(local.error ?? "", /Requires read access/);
});

Deno.test("Deno.exit ends the snippet, not the server", async () => {
  const report = await run("console.log('before');\nDeno.exit(7);\nconsole.log('after')");
  assert.equal(report.status, "exited");
  assert.equal(report.stdout, "before\n");
  assert.equal(report.error, "The snippet called Deno.exit(7).");
});

Deno.test("an endless loop is stopped at the time limit", async () => {
  const started = performance.now();
  const report = await run("while (true) {}", "javascript", { env: { CODE_TIMEOUT_SECONDS: "1" } });
  const elapsed = performance.now() - started;
  assert.equal(report.status, "timeout");
  assert.match(report.error ?? "", /time limit \(1 s\)/);
  assert.ok(elapsed >= 1000 && elapsed < 4000, `stopped after ${elapsed} ms`);
});

Deno.test("a heap blow-up is stopped at the memory limit and the server lives on", async () => {
  const report = await run(
    "const chunks = [];\nwhile (true) chunks.push(new Array(1e6).fill(1));",
    "javascript",
    { env: { CODE_MEMORY_MB: "64" } },
  );
  assert.equal(report.status, "memory_limit");
  assert.match(report.error ?? "", /memory limit \(64 MB\)/);
  assert.equal(report.stderr, undefined, "V8's crash dump is not passed on");
  assert.equal((await run("1 + 1")).result, 2);
});

Deno.test("memory outside the heap (ArrayBuffers) is capped too", async () => {
  const report = await run(
    "const chunks = [];\nwhile (true) chunks.push(new Uint8Array(16 * 1024 * 1024).fill(1));",
    "javascript",
    { env: { CODE_MEMORY_MB: "64" } },
  );
  assert.equal(report.status, "memory_limit");
});

Deno.test("output beyond the limit is cut with a note, and the result still arrives", async () => {
  const report = await run(
    "for (let i = 0; i < 5000; i++) console.log('line', i);\n'finished'",
    "javascript",
    { env: { CODE_MAX_OUTPUT_BYTES: "1024" } },
  );
  assert.equal(report.status, "ok");
  assert.equal(report.result, "finished");
  const [kept, note] = (report.stdout ?? "").split("\n[output truncated");
  assert.equal(new TextEncoder().encode(kept).length, 1024);
  assert.ok(kept!.startsWith("line 0\nline 1\n"));
  assert.match(note ?? "", /showing the first 1024 of 48890 bytes/);
});

Deno.test("a long result is cut with a note", async () => {
  const report = await run("new Map([['x', 'y'.repeat(5000)]])", "javascript", {
    env: { CODE_MAX_OUTPUT_BYTES: "1024" },
  });
  assert.match(String(report.result), /… \[cut at 1024 characters\]$/);
});

Deno.test("aborting the run kills the sandbox and rejects with the reason", async () => {
  const controller = new AbortController();
  const started = performance.now();
  setTimeout(() => controller.abort(new Error("run cancelled")), 300);
  await assert.rejects(
    callTool(runCode, {
      language: "javascript",
      code: "await new Promise((resolve) => setTimeout(resolve, 60_000));",
    }, { signal: controller.signal }),
    /run cancelled/,
  );
  assert.ok(performance.now() - started < 3000);
});

Deno.test("run_code is unavailable on Deno Deploy and available here", () => {
  assert.match(sandboxUnavailable({ DENO_DEPLOY: "true" }) ?? "", /Deno Deploy cannot start/);
  assert.equal(sandboxUnavailable({}), undefined);
  assert.equal(runCode.unavailable?.(undefined as never), undefined);
});

Deno.test("offline arguments come from a fenced block, arithmetic or a request to compute", async () => {
  const offline = runCode.offlineArgs!;
  assert.deepEqual(offline("Run this:\n```ts\nconst n: number = 6;\nn * 7\n```"), {
    language: "typescript",
    code: "const n: number = 6;\nn * 7",
  });
  const arithmetic = offline("What is 12 * (3 + 4) ^ 2?");
  assert.equal((await run(String(arithmetic?.code))).result, 12 * (3 + 4) ** 2);
  const mean = offline("Please calculate the average of 3, 5 and 10");
  assert.deepEqual((await run(String(mean?.code))).result, {
    count: 3,
    sum: 18,
    mean: 6,
    min: 3,
    max: 10,
  });
  assert.equal(offline("Tell me a story about a fox"), undefined);
});

Deno.test("parallel calls beyond the core count wait for a free sandbox", async () => {
  const limit = navigator.hardwareConcurrency ?? 2;
  const code = "const start = Date.now();\n" +
    "await new Promise((resolve) => setTimeout(resolve, 800));\n" +
    "({ start, end: Date.now() })";
  const reports = await Promise.all(Array.from({ length: limit + 2 }, () => run(code)));
  const spans = reports.map((r) => r.result as { start: number; end: number });
  const mostAtOnce = Math.max(
    ...spans.map(({ start }) => spans.filter((s) => s.start <= start && start < s.end).length),
  );
  assert.equal(mostAtOnce, limit);
});

Deno.test("a call waiting for a sandbox can be aborted", async () => {
  const slots = new SandboxSlots(1);
  const release = await slots.acquire();
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort(new Error("gave up"));
  await assert.rejects(waiting, /gave up/);
  release();
  (await slots.acquire())();
});
