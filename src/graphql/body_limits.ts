/**
 * How large a GraphQL request body may be, by kind: `MAX_REQUEST_BYTES`
 * (1 MiB) for JSON, GET and every other body, and room for one file of
 * `MAX_FILE_SIZE` (10 MB) plus the multipart envelope for
 * multipart/form-data uploads (`uploadDocument`). Yoga's own
 * `maxRequestBodySize` has one limit for all, so it is turned off and this
 * plugin enforces both: by `Content-Length` before any byte is read, and on
 * the stream for chunked bodies, which are cut as soon as they pass the
 * limit.
 *
 * @example
 * ```ts
 * createYoga({ maxRequestBodySize: false, plugins: [useBodyLimits({ json: 1_048_576, multipart: 10_551_296 })] });
 * ```
 * @module
 */
import type { Plugin } from "graphql-yoga";
import { GraphQLError } from "graphql";

/**
 * Bytes a multipart upload may use beyond the file: the `operations` and
 * `map` fields and the part headers. 64 KiB is far more than an upload
 * mutation needs, and keeps a multipart body from smuggling a large query.
 */
export const MULTIPART_ENVELOPE_BYTES = 65_536;

/** The limits, in bytes. */
export interface BodyLimits {
  json: number;
  multipart: number;
}

/** Which limit a request falls under. */
export type BodyKind = keyof BodyLimits;

/** The kind of a request's body, from its content type. */
export function bodyKind(request: Request): BodyKind {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  return request.method === "POST" && type.startsWith("multipart/form-data") ? "multipart" : "json";
}

/** Yoga's multipart parser maps only errors with this prefix to 413 (others to 400). */
const MULTIPART_TOO_LARGE = "File size limit exceeded: ";

/**
 * True for a 413 about an upload. Yoga's multipart parser re-creates the
 * error a cut stream raised and keeps only its message, so the message
 * prefix tells, beside the `bodyKind` extension.
 */
export function isUploadTooLarge(error: GraphQLError): boolean {
  return error.extensions?.bodyKind === "multipart" ||
    error.message.startsWith(MULTIPART_TOO_LARGE);
}

/** The 413 error; useErrorCodes (yoga.ts) turns it into the client's message. */
function tooLarge(kind: BodyKind, limit: number): GraphQLError {
  const prefix = kind === "multipart" ? MULTIPART_TOO_LARGE : "";
  return new GraphQLError(`${prefix}Request body too large`, {
    extensions: {
      http: { status: 413 },
      code: "REQUEST_ENTITY_TOO_LARGE",
      bodyKind: kind,
      maxBytes: limit,
    },
  });
}

/** The envelop plugin enforcing `limits`. */
export function useBodyLimits(limits: BodyLimits): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      const kind = bodyKind(request);
      const limit = limits[kind];
      const length = request.headers.get("content-length");
      if (length !== null) {
        if (!/^\d+$/.test(length)) {
          throw new GraphQLError("Content-Length header is invalid.", {
            extensions: { http: { status: 400 }, code: "BAD_REQUEST" },
          });
        }
        if (Number(length) > limit) throw tooLarge(kind, limit);
      }
      if (requestParser === undefined || request.body === null) return;
      const parse = requestParser;
      setRequestParser((req) => parse(limitStream(req, kind, limit)));
    },
    // The room a multipart body gets is for files only: what the operation
    // carries besides them (query, variables) keeps the JSON limit.
    onParams({ params, request }) {
      if (bodyKind(request) !== "multipart") return;
      const envelope = JSON.stringify(params, (_key, value) => value instanceof Blob ? 0 : value);
      if (envelope.length > limits.json) throw tooLarge("json", limits.json);
    },
  };
}

/** The request with a body that errors once more than `limit` bytes have passed. */
function limitStream(request: Request, kind: BodyKind, limit: number): Request {
  if (request.body === null) return request;
  let read = 0;
  const body = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) controller.error(tooLarge(kind, limit));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    // No `signal`: reading request.signal makes Deno.serve warn about its legacy
    // abort-on-success behaviour, and a dropped client already errors the body stream.
    body,
    // @ts-expect-error: Deno's RequestInit lacks `duplex`, which streamed bodies need elsewhere.
    duplex: "half",
  });
}
