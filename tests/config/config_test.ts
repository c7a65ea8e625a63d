import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config.ts";

Deno.test("defaults follow the design document", () => {
  const config = loadConfig({});
  assert.equal(config.app.environment, "development");
  assert.equal(config.server.port, 8000);
  assert.equal(config.server.host, "127.0.0.1", "development serves this machine only");
  assert.equal(config.database.url, undefined);
  assert.equal(config.database.poolTimeoutSeconds, 30);
  assert.equal(config.cache.defaultTtlSeconds, 3600);
  assert.equal(config.llm.model, "gpt-4");
  assert.equal(config.llm.maxTokens, 4000);
  assert.equal(config.llm.temperature, 0.7);
  assert.deepEqual(config.embeddings, { model: "text-embedding-3-small", dims: 1536 });
  assert.equal(config.memory.maxPerNamespace, 10000);
  assert.equal(config.memory.consolidateThreshold, 1000);
  assert.equal(config.memory.cleanupIntervalSeconds, 86400);
  assert.equal(config.memory.backupEnabled, true);
  assert.equal(config.memory.backupIntervalSeconds, 604800);
  assert.equal(config.security.algorithm, "HS256");
  assert.equal(config.security.accessTokenExpireMinutes, 30);
  assert.ok(config.security.corsOrigins.includes("http://localhost:*"));
  assert.ok(!config.security.corsOrigins.includes("*"));
  assert.equal(config.monitoring.metricsEnabled, true);
  assert.equal(config.agents.timeoutSeconds, 300);
  assert.deepEqual(config.rateLimit, {
    enabled: true,
    perMinute: 60,
    perHour: 1000,
    burst: 10,
    redisTimeoutMs: 1000,
  });
});

Deno.test("each profile sets its own log level, pool size and concurrency", () => {
  const required = { SECRET_KEY: "0123456789abcdef0123", DATABASE_URL: "postgres://db/app" };
  const expected = {
    development: [true, "debug", 10, 5],
    staging: [false, "info", 10, 20],
    production: [false, "warn", 20, 50],
  };
  for (const [ENVIRONMENT, values] of Object.entries(expected)) {
    const config = loadConfig({ ENVIRONMENT, ...required });
    assert.deepEqual(
      [
        config.app.debug,
        config.monitoring.logLevel,
        config.database.poolSize,
        config.agents.maxConcurrent,
      ],
      values,
      ENVIRONMENT,
    );
  }
});

Deno.test("explicit variables override the profile", () => {
  const config = loadConfig({
    ENVIRONMENT: "production",
    SECRET_KEY: "0123456789abcdef0123",
    DATABASE_URL: "postgres://db/app",
    DB_POOL_SIZE: "7",
    LOG_LEVEL: "WARNING",
    MAX_CONCURRENT_AGENTS: "3",
    CORS_ORIGINS: "https://a.example, https://b.example",
    ENABLE_METRICS: "false",
  });
  assert.equal(config.database.poolSize, 7);
  assert.equal(config.monitoring.logLevel, "warn");
  assert.equal(config.agents.maxConcurrent, 3);
  assert.deepEqual(config.security.corsOrigins, ["https://a.example", "https://b.example"]);
  assert.equal(config.monitoring.metricsEnabled, false);
});

Deno.test("a bad value yields the exact error", () => {
  assert.throws(() => loadConfig({ PORT: "eighty" }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(
      error.message,
      'Invalid environment, fix these variables:\n  PORT="eighty": expected a whole number from 0 to 65535',
    );
    return true;
  });
});

Deno.test("every bad variable is listed at once, with secrets masked", () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: "70000",
        ENVIRONMENT: "prod",
        TEMPERATURE: "hot",
        SECRET_KEY: "short",
        DATABASE_URL: "mysql://user:hunter2@db/app",
        UPSTASH_REDIS_REST_URL: "not a url",
        DEBUG: "maybe",
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.issues.map((i) => i.variable).sort(), [
        "DATABASE_URL",
        "DEBUG",
        "ENVIRONMENT",
        "PORT",
        "SECRET_KEY",
        "TEMPERATURE",
        "UPSTASH_REDIS_REST_TOKEN",
        "UPSTASH_REDIS_REST_URL",
      ]);
      assert.ok(!error.message.includes("hunter2"), "the database password leaked");
      assert.ok(!error.message.includes("short"), "the secret key leaked");
      assert.match(error.message, /SECRET_KEY="\*\*\*\*\*": expected at least 16 characters/);
      assert.match(error.message, /ENVIRONMENT="prod": expected one of development, staging/);
      assert.match(error.message, /DEBUG="maybe": expected a boolean/);
      return true;
    },
  );
});

Deno.test("production refuses to start without SECRET_KEY and DATABASE_URL", () => {
  assert.throws(() => loadConfig({ ENVIRONMENT: "production" }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(error.issues, [
      {
        variable: "SECRET_KEY",
        value: undefined,
        expected: "required in production unless JWKS_URL is set",
      },
      { variable: "DATABASE_URL", value: undefined, expected: "required in production" },
    ]);
    return true;
  });
});

Deno.test("staging and production need a way to verify tokens: SECRET_KEY or JWKS_URL", () => {
  assert.throws(
    () => loadConfig({ ENVIRONMENT: "staging" }),
    /SECRET_KEY=\(unset\): required in staging unless JWKS_URL is set/,
  );
  const jwks = loadConfig({
    ENVIRONMENT: "production",
    DATABASE_URL: "postgres://db/app",
    JWKS_URL: "https://idp.example/.well-known/jwks.json",
    JWT_ISSUER: "https://idp.example/",
    JWT_AUDIENCE: "graphmind",
  });
  assert.equal(jwks.security.jwksUrl, "https://idp.example/.well-known/jwks.json");
  assert.equal(jwks.security.jwtIssuer, "https://idp.example/");
  assert.equal(jwks.security.jwtAudience, "graphmind");
  assert.throws(() => loadConfig({ JWKS_URL: "idp" }), /JWKS_URL="idp": expected an absolute URL/);
});

Deno.test("deployments listen everywhere and allow any CORS origin by default", () => {
  for (const ENVIRONMENT of ["staging", "production"]) {
    const config = loadConfig({
      ENVIRONMENT,
      SECRET_KEY: "0123456789abcdef0123",
      DATABASE_URL: "postgres://db/app",
    });
    assert.equal(config.server.host, "0.0.0.0");
    assert.deepEqual(config.security.corsOrigins, ["*"]);
  }
  assert.equal(loadConfig({ HOST: "0.0.0.0" }).server.host, "0.0.0.0");
});

Deno.test("empty variables count as unset", () => {
  const config = loadConfig({ PORT: "", OPENAI_API_KEY: "  " });
  assert.equal(config.server.port, 8000);
  assert.equal(config.llm.apiKey, undefined);
});

Deno.test("staging needs SECRET_KEY, because it rejects tokenless requests", () => {
  assert.throws(
    () => loadConfig({ ENVIRONMENT: "staging" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes("SECRET_KEY=(unset): required in staging") &&
      !error.message.includes("DATABASE_URL"),
  );
});

Deno.test("an Upstash URL without its token is a configuration error, not a crash later", () => {
  assert.throws(
    () => loadConfig({ UPSTASH_REDIS_REST_URL: "http://127.0.0.1:8079" }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes(
        "UPSTASH_REDIS_REST_TOKEN=(unset): required when UPSTASH_REDIS_REST_URL is set",
      ),
  );
});

Deno.test("statement timeout and shutdown drain have profile-aware defaults", () => {
  const dev = loadConfig({});
  assert.equal(dev.database.statementTimeoutMs, 30_000);
  assert.equal(dev.server.shutdownDrainSeconds, 0);
  const staging = loadConfig({ ENVIRONMENT: "staging", SECRET_KEY: "0123456789abcdef" });
  assert.equal(staging.server.shutdownDrainSeconds, 5);
  assert.equal(loadConfig({ DB_STATEMENT_TIMEOUT: "0" }).database.statementTimeoutMs, 0);
});

Deno.test("GraphQL and input limits: defaults, production lock-down and overrides", () => {
  const dev = loadConfig({});
  assert.deepEqual(dev.graphql, {
    maxDepth: 12,
    maxCost: 5000,
    maxAliases: 15,
    maxTokens: 2000,
    maxRequestBytes: 1_048_576,
    introspection: true,
    graphiql: true,
    console: true,
    maxSocketsPerClient: 100,
    subscriptionBufferBytes: 1_048_576,
    subscriptionLagEvents: 5000,
  });
  assert.deepEqual(dev.input, { maxMessageChars: 32_000, maxJsonBytes: 65_536, maxJsonDepth: 16 });
  const required = { SECRET_KEY: "0123456789abcdef0123", DATABASE_URL: "postgres://db/app" };
  const production = loadConfig({ ENVIRONMENT: "production", ...required });
  assert.equal(production.graphql.introspection, false);
  assert.equal(production.graphql.graphiql, false);
  const opened = loadConfig({
    ENVIRONMENT: "production",
    ...required,
    GRAPHQL_INTROSPECTION: "true",
    GRAPHIQL: "true",
    GRAPHQL_MAX_DEPTH: "8",
    MAX_REQUEST_BYTES: "65536",
    MAX_MESSAGE_CHARS: "1000",
    RATE_LIMIT_ENABLED: "false",
    SUBSCRIPTION_BUFFER_LIMIT_BYTES: "65536",
    SUBSCRIPTION_LAG_LIMIT_EVENTS: "100",
  });
  assert.equal(opened.graphql.introspection, true);
  assert.equal(opened.graphql.graphiql, true);
  assert.equal(opened.graphql.maxDepth, 8);
  assert.equal(opened.graphql.maxRequestBytes, 65536);
  assert.equal(opened.input.maxMessageChars, 1000);
  assert.equal(opened.rateLimit.enabled, false);
  assert.equal(opened.graphql.subscriptionBufferBytes, 65536);
  assert.equal(opened.graphql.subscriptionLagEvents, 100);
  assert.throws(() => loadConfig({ MAX_REQUEST_BYTES: "10" }), /MAX_REQUEST_BYTES="10": expected/);
  assert.throws(
    () => loadConfig({ SUBSCRIPTION_BUFFER_LIMIT_BYTES: "10" }),
    /SUBSCRIPTION_BUFFER_LIMIT_BYTES="10": expected/,
  );
});
