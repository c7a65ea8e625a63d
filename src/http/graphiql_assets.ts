/**
 * GraphiQL's scripts, styles, Monaco workers and icon, served as separate
 * files under `/graphql/assets/` with a content hash in each name, so a
 * browser fetches them once and then keeps them (`immutable`). They come
 * from `@graphql-yoga/render-graphiql`, which ships them as strings for an
 * inline page of ~9 MB: nothing is loaded from a CDN, which air-gapped hosts
 * and strict CSPs would block.
 *
 * The ~9 MB module is imported on the first GraphiQL request only, so
 * servers that never show GraphiQL (production) never load it.
 *
 * @example
 * ```ts
 * const assets = await loadGraphiQLAssets();
 * assets.urls.js; // "/graphql/assets/graphiql.3f9c0a1b2c3d4e5f.js"
 * const response = await graphiqlAssetResponse(request, "graphiql.3f9c0a1b2c3d4e5f.js");
 * ```
 * @module
 */

/** Where the assets are served; the router sends every path below it here. */
export const GRAPHIQL_ASSETS_PATH = "/graphql/assets/";

/** The assets' names change with their content, so a year-long cache is safe. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** The page's references to each asset (absolute paths on this server). */
export interface GraphiQLAssetUrls {
  js: string;
  css: string;
  favicon: string;
  /** Monaco's workers, by the label Monaco asks `getWorkerUrl` for. */
  workers: { editorWorkerService: string; json: string; graphql: string };
}

/** One servable file. */
interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
}

/** The loaded assets: the page's URLs and the files behind them. */
export interface GraphiQLAssets {
  urls: GraphiQLAssetUrls;
  /** The asset with this file name (the last path segment), if any. */
  get(name: string): Asset | undefined;
}

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

let loading: Promise<GraphiQLAssets> | undefined;

/** Loads, hashes and names the assets once per process. */
export function loadGraphiQLAssets(): Promise<GraphiQLAssets> {
  loading ??= buildAssets().catch((error) => {
    loading = undefined; // a failed import may succeed on the next request
    throw error;
  });
  return loading;
}

async function buildAssets(): Promise<GraphiQLAssets> {
  const source = await import("@graphql-yoga/render-graphiql/graphiql");
  const files = new Map<string, Asset>();
  const encoder = new TextEncoder();
  async function add(role: string, extension: string, body: Uint8Array<ArrayBuffer>, type: string) {
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
    const hash = Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
    const name = `${role}.${hash}.${extension}`;
    files.set(name, { body, contentType: type });
    return GRAPHIQL_ASSETS_PATH + name;
  }
  const text = (role: string, extension: string, content: string, type: string) =>
    add(role, extension, encoder.encode(content), type);
  const icon = decodeDataUrl(source.favicon);
  const urls: GraphiQLAssetUrls = {
    js: await text("graphiql", "js", source.js, JS),
    css: await text("graphiql", "css", source.css, CSS),
    favicon: await add("favicon", icon.extension, icon.body, icon.contentType),
    workers: {
      editorWorkerService: await text("editor-worker", "js", source.editorWorkerService, JS),
      json: await text("json-worker", "js", source.jsonWorker, JS),
      graphql: await text("graphql-worker", "js", source.graphqlWorker, JS),
    },
  };
  return { urls, get: (name) => files.get(name) };
}

/** Decodes the package's base64 `data:` favicon into a file of its own. */
function decodeDataUrl(
  url: string,
): { body: Uint8Array<ArrayBuffer>; contentType: string; extension: string } {
  const match = /^data:([\w.+/-]+);base64,(.*)$/s.exec(url);
  if (!match) throw new Error(`GraphiQL's favicon is not a base64 data URL: ${url.slice(0, 40)}`);
  const contentType = match[1]!;
  const body = Uint8Array.from(atob(match[2]!), (c) => c.charCodeAt(0));
  return { body, contentType, extension: contentType === "image/x-icon" ? "ico" : "bin" };
}

/**
 * Answers a request for the asset `name`: the file with a year-long
 * immutable cache, 404 for a name this build does not have (an old hash
 * after an upgrade, or a guess), 405 for methods other than GET and HEAD.
 */
export async function graphiqlAssetResponse(request: Request, name: string): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return errorResponse(405, `Method ${request.method} not allowed; assets answer GET and HEAD.`, {
      allow: "GET, HEAD",
    });
  }
  const asset = (await loadGraphiQLAssets()).get(name);
  if (!asset) {
    return errorResponse(
      404,
      `No GraphiQL asset ${JSON.stringify(name.slice(0, 80))}; reload GraphiQL at /graphql.`,
    );
  }
  return new Response(request.method === "HEAD" ? null : asset.body, {
    headers: {
      "content-type": asset.contentType,
      "content-length": String(asset.body.byteLength),
      "cache-control": IMMUTABLE_CACHE_CONTROL,
      "x-content-type-options": "nosniff",
    },
  });
}

function errorResponse(status: number, error: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ error }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}
