/**
 * The bare stack the streaming benchmark compares Graphmind with: the same
 * libraries (graphql-yoga, Pothos, LangGraph, `ChatOpenAI`, graphql-ws) put
 * together the plain way, with no product features: no database, auth, rate
 * limits, metrics, logs, durable event log or run queue. It is what the chosen
 * libraries cost, so a ratio against it on the same machine says what
 * Graphmind adds.
 *
 * It serves the subset of Graphmind's schema the benchmark's clients use:
 * `createThread { id }`, and `chat(input: {threadId, content})` streaming
 * `RunStatusEvent { status error }` (RUNNING, then the end) around
 * `TokenEvent { text messageId node }` from LangGraph's `messages` stream
 * mode, over SSE (yoga's own) and WebSocket (`graphql-transport-ws`).
 *
 * Run: `OPENAI_BASE_URL=http://127.0.0.1:9999/v1 PORT=0 deno run -A bench/baseline/server.ts`;
 * it prints `{"message":"listening","port":…}` and answers `GET /health`.
 *
 * @module
 */
import SchemaBuilder from "@pothos/core";
import { createYoga } from "graphql-yoga";
import { handleProtocols, makeServer } from "graphql-ws";
import { ChatOpenAI } from "@langchain/openai";
import { HumanMessage } from "@langchain/core/messages";
import { MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";

type Event =
  | { type: "token"; sequence: number; text: string; messageId: string; node: string }
  | {
    type: "status";
    sequence: number;
    status: "RUNNING" | "SUCCESS" | "ERROR";
    error: string | null;
  };

const model = new ChatOpenAI({
  apiKey: Deno.env.get("OPENAI_API_KEY") ?? "sk-baseline",
  model: "gpt-4o-mini",
  streaming: true,
  configuration: { baseURL: Deno.env.get("OPENAI_BASE_URL") },
});
const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
  .addEdge(START, "agent")
  .compile({ checkpointer: new MemorySaver() });

/** Runs one chat turn on the thread and yields its events. */
async function* chat(threadId: string, content: string): AsyncGenerator<Event> {
  let sequence = 0;
  yield { type: "status", sequence: ++sequence, status: "RUNNING", error: null };
  try {
    const stream = await graph.stream({ messages: [new HumanMessage(content)] }, {
      configurable: { thread_id: threadId },
      streamMode: "messages",
    });
    for await (const [chunk, metadata] of stream) {
      const text = typeof chunk.content === "string" ? chunk.content : "";
      if (text.length === 0) continue;
      const node = String(metadata.langgraph_node ?? "");
      yield { type: "token", sequence: ++sequence, text, messageId: chunk.id ?? "", node };
    }
    yield { type: "status", sequence: ++sequence, status: "SUCCESS", error: null };
  } catch (error) {
    yield { type: "status", sequence: ++sequence, status: "ERROR", error: String(error) };
  }
}

const builder = new SchemaBuilder<{ DefaultFieldNullability: false }>({
  defaultFieldNullability: false,
});
const RunEventRef = builder.interfaceRef<Event>("RunEvent").implement({
  resolveType: (event) => event.type === "token" ? "TokenEvent" : "RunStatusEvent",
  fields: (t) => ({ sequence: t.exposeInt("sequence") }),
});
builder.objectRef<Extract<Event, { type: "token" }>>("TokenEvent").implement({
  interfaces: [RunEventRef],
  fields: (t) => ({
    text: t.exposeString("text"),
    messageId: t.exposeID("messageId"),
    node: t.exposeString("node", { nullable: true }),
  }),
});
const RunStatus = builder.enumType("RunStatus", { values: ["RUNNING", "SUCCESS", "ERROR"] });
builder.objectRef<Extract<Event, { type: "status" }>>("RunStatusEvent").implement({
  interfaces: [RunEventRef],
  fields: (t) => ({
    status: t.field({ type: RunStatus, resolve: (e) => e.status }),
    error: t.exposeString("error", { nullable: true }),
  }),
});
const ThreadRef = builder.objectRef<{ id: string }>("Thread").implement({
  fields: (t) => ({ id: t.exposeID("id") }),
});
const SendMessageInput = builder.inputType("SendMessageInput", {
  fields: (t) => ({ threadId: t.id({ required: true }), content: t.string({ required: true }) }),
});
const CreateThreadInput = builder.inputType("CreateThreadInput", {
  fields: (t) => ({ title: t.string() }),
});
builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
builder.mutationType({
  fields: (t) => ({
    createThread: t.field({
      type: ThreadRef,
      args: { input: t.arg({ type: CreateThreadInput }) },
      resolve: () => ({ id: crypto.randomUUID() }),
    }),
  }),
});
builder.subscriptionType({
  fields: (t) => ({
    chat: t.field({
      type: RunEventRef,
      args: { input: t.arg({ type: SendMessageInput, required: true }) },
      subscribe: (_root, { input }) => chat(String(input.threadId), input.content),
      resolve: (event) => event,
    }),
  }),
});

const yoga = createYoga({ schema: builder.toSchema(), logging: false, landingPage: false });
type Enveloped = ReturnType<typeof yoga.getEnveloped>;
// yoga's recipe for graphql-ws: each operation gets its own envelope and context.
const ws = makeServer<Record<string, unknown>, { request: Request }>({
  execute: (args) => (args.rootValue as Enveloped).execute(args),
  subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
  onSubscribe: async (ctx, _id, params) => {
    const enveloped = yoga.getEnveloped({ request: ctx.extra.request, params });
    const document = enveloped.parse(params.query);
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return errors;
    return {
      schema: enveloped.schema,
      document,
      operationName: params.operationName ?? null,
      variableValues: params.variables ?? null,
      contextValue: await enveloped.contextFactory(),
      rootValue: enveloped,
    };
  },
});

function upgrade(request: Request): Response {
  const protocol = handleProtocols(request.headers.get("sec-websocket-protocol") ?? "");
  if (protocol === false) return new Response("Use graphql-transport-ws.", { status: 400 });
  const { socket, response } = Deno.upgradeWebSocket(request, { protocol });
  socket.onopen = () => {
    const closed = ws.opened({
      protocol,
      send: (data) => socket.readyState === WebSocket.OPEN ? socket.send(data) : undefined,
      close: (code, reason) => socket.close(code, reason),
      onMessage: (handle) => socket.onmessage = (event) => handle(String(event.data)),
    }, { request });
    socket.onclose = (event) => closed(event.code, event.reason);
  };
  return response;
}

Deno.serve({
  hostname: Deno.env.get("HOST") ?? "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 8001),
  onListen: ({ port }) => console.log(JSON.stringify({ message: "listening", port })),
}, (request) => {
  if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return upgrade(request);
  if (new URL(request.url).pathname === "/health") return Response.json({ status: "ok" });
  return yoga.fetch(request);
});

// Exit normally on SIGTERM, so `--cpu-prof` writes its profile.
Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
