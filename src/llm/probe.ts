/**
 * Readiness of the language model. With no `OPENAI_API_KEY` the service runs
 * the offline model, which is always ready. With a key, the provider's
 * `/models` route must answer; the answer is remembered for 30 s so probes
 * every 5 s do not hammer a paid API.
 *
 * @module
 */
import type { Config } from "../config.ts";

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const REMEMBER_MS = 30_000;

/** Whether the service runs a real provider or the offline model. */
export function llmMode(config: Config["llm"]): "offline" | "openai" {
  return config.apiKey === undefined ? "offline" : "openai";
}

/** A readiness check of the model, in the shape health probes take. */
export interface LlmProbe {
  name: "llm";
  mode: "offline" | "openai";
  /** Resolves when the provider answers; throws otherwise. */
  check(): Promise<void>;
}

/** The readiness probe for the language model. */
export function createLlmProbe(
  config: Config["llm"],
  fetchFn: typeof fetch = fetch,
): LlmProbe {
  const mode = llmMode(config);
  let lastOk = -Infinity;
  return {
    name: "llm",
    mode,
    async check() {
      if (mode === "offline") return;
      if (performance.now() - lastOk < REMEMBER_MS) return;
      const base = (config.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
      const response = await fetchFn(`${base}/models`, {
        headers: { authorization: `Bearer ${config.apiKey}` },
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      if (!response.ok) {
        throw Object.assign(new Error(`${base}/models answered HTTP ${response.status}`), {
          // Health classifies the failure by it (401 is auth, 503 unavailable, …).
          status: response.status,
        });
      }
      lastOk = performance.now();
    },
  };
}
