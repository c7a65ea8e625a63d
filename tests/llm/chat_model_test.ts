/**
 * createChatModel with the real @langchain/openai client against the mock
 * OpenAI server, and the offline model.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type AIMessageChunk, HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod";
import { loadConfig } from "../../src/config.ts";
import { createChatModel, isOffline, modelName } from "../../src/llm/chat_model.ts";
import { OFFLINE_MODEL_NAME, OfflineChatModel } from "../../src/llm/offline_chat_model.ts";
import { type MockOpenAI, startMockOpenAI } from "../support/mock_openai.ts";

async function withMock(
  options: Parameters<typeof startMockOpenAI>[0],
  run: (mock: MockOpenAI, llm: ReturnType<typeof loadConfig>["llm"]) => Promise<void>,
): Promise<void> {
  const mock = await startMockOpenAI(options);
  try {
    const { llm } = loadConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: mock.url,
      DEFAULT_MODEL: "gpt-4o-mini",
      MAX_TOKENS: "321",
      TEMPERATURE: "0.5",
    });
    await run(mock, llm);
  } finally {
    await mock.close();
  }
}

Deno.test("OPENAI_BASE_URL and OPENAI_API_KEY point ChatOpenAI at the server", async () => {
  await withMock({ tokens: 3 }, async (mock, llm) => {
    assert.equal(isOffline(llm), false);
    assert.equal(modelName(llm, { model: "gpt-4.1" }), "gpt-4.1");
    const reply = await createChatModel(llm, { model: "gpt-4.1" }).invoke("hello");
    assert.equal(reply.content, " t0 t1 t2");
    assert.equal(mock.requests.length, 1);
    const request = mock.requests[0]!;
    assert.equal(request.path, "/v1/chat/completions");
    assert.equal(request.headers.authorization, "Bearer sk-test");
    assert.equal(request.body?.model, "gpt-4.1");
    assert.equal(request.body?.temperature, 0.5);
    assert.ok(request.body?.max_tokens === 321 || request.body?.max_completion_tokens === 321);
    // invoke() reads the provider's usage instead of estimating it with
    // tiktoken, which would fetch encodings from the internet.
    assert.ok(request.body?.stream !== true);
    assert.equal(reply.usage_metadata?.output_tokens, 3);
  });
});

Deno.test("a LangGraph run in messages mode streams the model's tokens as deltas", async () => {
  await withMock({ tokens: 12 }, async (mock, llm) => {
    const model = createChatModel(llm);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addEdge(START, "agent")
      .compile();
    const tokens: string[] = [];
    const stream = await graph.stream({ messages: [new HumanMessage("hi")] }, {
      streamMode: "messages",
    });
    for await (const [message] of stream) {
      if (message.text) tokens.push(message.text);
    }
    assert.deepEqual(tokens, Array.from({ length: 12 }, (_, i) => ` t${i}`));
    assert.equal(mock.requests[0]?.body?.stream, true);
  });
});

Deno.test("streamed tokens arrive as deltas, in order, with usage at the end", async () => {
  await withMock({ tokens: 50 }, async (mock, llm) => {
    const texts: string[] = [];
    let whole: AIMessageChunk | undefined;
    for await (const chunk of await createChatModel(llm).stream([new HumanMessage("hi")])) {
      if (chunk.text !== "") texts.push(chunk.text);
      whole = whole === undefined ? chunk : whole.concat(chunk);
    }
    assert.deepEqual(texts, Array.from({ length: 50 }, (_, i) => ` t${i}`));
    assert.equal(whole?.usage_metadata?.output_tokens, 50);
    assert.equal(whole?.id, mock.requests[0]?.id, "the message id is the completion id");
    assert.deepEqual(
      (mock.requests[0]?.body?.stream_options as Record<string, unknown>)?.include_usage,
      true,
    );
  });
});

Deno.test("scripted tool calls are parsed into tool_calls", async () => {
  await withMock({}, async (mock, llm) => {
    const calls = [
      { name: "get_weather", arguments: { city: "Paris" } },
      { name: "get_weather", arguments: { city: "Oslo" }, id: "call_oslo" },
    ];
    mock.script({ kind: "tool_calls", calls, argumentChunkSize: 3 }, { kind: "tool_calls", calls });
    const getWeather = tool(({ city }) => `sunny in ${city}`, {
      name: "get_weather",
      description: "The weather in a city.",
      schema: z.object({ city: z.string() }),
    });
    const model = createChatModel(llm).bindTools!([getWeather]);
    let streamed: AIMessageChunk | undefined;
    for await (const chunk of await model.stream("weather in Paris and Oslo?")) {
      streamed = streamed === undefined ? chunk : streamed.concat(chunk);
    }
    const invoked = await model.invoke("weather in Paris and Oslo?");
    for (const [index, reply] of [streamed!, invoked].entries()) {
      const request = mock.requests[index]!;
      assert.equal(request.body?.stream === true, index === 0, "the first one streamed");
      assert.deepEqual(reply.tool_calls?.map(({ name, args, id }) => ({ name, args, id })), [
        { name: "get_weather", args: { city: "Paris" }, id: `call_${request.id.slice(9)}_0` },
        { name: "get_weather", args: { city: "Oslo" }, id: "call_oslo" },
      ]);
      const sent = request.body?.tools as { function: { name: string } }[];
      assert.equal(sent[0]?.function.name, "get_weather");
    }
  });
});

Deno.test("a provider failure mid-stream rejects the stream after the partial tokens", async () => {
  await withMock({ tokens: 20 }, async (mock, llm) => {
    // Each failure waits until the client holds the tokens sent before it: a
    // failing stream discards chunks its reader has not taken yet, so without
    // this a loaded machine could deliver the failure first.
    const cases = [
      { tokens: 3, delivered: Promise.withResolvers<void>() },
      { tokens: 2, delivered: Promise.withResolvers<void>() },
    ];
    mock.script(
      { kind: "fail", afterTokens: 3, until: cases[0]!.delivered.promise },
      {
        kind: "fail",
        afterTokens: 2,
        mode: "error_event",
        message: "The model is overloaded.",
        until: cases[1]!.delivered.promise,
      },
    );
    const at = `The model provider at ${new URL(mock.url).host}`;
    const expected = [
      `${at} broke off after 4 streamed chunks: error reading a body from connection`,
      `${at} broke off after 3 streamed chunks: The model is overloaded.`,
    ];
    for (const [i, { tokens, delivered }] of cases.entries()) {
      const received: string[] = [];
      // A stream that never fails would time out here instead of passing.
      const timer = setTimeout(() => delivered.reject(new Error("tokens never arrived")), 5000);
      await assert.rejects(async () => {
        for await (const chunk of await createChatModel(llm).stream("hi")) {
          if (chunk.text) received.push(chunk.text);
          if (received.length === tokens) delivered.resolve();
        }
      }, (error: Error) => {
        assert.equal(error.name, "ModelProviderError");
        assert.equal(error.message, expected[i]);
        return true;
      });
      clearTimeout(timer);
      assert.deepEqual(received, [" t0", " t1", " t2"].slice(0, tokens));
    }
    assert.equal(mock.requests.length, 2, "no retry replays tokens");
  });
});

Deno.test("an HTTP error from the provider rejects once, with its status", async () => {
  await withMock({}, async (mock, llm) => {
    mock.script({ kind: "http_error", status: 429, message: "Rate limit reached." });
    await assert.rejects(
      createChatModel(llm).invoke("hi"),
      (error: Error & { status?: number }) => {
        assert.match(error.message, /Rate limit reached/);
        return true;
      },
    );
    assert.equal(mock.requests.length, 1);
  });
});

Deno.test("an AbortSignal stops the HTTP request: the provider sees the disconnect", async () => {
  await withMock({ tokens: 1000, tokenDelayMs: 5 }, async (mock, llm) => {
    const abort = new AbortController();
    let received = 0;
    await assert.rejects(async () => {
      const stream = await createChatModel(llm).stream("hi", { signal: abort.signal });
      for await (const chunk of stream) {
        if (chunk.text && ++received === 3) abort.abort();
      }
    }, /abort/i);
    const request = await mock.waitFor((r) => r.state === "disconnected", 3000);
    assert.ok(request.tokensSent < 1000, `sent ${request.tokensSent} of 1000`);
  });
});

Deno.test("aborting a LangGraph run's signal reaches the model's HTTP request", async () => {
  await withMock({ tokens: 1000, tokenDelayMs: 5 }, async (mock, llm) => {
    const model = createChatModel(llm);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("agent", async (state) => ({ messages: [await model.invoke(state.messages)] }))
      .addEdge(START, "agent")
      .compile();
    const abort = new AbortController();
    let received = 0;
    await assert.rejects(async () => {
      const stream = await graph.stream({ messages: [new HumanMessage("hi")] }, {
        streamMode: "messages",
        signal: abort.signal,
      });
      for await (const [message] of stream) {
        if (message.text && ++received === 3) abort.abort();
      }
    }, /abort/i);
    const request = await mock.waitFor((r) => r.state === "disconnected", 3000);
    assert.ok(request.tokensSent < 1000, `sent ${request.tokensSent} of 1000`);
  });
});

Deno.test("without a key the offline model is used, deterministic and streaming", async () => {
  const llm = loadConfig({}).llm;
  assert.equal(isOffline(llm), true);
  assert.equal(modelName(llm, { model: "gpt-4.1" }), OFFLINE_MODEL_NAME);
  const model = createChatModel(llm);
  assert.ok(model instanceof OfflineChatModel);
  const fast = new OfflineChatModel({ tokenDelayMs: 0 });
  const conversation = [new HumanMessage("What is   LangGraph?")];
  const first = await fast.invoke(conversation);
  const second = await fast.invoke(conversation);
  assert.equal(first.content, second.content);
  assert.match(String(first.content), /You said: "What is LangGraph\?"/);
  const chunks: string[] = [];
  for await (const chunk of await fast.stream(conversation)) chunks.push(chunk.text);
  assert.ok(chunks.length > 5, "the reply streams word by word");
  assert.equal(chunks.join(""), first.content);
  const later = await fast.invoke([...conversation, first, new HumanMessage("And then?")]);
  assert.notEqual(later.content, first.content);
});

Deno.test("the offline model stops streaming when its signal aborts", async () => {
  const model = new OfflineChatModel({ tokenDelayMs: 20 });
  const abort = new AbortController();
  const received: string[] = [];
  const started = performance.now();
  await assert.rejects(async () => {
    for await (const chunk of await model.stream("tell me everything", { signal: abort.signal })) {
      received.push(chunk.text);
      if (received.length === 2) abort.abort();
    }
  });
  assert.equal(received.length, 2);
  assert.ok(performance.now() - started < 1000);
});
