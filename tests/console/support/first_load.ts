/**
 * Cold first loads of the console in headless Chromium, each with an empty
 * profile: bytes transferred (page and assets, not API calls), requests, and
 * milliseconds from navigation until the chat box is usable. Run in a
 * subprocess with --allow-all (playwright-core probes /proc); prints JSON.
 *
 * Usage: first_load.ts SERVER_URL [COUNT]
 *
 * @module
 */
import { chromiumPath, launchChromium } from "../../support/chromium.ts";

/** One cold load. */
export interface FirstLoad {
  bytes: number;
  requests: number;
  ms: number;
}

export async function measureFirstLoads(serverUrl: string, count: number): Promise<FirstLoad[]> {
  const loads: FirstLoad[] = [];
  for (let i = 0; i < count; i++) {
    const browser = await launchChromium({ path: chromiumPath() });
    try {
      const page = browser.context.pages()[0] ?? await browser.context.newPage();
      const started = performance.now();
      await page.goto(`${serverUrl}/console`);
      await page.getByLabel("Message", { exact: true }).waitFor({ timeout: 30_000 });
      const ms = Math.round(performance.now() - started);
      const transfer = await page.evaluate(() => {
        const entries = [
          ...performance.getEntriesByType("navigation"),
          ...performance.getEntriesByType("resource"),
        ] as unknown as { name: string; transferSize: number }[];
        const files = entries.filter((e) => !e.name.endsWith("/graphql"));
        return { bytes: files.reduce((sum, e) => sum + e.transferSize, 0), requests: files.length };
      });
      loads.push({ ...transfer, ms });
    } finally {
      await browser.close();
    }
  }
  return loads;
}

if (import.meta.main) {
  const [serverUrl, count] = Deno.args;
  if (!serverUrl) {
    console.error("usage: first_load.ts SERVER_URL [COUNT]");
    Deno.exit(2);
  }
  console.log(JSON.stringify(await measureFirstLoads(serverUrl, Number(count ?? 3))));
}
