/**
 * The GraphiQL page: a few kilobytes of HTML that load GraphiQL's scripts,
 * styles and Monaco workers from `/graphql/assets/` (src/http/graphiql_assets.ts),
 * where browsers cache them for good, instead of yoga's render-graphiql page
 * that inlines all of them (~9 MB) into every load. The markup and the
 * start-up script follow render-graphiql's own page.
 *
 * @example
 * ```ts
 * const html = await renderGraphiQLPage({ title: "Graphmind GraphiQL" });
 * ```
 * @module
 */
import type { GraphiQLOptions } from "graphql-yoga";
import { loadGraphiQLAssets } from "../http/graphiql_assets.ts";

/** The page for yoga's `renderGraphiQL`, with `options` passed to GraphiQL as they are. */
export async function renderGraphiQLPage(options: GraphiQLOptions = {}): Promise<string> {
  const { urls } = await loadGraphiQLAssets();
  const title = options.title || "Yoga GraphiQL";
  const favicon = options.favicon || urls.favicon;
  // Monaco must find its workers before the bundle runs, so this script comes first.
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="${escapeHtml(favicon)}" />
    <link rel="stylesheet" href="${urls.css}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(urls.workers)};
      self["MonacoEnvironment"] = {
        globalAPI: false,
        getWorkerUrl: (_moduleId, label) => workers[label],
      };
    </script>
    <script src="${urls.js}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector("#root"), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that cannot close the surrounding `<script>` element, whatever the strings hold. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}
