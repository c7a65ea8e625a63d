/**
 * Debian's headless Chromium for the browser tests: where it is, whether a
 * test may run, and how the drivers launch it. The drivers run in a
 * subprocess with --allow-all because playwright-core probes paths under
 * /proc that Deno opens only then; the tests import this module too, so
 * playwright-core is loaded only when `launchChromium` is called.
 *
 * @example
 * ```ts
 * const { context, close } = await launchChromium({ path: chromiumPath() });
 * try {
 *   await (await context.newPage()).goto("http://127.0.0.1:8000/graphql");
 * } finally {
 *   await close();
 * }
 * ```
 * @module
 */
import type { BrowserContext } from "playwright-core";

/** Flags for a closed network: no background fetches, no first-run UI. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The Chromium binary: `CHROMIUM_BIN`, or Debian's. */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM_BIN") || "/usr/bin/chromium";
}

/** Whether a browser test runs, and where its Chromium is. */
export interface ChromiumCheck {
  path: string;
  present: boolean;
  /** Skip the test: Chromium is missing and this is not CI. */
  ignore: boolean;
}

/**
 * Finds Chromium for the test `what`. Missing outside CI: warns, and the test
 * is ignored. Missing under CI=true (.ci/run installs it): the test runs and
 * must fail on `present`.
 */
export function checkChromium(what: string): ChromiumCheck {
  const path = chromiumPath();
  const present = (() => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  })();
  const ignore = !present && Deno.env.get("CI") !== "true";
  if (ignore) {
    console.warn(
      `WARNING: skipping ${what}: ${path} not found (apt-get install chromium, or set CHROMIUM_BIN)`,
    );
  }
  return { path, present, ignore };
}

/** Options for {@link launchChromium}. */
export interface LaunchOptions {
  path: string;
  /** Flags added to {@link CHROMIUM_FLAGS}. */
  args?: string[];
  viewport?: { width: number; height: number };
}

/** Launches headless Chromium with a throwaway profile; `close` removes it. */
export async function launchChromium(
  options: LaunchOptions,
): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { chromium } = await import("playwright-core");
  const profile = await Deno.makeTempDir({ prefix: "graphmind-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: options.path,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...options.args ?? []],
    viewport: options.viewport,
  }).catch(async (error) => {
    await Deno.remove(profile, { recursive: true });
    throw error;
  });
  return {
    context,
    async close() {
      await context.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}
