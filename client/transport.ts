/**
 * How the client talks to the API: queries and mutations as GraphQL over
 * HTTP (POST), subscriptions over `graphql-ws` (WebSocket) or `graphql-sse`
 * (Server-Sent Events, distinct connections), chosen by an option.
 *
 * A subscription is an async iterator over one server stream. It throws a
 * {@linkcode GraphmindError} for errors the API sent and a
 * {@linkcode TransportDrop} when the connection failed or closed early, so
 * the resumable streams above it know what to retry.
 *
 * @module
 */
import { createClient as createWsClient } from "graphql-ws/client";
import { createClient as createSseClient } from "graphql-sse";
import {
  errorFromGraphQL,
  type GraphmindError,
  type GraphQLErrorShape,
  isGraphQLErrorList,
} from "./errors.ts";

/** A typed document: the operation's text, carrying its result and variable types. */
export interface TypedDocument<TResult, TVariables> {
  toString(): string;
  /** Type carrier only; never set. */
  __apiType?: (variables: TVariables) => TResult;
}

/** The result type of a document. */
export type ResultOf<D> = D extends TypedDocument<infer R, unknown> ? R : never;
/** The variables type of a document. */
export type VariablesOf<D> = D extends TypedDocument<unknown, infer V> ? V : never;

/** A bearer token, or a function that returns the current one (called per connection). */
export type TokenSource =
  | string
  | undefined
  | (() => string | undefined | Promise<string | undefined>);

/** Settings shared by every transport. */
export interface TransportOptions {
  /** The GraphQL endpoint, e.g. `http://localhost:8000/graphql`. */
  url: string;
  /** `ws` (default): graphql-ws over a WebSocket. `sse`: graphql-sse over HTTP. */
  transport?: "ws" | "sse";
  token?: TokenSource;
  /** A `fetch` to use instead of the global one (tests, proxies). */
  fetch?: typeof fetch;
  /** A `WebSocket` constructor to use instead of the global one (Node < 22). */
  webSocketImpl?: unknown;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
}

/** The connection failed or closed before the server completed the stream. */
export class TransportDrop extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransportDrop";
  }
}

/** Sends operations and opens subscriptions. */
export interface Transport {
  request<R, V>(document: TypedDocument<R, V>, variables?: V): Promise<R>;
  /** One server stream; `close` (or the iterator's `return`) ends it. */
  subscribe<R, V>(document: TypedDocument<R, V>, variables?: V): Subscription<R>;
  /** Multipart upload (GraphQL multipart request spec) of `files` at the variable paths. */
  upload<R, V>(
    document: TypedDocument<R, V>,
    variables: V,
    files: Record<string, Blob & { name?: string }>,
    onProgress?: (loaded: number, total: number) => void,
  ): Promise<R>;
  close(): Promise<void>;
}

/** A live subscription. */
export interface Subscription<R> extends AsyncIterableIterator<R> {
  /** Stops the stream; a pending `next` resolves as done. */
  close(): void;
}

async function tokenOf(source: TokenSource): Promise<string | undefined> {
  return typeof source === "function" ? await source() : source;
}

/** Creates the transport for `options`. */
export function createTransport(options: TransportOptions): Transport {
  const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  const kind = options.transport ?? "ws";

  async function headers(extra: Record<string, string> = {}): Promise<Record<string, string>> {
    const token = await tokenOf(options.token);
    return {
      ...options.headers,
      ...extra,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    };
  }

  async function request<R, V>(document: TypedDocument<R, V>, variables?: V): Promise<R> {
    let response: Response;
    try {
      response = await fetchFn(options.url, {
        method: "POST",
        headers: await headers({
          "content-type": "application/json",
          accept: "application/graphql-response+json, application/json",
        }),
        body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
      });
    } catch (error) {
      throw new TransportDrop(`Request to ${options.url} failed: ${String(error)}`, {
        cause: error,
      });
    }
    return await parseResponse<R>(response);
  }

  const ws = kind === "ws"
    ? createWsClient({
      url: options.url.replace(/^http/, "ws"),
      lazy: true,
      // The resumable streams reconnect with `after`; graphql-ws retrying on
      // its own would resubscribe with the old arguments and repeat events.
      retryAttempts: 0,
      lazyCloseTimeout: 1000,
      connectionParams: async () => {
        const token = await tokenOf(options.token);
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
    })
    : undefined;
  const sse = kind === "sse"
    ? createSseClient({
      url: options.url,
      singleConnection: false,
      retryAttempts: 0,
      headers: () => headers(),
      fetchFn: fetchFn,
    })
    : undefined;

  function subscribe<R, V>(document: TypedDocument<R, V>, variables?: V): Subscription<R> {
    const payload = {
      query: document.toString(),
      variables: (variables ?? {}) as Record<string, unknown>,
    };
    return pushIterator<R>((sink) => {
      const forward = {
        next: (result: { data?: unknown; errors?: readonly GraphQLErrorShape[] }) => {
          if (result.errors && result.errors.length > 0) {
            sink.error(errorFromGraphQL(result.errors));
          } else sink.next(result.data as R);
        },
        error: (error: unknown) => sink.error(classify(error)),
        complete: () => sink.complete(),
      };
      if (ws) return ws.subscribe(payload, forward);
      return sse!.subscribe(payload, forward);
    });
  }

  async function upload<R, V>(
    document: TypedDocument<R, V>,
    variables: V,
    files: Record<string, Blob & { name?: string }>,
    onProgress?: (loaded: number, total: number) => void,
  ): Promise<R> {
    const form = new FormData();
    const nullified = structuredClone(variables) as Record<string, unknown>;
    const map: Record<string, string[]> = {};
    Object.keys(files).forEach((path, index) => {
      setPath(nullified, path, null);
      map[String(index)] = [`variables.${path}`];
    });
    form.set("operations", JSON.stringify({ query: document.toString(), variables: nullified }));
    form.set("map", JSON.stringify(map));
    Object.values(files).forEach((file, index) => {
      form.set(String(index), file, file.name ?? "upload");
    });
    // yoga's CSRF prevention requires a custom header on multipart requests.
    const sent = await headers({ "x-graphql-yoga-csrf": "1" });
    const XHR = (globalThis as { XMLHttpRequest?: XhrConstructor }).XMLHttpRequest;
    if (onProgress && XHR && !options.fetch) {
      return await uploadWithProgress<R>(XHR, options.url, sent, form, onProgress);
    }
    let response: Response;
    try {
      response = await fetchFn(options.url, { method: "POST", headers: sent, body: form });
    } catch (error) {
      throw new TransportDrop(`Upload to ${options.url} failed: ${String(error)}`, {
        cause: error,
      });
    }
    const result = await parseResponse<R>(response);
    const size = Object.values(files).reduce((sum, file) => sum + file.size, 0);
    onProgress?.(size, size);
    return result;
  }

  return {
    request,
    subscribe,
    upload,
    async close() {
      await ws?.dispose();
      sse?.dispose();
    },
  };
}

/** The data of a GraphQL-over-HTTP response, or its errors as a typed error. */
async function parseResponse<R>(response: Response): Promise<R> {
  const text = await response.text();
  let body: { data?: R; errors?: GraphQLErrorShape[]; error?: string } | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (body?.errors && body.errors.length > 0) {
    throw errorFromGraphQL(body.errors, response.headers.get("retry-after"));
  }
  if (!response.ok || body?.data === undefined) {
    const message = body?.error ?? `HTTP ${response.status}: ${text.slice(0, 200)}`;
    const code = response.status === 429
      ? "RATE_LIMITED"
      : response.status === 503
      ? "UNAVAILABLE"
      : response.status === 401
      ? "UNAUTHENTICATED"
      : response.status === 403
      ? "FORBIDDEN"
      : response.status === 404
      ? "NOT_FOUND"
      : "INTERNAL";
    throw errorFromGraphQL(
      [{ message, extensions: { code } }],
      response.headers.get("retry-after"),
    );
  }
  return body.data;
}

/** The part of browsers' XMLHttpRequest the upload uses (Deno has none). */
interface XhrConstructor {
  new (): {
    open(method: string, url: string): void;
    setRequestHeader(name: string, value: string): void;
    upload: { onprogress: ((event: { loaded: number; total: number }) => void) | null };
    onerror: (() => void) | null;
    onload: (() => void) | null;
    status: number;
    responseText: string;
    getResponseHeader(name: string): string | null;
    send(body: FormData): void;
  };
}

function uploadWithProgress<R>(
  XHR: XhrConstructor,
  url: string,
  headers: Record<string, string>,
  form: FormData,
  onProgress: (loaded: number, total: number) => void,
): Promise<R> {
  return new Promise((resolve, reject) => {
    const xhr = new XHR();
    xhr.open("POST", url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total);
    xhr.onerror = () => reject(new TransportDrop(`Upload to ${url} failed.`));
    xhr.onload = () => {
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { "retry-after": xhr.getResponseHeader("retry-after") ?? "" },
      });
      parseResponse<R>(response).then(resolve, reject);
    };
    xhr.send(form);
  });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split(".");
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}

/**
 * What a subscription's `error` means: the API's errors (a list, as
 * graphql-ws and graphql-sse deliver them) become typed errors; a socket
 * closed with a 44xx code is the server refusing (not retried); an SSE
 * answer of 503 is `UNAVAILABLE`; anything else (a close event, a network
 * error) is a drop.
 */
function classify(error: unknown): GraphmindError | TransportDrop {
  if (isGraphQLErrorList(error)) return errorFromGraphQL(error);
  // graphql-sse rejects a non-2xx answer with the Response and leaves its body
  // unread; a 503 (the API's database is down, or a balancer with no replica)
  // is an outage to wait out for its Retry-After, not a drop to retry at once.
  const response = (error as { response?: unknown } | null)?.response;
  if (response instanceof Response && response.status === 503) {
    return errorFromGraphQL(
      [{
        message: "The API is unavailable (HTTP 503); retry after its Retry-After.",
        extensions: { code: "UNAVAILABLE" },
      }],
      response.headers.get("retry-after"),
    );
  }
  if (typeof error === "object" && error !== null && "code" in error && "reason" in error) {
    const { code, reason } = error as { code: number; reason: string };
    if (code >= 4400 && code < 4500 && code !== 4408 && code !== 4499) {
      return errorFromGraphQL([{
        message: `The server closed the connection: ${code} ${reason}`,
        extensions: { code: code === 4401 || code === 4403 ? "UNAUTHENTICATED" : "BAD_USER_INPUT" },
      }]);
    }
    return new TransportDrop(`The connection closed (${code}${reason ? ` ${reason}` : ""}).`, {
      cause: error,
    });
  }
  return new TransportDrop(
    `The connection failed: ${error instanceof Error ? error.message : String(error)}`,
    { cause: error },
  );
}

/** A sink the transports push into. */
interface Sink<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * An async iterator fed by a push-style subscription (`start` returns its
 * dispose function). Values queue until read; an error is thrown after the
 * values before it.
 */
export function pushIterator<T>(start: (sink: Sink<T>) => () => void): Subscription<T> {
  const queue: T[] = [];
  let failure: { error: unknown } | undefined;
  let done = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  const dispose = start({
    next(value) {
      if (done) return;
      queue.push(value);
      signal();
    },
    error(error) {
      if (done) return;
      failure = { error };
      done = true;
      signal();
    },
    complete() {
      done = true;
      signal();
    },
  });
  function close() {
    if (!done) {
      done = true;
      failure = undefined;
    }
    queue.length = 0;
    dispose();
    signal();
  }
  const iterator: Subscription<T> = {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        if (queue.length > 0) return { value: queue.shift()!, done: false };
        if (failure) {
          const { error } = failure;
          failure = undefined;
          throw error;
        }
        if (done) return { value: undefined, done: true };
        await new Promise<void>((resolve) => wake = resolve);
      }
    },
    return(): Promise<IteratorResult<T>> {
      close();
      return Promise.resolve({ value: undefined, done: true });
    },
    close,
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
