/**
 * docker-compose.yml meets the design (OPS-SPEC "Containers and compose"):
 * the API, Postgres with pgvector, Redis with persistence, the Redis proxy,
 * Prometheus and Grafana, with health checks, volumes and secrets from the
 * environment. Compose v2 itself validates and interpolates the file when it
 * is installed (`bash scripts/validate_deploy.sh` fetches it).
 */
import assert from "node:assert/strict";
import { configVariables } from "./support/config_vars.ts";
import { runHealthcheck, standInServer } from "./support/stand_in.ts";
import { findCompose, reportMissing, run } from "./support/tools.ts";
import { asObject, readYaml, type Yaml } from "./support/yaml.ts";

const compose = readYaml("docker-compose.yml");
const services = asObject(compose.services, "compose has services");
const service = (name: string) => asObject(services[name], `compose service "${name}" exists`);
const apiEnv = asObject(service("api").environment, "api.environment");
/** The secrets compose refuses to start without. */
const REQUIRED = [
  "POSTGRES_PASSWORD",
  "SECRET_KEY",
  "UPSTASH_REDIS_REST_TOKEN",
  "GRAFANA_ADMIN_PASSWORD",
];

/** The named-volume and bind sources of a service's `volumes`. */
function volumeSources(svc: Yaml): string[] {
  return ((svc.volumes ?? []) as unknown[]).map((volume) =>
    typeof volume === "string" ? volume.split(":")[0]! : String(asObject(volume, "volume").source)
  );
}

Deno.test("compose uses the compose spec: no version key, the seven services", () => {
  assert.equal("version" in compose, false);
  assert.deepEqual(Object.keys(services).sort(), [
    "api",
    "grafana",
    "lb",
    "postgres",
    "prometheus",
    "redis",
    "redis-proxy",
  ]);
});

Deno.test("compose images are pinned, never latest", () => {
  const images = Object.fromEntries(
    Object.entries(services).map(([name, svc]) => [name, String(asObject(svc, name).image)]),
  );
  assert.match(images.postgres!, /^pgvector\/pgvector:0\.8\.\d+-pg16$/);
  assert.match(images.redis!, /^redis:7(\.\d+){0,2}-alpine$/);
  assert.match(images.prometheus!, /^prom\/prometheus:v\d+\.\d+\.\d+$/);
  assert.match(images.grafana!, /^grafana\/grafana:\d+\.\d+\.\d+$/);
  assert.match(images.lb!, /^nginx:\d+\.\d+\.\d+-alpine$/);
  for (const [name, image] of Object.entries(images)) {
    assert.doesNotMatch(image, /:latest$|^[^:]+$/, `${name} image "${image}" is pinned`);
  }
  assert.equal(images["redis-proxy"], images.api, "the proxy runs from the API image");
});

Deno.test("api: built from the Dockerfile, waits for healthy dependencies, restarts", () => {
  const api = service("api");
  assert.equal(asObject(api.build, "api.build").dockerfile, "Dockerfile");
  const dependsOn = asObject(api.depends_on, "api.depends_on");
  for (const dependency of ["postgres", "redis", "redis-proxy"]) {
    assert.equal(asObject(dependsOn[dependency], dependency).condition, "service_healthy");
  }
  assert.equal(api.restart, "unless-stopped");
  assert.ok(volumeSources(api).includes("api-data"), "a named volume for .data");
});

Deno.test("api: two replicas behind the nginx load balancer, which alone publishes 8000", async () => {
  const api = service("api");
  assert.equal(api.ports, undefined, "replicas publish no host port");
  assert.equal(asObject(api.deploy, "api.deploy").replicas, "${API_REPLICAS:-2}");
  const lb = service("lb");
  assert.deepEqual(lb.ports, ["8000:8000"]);
  assert.equal(
    asObject(asObject(lb.depends_on, "lb.depends_on").api, "api").condition,
    "service_healthy",
  );
  assert.ok(
    ((lb.volumes ?? []) as string[]).includes(
      "./deploy/nginx/nginx.conf:/etc/graphmind/nginx.conf:ro",
    ),
  );
  const conf = await Deno.readTextFile("deploy/nginx/nginx.conf");
  // Resolved per request, so scaled and restarted replicas are followed; streams unbuffered.
  assert.match(conf, /resolver 127\.0\.0\.11/);
  assert.match(conf, /set \$api http:\/\/api:8000;\s+proxy_pass \$api;/);
  assert.match(conf, /proxy_set_header Upgrade \$http_upgrade;/);
  assert.match(conf, /proxy_buffering off;/);
  assert.equal(
    apiEnv.TRUSTED_PROXIES,
    "${TRUSTED_PROXIES:-10.0.0.0/8,172.16.0.0/12,192.168.0.0/16}",
  );
});

Deno.test("api: database, cache and secrets from the stack; every other setting passes through", () => {
  assert.match(
    String(apiEnv.DATABASE_URL),
    /^postgres:\/\/langmem_user:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/langmem_store$/,
  );
  assert.equal(apiEnv.UPSTASH_REDIS_REST_URL, "http://redis-proxy:8079");
  for (const secret of ["SECRET_KEY", "UPSTASH_REDIS_REST_TOKEN"]) {
    assert.match(String(apiEnv[secret]), new RegExp(`^\\$\\{${secret}:\\?[^}]+\\}$`));
  }
  const known = new Set(configVariables());
  for (const name of Object.keys(apiEnv)) {
    assert.ok(known.has(name), `${name} is read by src/config.ts`);
  }
  const setByStack = new Set([
    "HOST",
    "PORT",
    "DATABASE_URL",
    "UPSTASH_REDIS_REST_URL",
    "UPSTASH_REDIS_REST_TOKEN",
    "SECRET_KEY",
    "ENVIRONMENT",
    "TRUSTED_PROXIES",
  ]);
  // PGlite is never used under compose: DATABASE_URL is always set.
  for (const name of [...known].filter((n) => !setByStack.has(n) && n !== "PGLITE_DATA_DIR")) {
    assert.equal(apiEnv[name], `\${${name}:-}`, `${name} passes through from .env`);
  }
});

Deno.test("api: the compose health check probes /health/ready", async () => {
  const check = asObject(service("api").healthcheck, "api.healthcheck");
  const command = (check.test as string[]).slice(1);
  assert.match(command.join(" "), /\/health\/ready/);
  // It probes port 8000, which compose sets as PORT; run it against stand-ins
  // on their own ports.
  assert.equal(apiEnv.PORT, "8000");
  assert.deepEqual([check.interval, check.retries], ["30s", 3]);
  await using ready = await standInServer(`return Response.json({ ready: true });`);
  const rewritten = command.map((part) =>
    part.replace("127.0.0.1:8000", `127.0.0.1:${ready.port}`)
  );
  assert.equal(await runHealthcheck(rewritten, {}), 0);
  await using notReady = await standInServer(
    `return Response.json({ ready: false }, { status: 503 });`,
  );
  const failing = command.map((part) =>
    part.replace("127.0.0.1:8000", `127.0.0.1:${notReady.port}`)
  );
  assert.equal(await runHealthcheck(failing, {}), 1);
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
  assert.match((redis.command as string[]).join(" "), /--appendonly yes/);
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
  assert.equal(env.UPSTASH_REDIS_REST_TOKEN, apiEnv.UPSTASH_REDIS_REST_TOKEN, "the same token");
  const dependsOn = asObject(proxy.depends_on, "redis-proxy.depends_on");
  assert.equal(asObject(dependsOn.redis, "redis").condition, "service_healthy");
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
  assert.ok((prom.volumes as string[]).includes("./deploy/prometheus:/etc/prometheus:ro"));
  assert.ok(volumeSources(prom).includes("prometheus-data"));
});

Deno.test("grafana: port 3000, admin password required, provisioning and dashboards mounted", () => {
  const grafana = service("grafana");
  assert.deepEqual(grafana.ports, ["3000:3000"]);
  const env = asObject(grafana.environment, "grafana.environment");
  assert.match(String(env.GF_SECURITY_ADMIN_PASSWORD), /^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
  const volumes = grafana.volumes as string[];
  assert.ok(volumes.includes("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro"));
  assert.ok(volumes.includes("./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro"));
  assert.ok(volumeSources(grafana).includes("grafana-data"));
  const provider = readYaml("deploy/grafana/provisioning/dashboards/graphmind.yml");
  const [options] = (provider.providers as { options: { path: string } }[]).map((p) => p.options);
  assert.equal(
    options?.path,
    "/var/lib/grafana/dashboards",
    "the provider reads the mounted dashboards",
  );
  const datasources = readYaml("deploy/grafana/provisioning/datasources/prometheus.yml");
  const [prometheus] = datasources.datasources as { url: string; uid: string }[];
  assert.equal(prometheus?.url, "http://prometheus:9090");
});

Deno.test("every service has a health check and restart policy; one bridge network", () => {
  for (const [name, svc] of Object.entries(services)) {
    const s = asObject(svc, name);
    assert.ok(s.healthcheck, `${name} has a healthcheck`);
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

// ---- Compose v2 itself ----

const composeBin = await findCompose();
if (!composeBin) reportMissing("Compose v2", "Debian trixie's docker-compose, or COMPOSE_BIN");
const dummySecrets = Object.fromEntries(
  REQUIRED.map((name) => [name, `test-${name.toLowerCase()}-0123456789`]),
);

Deno.test({
  name: "compose config: the file validates and interpolates as designed",
  ignore: !composeBin,
  async fn() {
    const { code, stdout, output } = await run(
      composeBin!,
      ["--env-file", "/dev/null", "-f", "docker-compose.yml", "config", "--format", "json"],
      { ...dummySecrets, LOG_LEVEL: "INFO" },
    );
    assert.equal(code, 0, output);
    const config = JSON.parse(stdout);
    const api = config.services.api;
    assert.equal(
      api.environment.DATABASE_URL,
      `postgres://langmem_user:${dummySecrets.POSTGRES_PASSWORD}@postgres:5432/langmem_store`,
    );
    assert.equal(
      api.environment.LOG_LEVEL,
      "INFO",
      "a setting from the environment passes through",
    );
    assert.equal(api.environment.ENVIRONMENT, "production");
    assert.equal(api.depends_on["redis-proxy"].condition, "service_healthy");
    assert.equal(config.services.postgres.healthcheck.retries, 5);
    assert.equal(
      config.services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD,
      dummySecrets.GRAFANA_ADMIN_PASSWORD,
    );
  },
});

for (const missing of REQUIRED) {
  Deno.test({
    name: `compose config: refuses to run without ${missing}`,
    ignore: !composeBin,
    async fn() {
      const { code, output } = await run(
        composeBin!,
        ["--env-file", "/dev/null", "-f", "docker-compose.yml", "config", "-q"],
        { ...dummySecrets, [missing]: "" },
      );
      assert.notEqual(code, 0);
      assert.match(output, new RegExp(missing));
    },
  });
}
