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

/** Live sockets, so shutdown can close them. */
export interface WebSocketTransport extends WebSocketEndpoint {
  /** Closes every open socket with 1001 (going away). */
  closeAll(): void;
  /** Resolves once every open socket has closed on its own. */
  settled(): Promise<void>;
  readonly openSockets: number;
}

interface Extra {
  request: Request;
  scope: RequestScope;
}

type Enveloped = ReturnType<GraphQLHandler["getEnveloped"]>;

/**
 * Creates the WebSocket transport over a yoga instance. yoga's HTTP body
 * limit does not see socket messages, so a message larger than
 * `maxMessageBytes` (the app passes `MAX_REQUEST_BYTES`) closes the socket
 * with 1009, "message too big". Open sockets are counted per client
 * address: past `maxSocketsPerClient` (`WS_MAX_CONNECTIONS_PER_IP`) an
 * upgrade answers 429, since one client holding thousands of idle sockets
 * would exhaust the server's file descriptors for everyone.
 */
export function createWebSocketTransport(
  yoga: GraphQLHandler,
  logger: Logger,
  options: { maxMessageBytes?: number; maxSocketsPerClient?: number } = {},
): WebSocketTransport {
  const maxMessageBytes = options.maxMessageBytes ?? Infinity;
  const maxSocketsPerClient = options.maxSocketsPerClient ?? Infinity;
  const sockets = new Set<WebSocket>();
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
      socket.onopen = () => {
        sockets.add(socket);
        const closed = server.opened({
          protocol,
          send: (data) => {
            if (socket.readyState === WebSocket.OPEN) socket.send(data);
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
        }, { request: detached, scope });
        socket.onclose = (event) => {
          sockets.delete(socket);
          closed(event.code, event.reason);
        };
      };
      return response;
    },
    closeAll() {
      for (const socket of sockets) socket.close(1001, "Server shutting down");
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

const encoder = new TextEncoder();

/** UTF-8 size check that only encodes when the length alone cannot decide. */
function tooLarge(data: string, maxBytes: number): boolean {
  if (data.length > maxBytes) return true;
  return data.length * 3 > maxBytes && encoder.encode(data).length > maxBytes;
}
