/**
 * The container and Prometheus files meet the design (OPS-SPEC "Containers and
 * compose"): the image, the compose stack and the scrape configuration. The
 * health-check commands are run for real against stand-in servers; promtool
 * and Compose v2 validate the files when they are installed
 * (`bash scripts/validate_deploy.sh` installs both).
 */
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { execForm, flagsOf, lintDockerfile, parseStages, type Stage } from "./dockerfile_lint.ts";

const root = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, root));
const rootPath = decodeURIComponent(root.pathname);

type Yaml = Record<string, unknown>;
const asObject = (value: unknown, what: string): Yaml => {
  assert.ok(value !== null && typeof value === "object" && !Array.isArray(value), `${what}`);
  return value as Yaml;
};

const dockerfile = read("Dockerfile");
const stages = parseStages(dockerfile);
const finalStage = stages.at(-1)!;
const compose = asObject(parseYaml(read("docker-compose.yml")), "docker-compose.yml is a mapping");
const services = asObject(compose.services, "compose has services");
const service = (name: string) => asObject(services[name], `compose service "${name}" exists`);
const prometheus = asObject(
  parseYaml(read("deploy/prometheus/prometheus.yml")),
  "prometheus.yml is a mapping",
);
const configSource = read("src/config.ts");
const metricsSource = read("src/observability/metrics.ts");

function instructions(stage: Stage, keyword: string) {
  return stage.instructions.filter((instruction) => instruction.getKeyword() === keyword);
}

/** The named-volume and bind sources of a service's `volumes`. */
function volumeSources(svc: Yaml): string[] {
  return ((svc.volumes ?? []) as unknown[]).map((volume) =>
    typeof volume === "string" ? volume.split(":")[0]! : String(asObject(volume, "volume").source)
  );
}

// ---- Dockerfile ----

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

Deno.test("the final image runs as the non-root user app with a writable .data", () => {
  const users = instructions(finalStage, "USER");
  assert.equal(users.at(-1)?.getArgumentsContent()?.trim(), "app");
  const runs = instructions(finalStage, "RUN").map((run) => run.getArgumentsContent() ?? "");
  assert.ok(runs.some((run) => /useradd\b.*\bapp\b/s.test(run)), "creates user app");
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

Deno.test("EXPOSE 8000 and CMD deno task start", () => {
  assert.deepEqual(instructions(finalStage, "EXPOSE").map((i) => i.getArgumentsContent()), [
    "8000",
  ]);
  const cmd = instructions(finalStage, "CMD").at(-1);
  assert.ok(cmd);
  assert.deepEqual(execForm(cmd), ["task", "start"]);
  const tasks = asObject(JSON.parse(read("deno.json")).tasks, "deno.json tasks");
  assert.match(String(tasks.start), /\bsrc\/main\.ts\b/);
  assert.match(String(tasks["redis-proxy"]), /\bsrc\/cache\/upstash_proxy_main\.ts\b/);
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

/** Starts a stand-in HTTP server in a subprocess; `handler` is the body of a Deno.serve handler. */
async function standInServer(handler: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--no-config",
      `Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(port) },` +
      ` async (req) => { ${handler} });`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("The stand-in server exited before listening.");
    text += value;
  }
  let stopped = false;
  return {
    port: text.trim(),
    async [Symbol.asyncDispose]() {
      if (stopped) return;
      stopped = true;
      child.kill();
      await reader.cancel();
      await child.status;
    },
  };
}

/** Runs an exec-form health check as the container would, with `deno` being this Deno. */
async function runHealthcheck(command: string[], env: Record<string, string>) {
  const [program, ...args] = command;
  assert.equal(program, "deno");
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "null",
    stderr: "null",
  }).output();
  return code;
}

Deno.test("the image's health check passes on 200 from /health and fails otherwise", async () => {
  const command = execForm(healthcheck[0]!)!;
  {
    await using server = await standInServer(
      `return new URL(req.url).pathname === "/health" ? Response.json({ status: "healthy" })` +
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
  const patterns = read(".dockerignore").split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  for (const required of [".git", ".data", "coverage", "tests", "bench", "deploy", ".env"]) {
    assert.ok(patterns.includes(required), `.dockerignore excludes ${required}`);
  }
  for (const needed of ["src", "src/", "deno.json", "deno.lock", "*", "**"]) {
    assert.ok(!patterns.includes(needed), `.dockerignore must not exclude ${needed}`);
  }
});

// ---- docker-compose.yml ----

Deno.test("compose uses the compose spec: no version key, the five services", () => {
  assert.equal("version" in compose, false);
  for (const name of ["api", "postgres", "redis", "redis-proxy", "prometheus"]) service(name);
});

Deno.test("compose images are pinned, never latest", () => {
  const images = Object.fromEntries(
    Object.entries(services).map(([name, svc]) => [name, String(asObject(svc, name).image)]),
  );
  assert.match(images.postgres!, /^pgvector\/pgvector:0\.8\.\d+-pg16$/);
  assert.match(images.redis!, /^redis:7(\.\d+){0,2}-alpine$/);
  assert.match(images.prometheus!, /^prom\/prometheus:v\d+\.\d+\.\d+$/);
  for (const [name, image] of Object.entries(images)) {
    assert.doesNotMatch(image, /:latest$|^[^:]+$/, `${name} image "${image}" is pinned`);
  }
  assert.equal(images["redis-proxy"], images.api, "the proxy runs from the API image");
});

Deno.test("api: built from the Dockerfile, waits for healthy dependencies, restarts", () => {
  const api = service("api");
  assert.equal(asObject(api.build, "api.build").dockerfile, "Dockerfile");
  const dependsOn = asObject(api.depends_on, "api.depends_on");
  for (const dependency of ["postgres", "redis-proxy"]) {
    assert.equal(asObject(dependsOn[dependency], dependency).condition, "service_healthy");
  }
  assert.equal(api.restart, "unless-stopped");
  assert.deepEqual(api.ports, ["8000:8000"]);
  assert.ok(volumeSources(api).includes("api-data"), "a named volume for .data");
});

Deno.test("api: database, cache and secrets come from the environment", () => {
  const env = asObject(service("api").environment, "api.environment");
  assert.match(
    String(env.DATABASE_URL),
    /^postgres:\/\/langmem_user:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/langmem_store$/,
  );
  assert.equal(env.UPSTASH_REDIS_REST_URL, "http://redis-proxy:8079");
  for (const secret of ["SECRET_KEY", "UPSTASH_REDIS_REST_TOKEN"]) {
    assert.match(String(env[secret]), new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`));
  }
  for (const name of Object.keys(env)) {
    assert.ok(configSource.includes(`${name}:`), `${name} is a variable src/config.ts reads`);
  }
});

Deno.test("postgres: pgvector, langmem database, pg_isready every 10s x5, host port 5433", () => {
  const postgres = service("postgres");
  const env = asObject(postgres.environment, "postgres.environment");
  assert.equal(env.POSTGRES_USER, "langmem_user");
  assert.equal(env.POSTGRES_DB, "langmem_store");
  assert.match(String(env.POSTGRES_PASSWORD), /^\$\{POSTGRES_PASSWORD:\?[^}]+\}$/);
  const check = asObject(postgres.healthcheck, "postgres.healthcheck");
  assert.match(JSON.stringify(check.test), /pg_isready/);
  assert.equal(check.interval, "10s");
  assert.equal(check.retries, 5);
  assert.deepEqual(postgres.ports, ["5433:5432"]);
  assert.ok(volumeSources(postgres).includes("postgres-data"));
});

Deno.test("redis: append-only persistence, redis-cli ping health check, named volume", () => {
  const redis = service("redis");
  const command = (redis.command as string[]).join(" ");
  assert.match(command, /--appendonly yes/);
  assert.deepEqual(asObject(redis.healthcheck, "redis.healthcheck").test, [
    "CMD",
    "redis-cli",
    "ping",
  ]);
  assert.ok(volumeSources(redis).includes("redis-data"));
});

Deno.test("redis-proxy: deno task redis-proxy against redis, with its own health check", () => {
  const proxy = service("redis-proxy");
  assert.deepEqual(proxy.command, ["task", "redis-proxy"]);
  const env = asObject(proxy.environment, "redis-proxy.environment");
  assert.equal(env.REDIS_URL, "redis://redis:6379");
  assert.equal(env.PROXY_HOST, "0.0.0.0");
  assert.equal(env.PROXY_PORT, "8079");
  const apiEnv = asObject(service("api").environment, "api.environment");
  assert.equal(env.UPSTASH_REDIS_REST_TOKEN, apiEnv.UPSTASH_REDIS_REST_TOKEN, "the same token");
  const dependsOn = asObject(proxy.depends_on, "redis-proxy.depends_on");
  assert.equal(asObject(dependsOn.redis, "redis").condition, "service_healthy");
  const test = asObject(proxy.healthcheck, "redis-proxy.healthcheck").test as string[];
  assert.equal(test[0], "CMD");
});

Deno.test("redis-proxy health check needs an authenticated PONG", async () => {
  const command = (asObject(service("redis-proxy").healthcheck, "hc").test as string[]).slice(1);
  await using server = await standInServer(
    `const body = await req.json();` +
      ` if (req.headers.get("authorization") !== "Bearer right-token")` +
      ` return Response.json({ error: "Unauthorized" }, { status: 401 });` +
      ` return Response.json({ result: body[0] === "PING" ? "PONG" : null });`,
  );
  const env = { PROXY_PORT: server.port };
  assert.equal(
    await runHealthcheck(command, { ...env, UPSTASH_REDIS_REST_TOKEN: "right-token" }),
    0,
  );
  assert.equal(await runHealthcheck(command, { ...env, UPSTASH_REDIS_REST_TOKEN: "wrong" }), 1);
});

Deno.test("prometheus: pinned, port 9090, config and rules mounted, data volume", () => {
  const prom = service("prometheus");
  assert.deepEqual(prom.ports, ["9090:9090"]);
  assert.ok((prom.command as string[]).includes("--config.file=/etc/prometheus/prometheus.yml"));
  assert.ok(
    (prom.volumes as string[]).includes("./deploy/prometheus:/etc/prometheus:ro"),
    "deploy/prometheus mounted read-only",
  );
  assert.ok(volumeSources(prom).includes("prometheus-data"));
});

Deno.test("every service has a health check and restart policy; one bridge network", () => {
  for (const [name, svc] of Object.entries(services)) {
    const s = asObject(svc, name);
    // The api's health check is the image's HEALTHCHECK.
    if (name !== "api") assert.ok(s.healthcheck, `${name} has a healthcheck`);
    assert.equal(s.restart, "unless-stopped", `${name} restart policy`);
    assert.deepEqual(s.networks, ["graphmind"], `${name} network`);
  }
  assert.deepEqual(compose.networks, { graphmind: { driver: "bridge" } });
});

Deno.test("every named volume a service mounts is declared", () => {
  const declared = Object.keys(asObject(compose.volumes, "top-level volumes"));
  const used = Object.values(services).flatMap((svc) => volumeSources(asObject(svc, "service")))
    .filter((source) => !source.startsWith(".") && !source.startsWith("/"));
  assert.deepEqual([...new Set(used)].sort(), [...declared].sort());
});

// ---- deploy/prometheus ----

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  scrape_interval?: string;
  static_configs?: { targets: string[] }[];
}
const scrapeConfigs = prometheus.scrape_configs as ScrapeConfig[];
const job = (name: string) => {
  const found = scrapeConfigs.find((config) => config.job_name === name);
  assert.ok(found, `scrape job ${name}`);
  return found;
};

Deno.test("Prometheus scrapes /metrics and /metrics/memory (langmem-metrics) every 30s", () => {
  const api = job("graphmind-api");
  assert.equal(api.metrics_path, "/metrics");
  const memory = job("langmem-metrics");
  assert.equal(memory.metrics_path, "/metrics/memory");
  assert.equal(memory.scrape_interval, "30s");
  for (const config of [api, memory]) {
    assert.deepEqual(config.static_configs?.flatMap((c) => c.targets), ["api:8000"]);
  }
});

const ruleFiles = (prometheus.rule_files as string[]).map((file) => `deploy/prometheus/${file}`);

Deno.test("alert rules use only metrics the API exports", () => {
  assert.ok(ruleFiles.length > 0);
  const exported = new Set(
    [...metricsSource.matchAll(/name:\s*"([a-z_:][a-z0-9_:]*)"/g)].map((m) => m[1]!),
  );
  assert.ok(exported.has("http_requests_total"), "metrics.ts exports http_requests_total");
  for (const file of ruleFiles) {
    const rules = asObject(parseYaml(read(file)), file);
    for (const group of rules.groups as { rules: { alert?: string; expr: string }[] }[]) {
      for (const rule of group.rules) {
        const selectors = [...rule.expr.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*[{[]/g)]
          .map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ""));
        assert.ok(selectors.length > 0, `${rule.alert}: selects a metric`);
        for (const metric of selectors) {
          assert.ok(metric === "up" || exported.has(metric), `${rule.alert}: unknown ${metric}`);
        }
      }
    }
  }
});

// ---- external validators ----

function findOnPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (dir && Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const promtool = Deno.env.get("PROMTOOL_BIN") || findOnPath("promtool");
const inCi = Deno.env.get("CI") === "true";
if (!promtool) {
  const message = "promtool not found (Debian package prometheus; " +
    "bash scripts/validate_deploy.sh installs it)";
  if (inCi) {
    Deno.test("promtool is installed in CI", () => assert.fail(message));
  } else {
    console.warn(`WARNING: skipping promtool checks: ${message}`);
  }
}

async function run(program: string, args: string[], env: Record<string, string> = {}) {
  const { code, stdout, stderr } = await new Deno.Command(program, {
    args,
    cwd: rootPath,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, output: decoder.decode(stdout) + decoder.decode(stderr) };
}

for (
  const args of [
    ["check", "config", "deploy/prometheus/prometheus.yml"],
    ["check", "rules", ...ruleFiles],
    ["test", "rules", "deploy/prometheus/tests/alerts_test.yml"],
  ]
) {
  Deno.test({
    name: `promtool ${args.join(" ")}`,
    ignore: !promtool,
    async fn() {
      const { code, output } = await run(promtool!, args);
      assert.equal(code, 0, output);
    },
  });
}

/** Compose v2 from COMPOSE_BIN, the validate_deploy.sh cache, or PATH. */
async function findCompose(): Promise<string | undefined> {
  const home = Deno.env.get("HOME") ?? "";
  const toolsDir = Deno.env.get("GRAPHMIND_TOOLS_DIR") ||
    `${Deno.env.get("XDG_CACHE_HOME") || `${home}/.cache`}/graphmind/deploy-tools`;
  const candidates = [
    Deno.env.get("COMPOSE_BIN"),
    `${toolsDir}/docker-compose`,
    findOnPath("docker-compose"),
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      const { code, output } = await run(candidate, ["version", "--short"]);
      if (code === 0 && /^v?2\./.test(output.trim())) return candidate;
    } catch {
      // not installed there
    }
  }
  return undefined;
}

const composeBin = await findCompose();
if (!composeBin) {
  console.warn(
    "WARNING: skipping compose config checks: Compose v2 not found " +
      "(bash scripts/validate_deploy.sh fetches it)",
  );
}

const dummySecrets = {
  POSTGRES_PASSWORD: "test-password",
  SECRET_KEY: "test-secret-key-0123456789",
  UPSTASH_REDIS_REST_TOKEN: "test-token",
};

Deno.test({
  name: "compose config: the file validates and interpolates as designed",
  ignore: !composeBin,
  async fn() {
    const { code, output } = await run(
      composeBin!,
      ["--env-file", "/dev/null", "-f", "docker-compose.yml", "config", "--format", "json"],
      dummySecrets,
    );
    assert.equal(code, 0, output);
    const config = JSON.parse(output.slice(output.indexOf("{")));
    const api = config.services.api;
    assert.equal(
      api.environment.DATABASE_URL,
      "postgres://langmem_user:test-password@postgres:5432/langmem_store",
    );
    assert.equal(api.depends_on.postgres.condition, "service_healthy");
    assert.equal(api.depends_on["redis-proxy"].condition, "service_healthy");
    assert.equal(config.services.postgres.healthcheck.retries, 5);
  },
});

Deno.test({
  name: "compose config: refuses to run without POSTGRES_PASSWORD",
  ignore: !composeBin,
  async fn() {
    const { POSTGRES_PASSWORD: _, ...rest } = dummySecrets;
    const { code, output } = await run(
      composeBin!,
      ["--env-file", "/dev/null", "-f", "docker-compose.yml", "config", "-q"],
      { ...rest, POSTGRES_PASSWORD: "" },
    );
    assert.notEqual(code, 0);
    assert.match(output, /POSTGRES_PASSWORD/);
  },
});
