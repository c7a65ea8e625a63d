/**
 * The web console: its page at `/console` and its files under
 * `/console/assets/`. The files are the esbuild output of console/ that
 * `deno task console:build` writes to src/console/dist/ (checked in; a test
 * fails when it is stale). Their names carry a content hash, so browsers
 * keep them for a year (`immutable`); the page itself is revalidated.
 * Nothing comes from a CDN.
 *
 * @example
 * ```ts
 * const response = await consoleResponse(request, "/console", { auth: "none" });
 * ```
 * @module
 */

/** The page. */
export const CONSOLE_PATH = "/console";
/** Where the page's files are served. */
export const CONSOLE_ASSETS_PATH = "/console/assets/";

const IMMUTABLE = "public, max-age=31536000, immutable";
const DIST = new URL("./dist/", import.meta.url);
const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  txt: "text/plain; charset=utf-8",
};

interface Manifest {
  js: string;
  css: string;
  files: string[];
}

interface Loaded {
  manifest: Manifest;
  files: Map<string, Uint8Array<ArrayBuffer>>;
}

let loading: Promise<Loaded> | undefined;

/** Reads the built files once per process. */
function load(): Promise<Loaded> {
  loading ??= (async () => {
    const manifest = JSON.parse(
      await Deno.readTextFile(new URL("manifest.json", DIST)),
    ) as Manifest;
    const files = new Map<string, Uint8Array<ArrayBuffer>>();
    for (const name of manifest.files) files.set(name, await Deno.readFile(new URL(name, DIST)));
    return { manifest, files };
  })().catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** How the page signs in: a token form (staging, production) or nothing (development). */
export interface ConsolePageOptions {
  auth: "token" | "none";
}

/** Answers `/console` or `/console/assets/<name>`; `path` has no trailing slash. */
export async function consoleResponse(
  request: Request,
  path: string,
  options: ConsolePageOptions,
): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response(`Method ${request.method} not allowed; the console answers GET and HEAD.`, {
      status: 405,
      headers: { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" },
    });
  }
  const { manifest, files } = await load();
  const body = (bytes: Uint8Array<ArrayBuffer> | string) =>
    request.method === "HEAD" ? null : bytes;
  if (path === CONSOLE_PATH) {
    return new Response(body(page(manifest, options)), {
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-cache",
        "content-security-policy": contentSecurityPolicy(request),
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      },
    });
  }
  const name = path.slice(CONSOLE_ASSETS_PATH.length);
  const file = files.get(name);
  if (!file) {
    return new Response(
      `No console asset ${JSON.stringify(name.slice(0, 80))}; reload the console at /console.`,
      { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } },
    );
  }
  return new Response(body(file), {
    headers: {
      "content-type": TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream",
      "cache-control": IMMUTABLE,
      "x-content-type-options": "nosniff",
    },
  });
}

function page(manifest: Manifest, options: ConsolePageOptions): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Graphmind console</title>
    <link rel="stylesheet" href="${CONSOLE_ASSETS_PATH}${manifest.css}" />
    <script type="module" src="${CONSOLE_ASSETS_PATH}${manifest.js}"></script>
  </head>
  <body data-auth="${options.auth}">
    <div id="app"></div>
    <noscript>The Graphmind console needs JavaScript.</noscript>
  </body>
</html>
`;
}

/**
 * Scripts and styles from this server only; sockets to this host. Vega
 * compiles chart expressions with `Function`, hence `unsafe-eval`, and sets
 * inline styles on the SVG it draws.
 */
function contentSecurityPolicy(request: Request): string {
  const host = new URL(request.url).host;
  return [
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://${host} wss://${host}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
}
