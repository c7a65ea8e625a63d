/**
 * .env.example stays true: it lists every variable src/config.ts reads (found
 * by running the real loadConfig), each with its own comment, shows defaults
 * that are the real defaults, and names nothing that nobody reads.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { configVariables } from "./support/config_vars.ts";
import { readFile } from "./support/yaml.ts";

interface Entry {
  name: string;
  value: string;
  /** `# NAME=value`: unset, showing the default. */
  commented: boolean;
  /** The comment lines right above it. */
  comment: string[];
}

const ASSIGNMENT = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/;

function parseEnvExample(text: string): Entry[] {
  const entries: Entry[] = [];
  let comment: string[] = [];
  for (const line of text.split("\n")) {
    const match = ASSIGNMENT.exec(line.trim());
    if (match) {
      entries.push({
        name: match[2]!,
        value: match[3]!,
        commented: match[1] !== undefined,
        comment,
      });
      comment = [];
    } else if (line.startsWith("#") && !line.startsWith("# ----")) {
      comment.push(line.replace(/^#\s?/, ""));
    } else {
      comment = [];
    }
  }
  return entries;
}

const entries = parseEnvExample(readFile(".env.example"));
const byName = new Map(entries.map((entry) => [entry.name, entry]));
const compose = readFile("docker-compose.yml");
const composeVariables = new Set([...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
const proxySource = readFile("src/redis_proxy/main.ts");
const proxyVariables = new Set([...proxySource.matchAll(/env\("([A-Z_]+)"\)/g)].map((m) => m[1]!));
/** Settings whose default depends on ENVIRONMENT: shown empty. */
const BY_PROFILE = new Set([
  "DEBUG",
  "DB_POOL_SIZE",
  "LOG_LEVEL",
  "MAX_CONCURRENT_AGENTS",
  "SHUTDOWN_DRAIN_SECONDS",
  "HOST",
  "CORS_ORIGINS",
  "GRAPHQL_INTROSPECTION",
  "GRAPHIQL",
]);

Deno.test(".env.example lists every variable src/config.ts reads, once", () => {
  const names = entries.map((entry) => entry.name);
  assert.equal(new Set(names).size, names.length, "no variable twice");
  const missing = configVariables().filter((name) => !byName.has(name));
  assert.deepEqual(missing, [], "every config variable is listed");
});

Deno.test(".env.example names only variables something reads", () => {
  const known = new Set([...configVariables(), ...composeVariables, ...proxyVariables]);
  assert.ok(proxyVariables.has("REDIS_URL"), "the proxy's variables were found");
  for (const { name } of entries) assert.ok(known.has(name), `${name} is read by nothing`);
  for (const name of composeVariables) {
    assert.ok(byName.has(name), `compose's ${name} is documented`);
  }
});

Deno.test("every variable has its own comment", () => {
  for (const { name, comment } of entries) {
    const prose = comment.join(" ").trim();
    assert.ok(prose.length >= 10, `${name} has a comment above it`);
  }
});

Deno.test("commented defaults are the real defaults; by-profile ones are empty", () => {
  const defaults = loadConfig({});
  for (const { name, value, commented } of entries) {
    if (!commented || !configVariables().includes(name)) continue;
    if (BY_PROFILE.has(name)) {
      assert.equal(value, "", `${name} depends on the profile: shown empty`);
      continue;
    }
    if (value === "") continue; // unset by default (OPENAI_API_KEY)
    // The Upstash URL is only valid with its token beside it.
    const companion = name === "UPSTASH_REDIS_REST_URL" ? { UPSTASH_REDIS_REST_TOKEN: "t" } : {};
    const changed = loadConfig({ [name]: value, ...companion });
    // DATABASE_URL and OPENAI_BASE_URL show an example value instead: unset by default.
    if (
      name === "DATABASE_URL" || name === "OPENAI_BASE_URL" ||
      name === "UPSTASH_REDIS_REST_URL" || name === "JWKS_URL"
    ) {
      assert.notDeepEqual(changed, defaults, `${name}'s example is a valid value`);
      continue;
    }
    assert.deepEqual(changed, defaults, `# ${name}=${value} is the default`);
  }
});

Deno.test("the secrets compose requires are the only uncommented lines, and empty", () => {
  const required = entries.filter((entry) => !entry.commented);
  assert.deepEqual(required.map((entry) => entry.name).sort(), [
    "GRAFANA_ADMIN_PASSWORD",
    "POSTGRES_PASSWORD",
    "SECRET_KEY",
    "UPSTASH_REDIS_REST_TOKEN",
  ]);
  for (const { name, value } of required) {
    assert.equal(value, "", `${name} ships empty`);
    assert.match(compose, new RegExp(`\\$\\{${name}:\\?`), `compose requires ${name}`);
  }
});
