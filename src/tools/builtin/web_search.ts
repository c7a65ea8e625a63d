/**
 * `web_search`: searches the web through a Tavily-compatible API
 * (`POST {query, max_results}` with a Bearer key, answering
 * `{results: [{title, url, content, score}]}`). It exists only when
 * WEB_SEARCH_API_KEY is set; without it, agents simply do not get it.
 *
 * @module
 */
import { z } from "zod";
import { defineTool } from "../../core/tool.ts";

/** A provider that does not answer within this long fails the call, not the run. */
const TIMEOUT_MS = 15_000;

const resultSchema = z.object({
  results: z.array(z.object({
    title: z.string().default(""),
    url: z.string(),
    content: z.string().default(""),
    score: z.number().optional(),
  })),
});

/** The web search tool. */
export const webSearchTool = defineTool({
  name: "web_search",
  description: "Searches the web. Returns numbered results [n] with title, URL and an " +
    "excerpt; cite them as [n]. Use it for recent or public facts the user's own " +
    "memories and documents do not hold.",
  permission: "web:search",
  schema: z.object({
    query: z.string().min(1).describe("What to search for."),
    maxResults: z.number().int().min(1).max(10).optional().describe("Most results. Default 5."),
  }),
  unavailable: ({ config }) =>
    config.tools.webSearch.apiKey === undefined ? "WEB_SEARCH_API_KEY is not set." : undefined,
  async run({ query, maxResults }, { services, signal }) {
    const { apiKey, url } = services.config.tools.webSearch;
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, max_results: maxResults ?? 5 }),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`The search provider answered HTTP ${response.status}; try again later.`);
    }
    const parsed = resultSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new Error("The search provider sent an unreadable answer.");
    const results = parsed.data.results;
    if (results.length === 0) return `No web results for "${query}".`;
    const content = results
      .map((r, i) => `[${i + 1}] ${r.title} (${r.url})\n${r.content}`)
      .join("\n\n");
    return { content, artifact: { type: "web_results", query, results } };
  },
  offlineArgs: (said) => said.trim() === "" ? undefined : { query: said.trim() },
});
