import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config.ts";

Deno.test("run settings have defaults and come from the environment", () => {
  const defaults = loadConfig({});
  assert.deepEqual(defaults.agents, {
    maxConcurrent: 5,
    timeoutSeconds: 300,
    eventRetentionSeconds: 3600,
    maxAttempts: 3,
    runLeaseSeconds: 30,
  });
  assert.equal(defaults.llm.offlineTokenDelayMs, 15);
  const set = loadConfig({
    MAX_MESSAGE_CHARS: "100",
    RUN_EVENT_RETENTION_SECONDS: "0",
    RUN_LEASE_SECONDS: "5",
    OFFLINE_TOKEN_DELAY_MS: "0",
  });
  assert.equal(set.input.maxMessageChars, 100);
  assert.equal(set.agents.eventRetentionSeconds, 0);
  assert.equal(set.agents.runLeaseSeconds, 5);
  assert.equal(set.llm.offlineTokenDelayMs, 0);
});

Deno.test("bad run settings are reported by name", () => {
  let error: unknown;
  try {
    loadConfig({ MAX_MESSAGE_CHARS: "0", RUN_LEASE_SECONDS: "soon" });
  } catch (caught) {
    error = caught;
  }
  assert.ok(error instanceof ConfigError);
  assert.deepEqual(error.issues.map((i) => i.variable).sort(), [
    "MAX_MESSAGE_CHARS",
    "RUN_LEASE_SECONDS",
  ]);
});
