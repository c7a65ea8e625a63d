/**
 * The image meets the design (OPS-SPEC "Containers and compose"): multi-stage,
 * dependencies cached in their own layer, non-root, runtime files only, and a
 * HEALTHCHECK that is run for real against stand-in servers.
 */
import assert from "node:assert/strict";
import { execForm, flagsOf, lintDockerfile, parseStages, type Stage } from "./dockerfile_lint.ts";
import { asObject, readFile } from "./support/yaml.ts";
import { runHealthcheck, standInServer } from "./support/stand_in.ts";

const dockerfile = readFile("Dockerfile");
const stages = parseStages(dockerfile);
const finalStage = stages.at(-1)!;

function instructions(stage: Stage, keyword: string) {
  return stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
}

Deno.test("Dockerfile passes the Dockerfile linter", () => {
  assert.deepEqual(lintDockerfile(dockerfile), []);
});

Deno.test("the Dockerfile linter reports real problems", () => {
  const bad = [
    "FROM node:latest",
    "ENV API_TOKEN=abc123",
    "ADD . /src",
    "HEALTHCHECK --interval=30x CMD curl localhost",
    "USER root",
    "CMD node server.js",
  ].join("\n");
  const rules = new Set(lintDockerfile(bad).map((finding) => finding.rule));
  for (const rule of ["DL3007", "GM003", "DL3020", "dockerfile-utils/19", "DL3002", "DL3025"]) {
    assert.ok(rules.has(rule), `expected ${rule} in ${[...rules].join(", ")}`);
  }
});

Deno.test("the image is multi-stage on a pinned denoland/deno 2.x, with deps in their own stage", () => {
  assert.ok(stages.length >= 2, "at least two stages");
  for (const stage of stages) {
    assert.match(stage.image, /^denoland\/deno:(debian-)?2\.9\.\d+$/, "pinned Deno 2.9.x image");
  }
  const deps = stages.find((stage) => stage.name === "deps");
  assert.ok(deps, 'a stage named "deps"');
  const depsCopies = instructions(deps, "COPY").map((copy) => copy.getArgumentsContent());
  assert.deepEqual(depsCopies, ["deno.json deno.lock ./"], "deps copies only deno.json + lock");
  assert.ok(
    instructions(deps, "RUN").some((run) =>
      /\bdeno install\b.*--frozen/.test(run.getArgumentsContent() ?? "")
    ),
    "deps runs deno install --frozen",
  );
  assert.ok(
    instructions(finalStage, "COPY").some((copy) => flagsOf(copy).get("from") === "deps"),
    "the final stage copies the cached dependencies from deps",
  );
});

Deno.test("the final image runs as the non-root user app (uid 10001) with a writable .data", () => {
  const users = instructions(finalStage, "USER");
  assert.equal(users.at(-1)?.getArgumentsContent()?.trim(), "app");
  const runs = instructions(finalStage, "RUN").map((run) => run.getArgumentsContent() ?? "");
  assert.ok(runs.some((run) => /useradd\b.*--uid 10001\b.*\bapp\b/s.test(run)), "creates app");
  assert.ok(runs.some((run) => /chown app:app \/app\/\.data\b/.test(run)), ".data owned by app");
  assert.equal(instructions(finalStage, "WORKDIR").at(-1)?.getArgumentsContent(), "/app");
});

Deno.test("the final image copies runtime files only", () => {
  for (const copy of instructions(finalStage, "COPY")) {
    if (flagsOf(copy).has("from")) continue;
    const sources = (copy.getArgumentsContent() ?? "").trim().split(/\s+/).slice(0, -1);
    for (const source of sources) {
      assert.match(source, /^(src\/?|deno\.json|deno\.lock)$/, `COPY of "${source}"`);
    }
  }
});

Deno.test("EXPOSE 8000 and CMD deno task start; the proxy task exists", () => {
  assert.deepEqual(instructions(finalStage, "EXPOSE").map((i) => i.getArgumentsContent()), [
    "8000",
  ]);
  const cmd = instructions(finalStage, "CMD").at(-1);
  assert.ok(cmd);
  assert.deepEqual(execForm(cmd), ["task", "start"]);
  const tasks = asObject(JSON.parse(readFile("deno.json")).tasks, "deno.json tasks");
  assert.match(String(tasks.start), /\bsrc\/main\.ts\b/);
  assert.match(String(tasks["redis-proxy"]), /\bsrc\/redis_proxy\/main\.ts\b/);
});

const healthcheck = instructions(finalStage, "HEALTHCHECK");

Deno.test("HEALTHCHECK every 30s, timeout 30s, start period 5s, 3 retries, against /health", () => {
  assert.equal(healthcheck.length, 1);
  const flags = Object.fromEntries(flagsOf(healthcheck[0]!));
  assert.deepEqual(flags, {
    interval: "30s",
    timeout: "30s",
    "start-period": "5s",
    retries: "3",
  });
  const command = execForm(healthcheck[0]!);
  assert.ok(command, "exec form");
  assert.equal(command[0], "deno", "the image has no curl; deno probes");
  assert.match(command.join(" "), /\/health'/, "probes /health");
});

Deno.test("the image's health check passes on 200 from /health and fails otherwise", async () => {
  const command = execForm(healthcheck[0]!)!;
  {
    await using server = await standInServer(
      `return new URL(req.url).pathname === "/health" ? Response.json({ status: "ok" })` +
        ` : new Response("not found", { status: 404 });`,
    );
    assert.equal(await runHealthcheck(command, { PORT: server.port }), 0);
  }
  {
    await using server = await standInServer(`return new Response("down", { status: 503 });`);
    assert.equal(await runHealthcheck(command, { PORT: server.port }), 1);
    // Nothing listens on the port once the server is gone.
    const port = server.port;
    await server[Symbol.asyncDispose]();
    assert.notEqual(await runHealthcheck(command, { PORT: port }), 0);
  }
});

Deno.test(".dockerignore keeps development files, local state and secrets out", () => {
  const patterns = readFile(".dockerignore").split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  for (
    const required of [".git", ".data", "coverage", "tests", "bench", "deploy", ".env", ".env.*"]
  ) {
    assert.ok(patterns.includes(required), `.dockerignore excludes ${required}`);
  }
  for (const needed of ["src", "src/", "deno.json", "deno.lock", "*", "**"]) {
    assert.ok(!patterns.includes(needed), `.dockerignore must not exclude ${needed}`);
  }
});
