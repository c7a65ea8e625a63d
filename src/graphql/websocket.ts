/**
 * GraphQL over WebSocket (`graphql-transport-ws`) on `/graphql`.
 *
 * graphql-ws's own Deno adapter closes every socket with 4406 because
 * `socket.protocol` is empty under Deno (graphql-ws#587), so this drives
 * graphql-ws's `makeServer` directly from `Deno.upgradeWebSocket`, passing
 * the subprotocol we negotiated ourselves.
 *
 * @module
 */
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import { type ExecutionArgs, GraphQLError } from "graphql";
import type { GraphQLHandler } from "./yoga.ts";
import type { RequestScope, WebSocketEndpoint } from "../http/request_scope.ts";
import { maskError } from "./errors.ts";
import type { Logger } from "../observability/logger.ts";

/**
 * The close code of a socket whose client stopped reading: more than
 * SUBSCRIPTION_BUFFER_LIMIT_BYTES waited unsent. The reason names the
 * sequence to resume after.
 */
export const SLOW_SUBSCRIBER_CLOSE_CODE = 4008;

/** Live sockets, so shutdown can close them. */
export interface WebSocketTransport extends WebSocketEndpoint {
  /** Closes every open socket with 1001 (going away), naming where to resume. */
  closeAll(): void;
  /** Resolves once every open socket has closed on its own. */
  settled(): Promise<void>;
  readonly openSockets: number;
}

interface Extra {
  request: Request;
  scope: RequestScope;
  /** The last `sequence` sent per open operation id, for a close reason to name. */
  sequences: Map<string, number>;
}

type Enveloped = ReturnType<GraphQLHandler["getEnveloped"]>;

/** What {@linkcode createWebSocketTransport} accepts. */
export interface WebSocketOptions {
  maxMessageBytes?: number;
  maxSocketsPerClient?: number;
  /** Unsent bytes a socket may hold before it is closed as too slow. */
  bufferLimitBytes?: number;
  /** Called once per socket closed as too slow (a metric). */
  onSlowSubscriber?: () => void;
}

/**
 * Creates the WebSocket transport over a yoga instance. yoga's HTTP body
 * limit does not see socket messages, so a message larger than
 * `maxMessageBytes` (the app passes `MAX_REQUEST_BYTES`) closes the socket
 * with 1009, "message too big". Open sockets are counted per client
 * address: past `maxSocketsPerClient` (`WS_MAX_CONNECTIONS_PER_IP`) an
 * upgrade answers 429, since one client holding thousands of idle sockets
 * would exhaust the server's file descriptors for everyone.
 *
 * graphql-ws sends each result as it comes, and a Deno WebSocket buffers
 * what the client does not read without limit (`bufferedAmount`), so a
 * client that stops reading would grow the server's memory by every token
 * of its runs. Past `bufferLimitBytes` (SUBSCRIPTION_BUFFER_LIMIT_BYTES) the
 * socket is closed with {@linkcode SLOW_SUBSCRIBER_CLOSE_CODE} and a reason
 * naming the last sequence sent; nothing more is queued for it.
 */
export function createWebSocketTransport(
  yoga: GraphQLHandler,
  logger: Logger,
  options: WebSocketOptions = {},
): WebSocketTransport {
  const maxMessageBytes = options.maxMessageBytes ?? Infinity;
  const maxSocketsPerClient = options.maxSocketsPerClient ?? Infinity;
  const bufferLimitBytes = options.bufferLimitBytes ?? Infinity;
  const sockets = new Map<WebSocket, Extra>();
  const perClient = new Map<string, number>();
  const release = (address: string) => {
    const left = (perClient.get(address) ?? 1) - 1;
    if (left > 0) perClient.set(address, left);
    else perClient.delete(address);
  };
  const server = makeServer<Record<string, unknown>, Extra>({
    // graphql-ws closes a socket whose ConnectionInit has not arrived within 3 s
    // (4408); a slow network or a busy client needs longer than that.
    connectionInitWaitTimeout: 10_000,
    execute: (args) => (args.rootValue as Enveloped).execute(args),
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    onNext: (ctx, id, _payload, _args, result) => {
      const sequence = sequenceOf(result);
      if (sequence !== undefined) ctx.extra.sequences.set(id, sequence);
    },
    onComplete: (ctx, id) => {
      ctx.extra.sequences.delete(id);
    },
    onSubscribe: async (ctx, _id, payload) => {
      const authorization = ctx.connectionParams?.authorization;
      const scope = ctx.extra.scope;
      const enveloped = yoga.getEnveloped({
        ...scope,
        request: ctx.extra.request,
        connectionAuthorization: typeof authorization === "string" ? authorization : null,
        params: payload,
      });
      try {
        const document = enveloped.parse(payload.query);
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) return errors.map((e: GraphQLError) => maskError(e, scope.logger));
        const args: ExecutionArgs = {
          schema: enveloped.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: await enveloped.contextFactory(),
          rootValue: enveloped,
        };
        return args;
      } catch (error) {
        // Authentication, rate limit and parse failures answer this operation
        // with an error message instead of closing the whole socket.
        return [withoutHttpExtension(maskError(error, scope.logger))];
      }
    },
  });

  return {
    get openSockets() {
      return sockets.size;
    },
    upgrade(request, scope) {
      const protocol = handleProtocols(request.headers.get("sec-websocket-protocol") ?? "");
      if (protocol === false) {
        return new Response("Unsupported WebSocket subprotocol: use graphql-transport-ws.", {
          status: 400,
        });
      }
      const address = scope.clientAddress;
      const held = perClient.get(address) ?? 0;
      if (held >= maxSocketsPerClient) {
        return Response.json({
          error: `Too many WebSocket connections from ${address} (${held}, the limit is ` +
            `${maxSocketsPerClient}); close some, or multiplex subscriptions on one socket.`,
        }, { status: 429 });
      }
      // Counted from the upgrade, not from `open`, so a burst cannot slip past the cap.
      perClient.set(address, held + 1);
      // The upgrade consumes the request; keep a detached copy for resolvers.
      const detached = new Request(request.url, { headers: new Headers(request.headers) });
      let upgraded: ReturnType<typeof Deno.upgradeWebSocket>;
      try {
        upgraded = Deno.upgradeWebSocket(request, { protocol });
      } catch (error) {
        release(address);
        throw error;
      }
      const { socket, response } = upgraded;
      let released = false;
      const releaseOnce = () => {
        if (!released) release(address);
        released = true;
      };
      // A socket that never opens (the client left mid-handshake) must not hold its slot.
      socket.addEventListener("close", releaseOnce);
      socket.addEventListener("error", releaseOnce);
      const extra: Extra = { request: detached, scope, sequences: new Map() };
      socket.onopen = () => {
        sockets.set(socket, extra);
        let ended = false;
        // Ends graphql-ws's operations on the socket, once.
        const end = (code: number, reason: string) => {
          if (ended) return;
          ended = true;
          void closed(code, reason);
        };
        const closed = server.opened({
          protocol,
          send: (data) => {
            if (socket.readyState !== WebSocket.OPEN) return;
            socket.send(data);
            if (socket.bufferedAmount > bufferLimitBytes) {
              // Closing stops graphql-ws from queueing more: its operations end.
              const reason = resumeReason("Subscriber too slow", extra.sequences);
              scope.logger.warn("closing a WebSocket whose client stopped reading", {
                buffered_bytes: socket.bufferedAmount,
                limit_bytes: bufferLimitBytes,
                reason,
              });
              options.onSlowSubscriber?.();
              socket.close(SLOW_SUBSCRIBER_CLOSE_CODE, reason);
              // A client that does not read never answers the close either, so the
              // socket's close event may never come: stop its operations now.
              end(SLOW_SUBSCRIBER_CLOSE_CODE, reason);
            }
          },
          close: (code, reason) => socket.close(code, reason),
          onMessage: (handle) => {
            socket.onmessage = async (event) => {
              const data = String(event.data);
              if (tooLarge(data, maxMessageBytes)) {
                socket.close(1009, `Message larger than ${maxMessageBytes} bytes`);
                return;
              }
              try {
                await handle(data);
              } catch (error) {
                logger.error("WebSocket message failed", { error, request_id: scope.requestId });
                socket.close(CloseCode.InternalServerError, "Internal error");
              }
            };
          },
        }, extra);
        socket.onclose = (event) => {
          sockets.delete(socket);
          end(event.code, event.reason);
        };
      };
      return response;
    },
    closeAll() {
      for (const [socket, extra] of sockets) {
        socket.close(1001, resumeReason("Server shutting down", extra.sequences));
      }
    },
    async settled() {
      while (sockets.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

/** `extensions.http` (status, headers) means nothing on a socket; yoga strips it on HTTP. */
function withoutHttpExtension(error: GraphQLError): GraphQLError {
  if (error.extensions?.http === undefined) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions });
}

/**
 * A close reason naming where to resume: `after=<sequence>` for one open
 * subscription, else a pointer to each one's last sequence (a close reason
 * holds at most 123 bytes).
 */
function resumeReason(why: string, sequences: Map<string, number>): string {
  if (sequences.size === 0) return why;
  if (sequences.size === 1) {
    return `${why}: resume with after=${[...sequences.values()][0]}`;
  }
  return `${why}: resume each subscription with after= its last sequence`;
}

/** The `sequence` of a subscription result whose one root field has one (a run event). */
function sequenceOf(result: { data?: unknown }): number | undefined {
  const data = result.data;
  if (data === null || typeof data !== "object") return undefined;
  for (const value of Object.values(data)) {
    const sequence = (value as { sequence?: unknown } | null)?.sequence;
    if (typeof sequence === "number") return sequence;
  }
  return undefined;
}

const encoder = new TextEncoder();

/** UTF-8 size check that only encodes when the length alone cannot decide. */
function tooLarge(data: string, maxBytes: number): boolean {
  if (data.length > maxBytes) return true;
  return data.length * 3 > maxBytes && encoder.encode(data).length > maxBytes;
}
