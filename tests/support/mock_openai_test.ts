import assert from "node:assert/strict";
import { type MockOpenAI, startMockOpenAI } from "./mock_openai.ts";

async function withMock(
  options: Parameters<typeof startMockOpenAI>[0],
  run: (mock: MockOpenAI) => Promise<void>,
): Promise<void> {
  const mock = await startMockOpenAI(options);
  try {
    await run(mock);
  } finally {
    await mock.close();
  }
}

function chat(mock: MockOpenAI, body: Record<string, unknown>, signal?: AbortSignal) {
  return fetch(`${mock.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test" },
    body: JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hello there" }],
      ...body,
    }),
    ...(signal ? { signal } : {}),
  });
}

/** The `data:` payloads of an SSE body, parsed (except `[DONE]`). */
function events(text: string): unknown[] {
  return text.split("\n\n").filter((e) => e.startsWith("data: ")).map((e) => {
    const data = e.slice("data: ".length);
    return data === "[DONE]" ? data : JSON.parse(data);
  });
}

// deno-lint-ignore no-explicit-any
type Chunk = any;

Deno.test("streams chat.completion.chunk SSE as OpenAI does, recording emit times", async () => {
  await withMock({ tokens: 5 }, async (mock) => {
    const response = await chat(mock, { stream: true, stream_options: { include_usage: true } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    const text = await response.text();
    assert.ok(text.endsWith("data: [DONE]\n\n"));
    const all = events(text);
    assert.equal(all.at(-1), "[DONE]");
    const chunks = all.slice(0, -1) as Chunk[];
    const id = chunks[0].id;
    assert.match(id, /^chatcmpl-/);
    for (const c of chunks) {
      assert.equal(c.object, "chat.completion.chunk");
      assert.equal(c.id, id);
      assert.equal(c.model, "gpt-4o-mini");
    }
    assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "", refusal: null });
    const contents = chunks.slice(1, 6).map((c) => c.choices[0].delta.content);
    assert.deepEqual(contents, [" t0", " t1", " t2", " t3", " t4"]);
    assert.equal(chunks[5].usage, null, "every chunk carries usage: null until the last");
    assert.deepEqual(chunks[6].choices, [{
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: "stop",
    }]);
    assert.deepEqual(chunks[7].choices, []);
    assert.equal(chunks[7].usage.completion_tokens, 5);
    assert.equal(chunks.length, 8);

    const times = mock.emissions.get(id)!;
    assert.equal(times.length, 5);
    assert.ok(times.every((t, i) => i === 0 || t >= times[i - 1]!));
    assert.ok(Math.abs(times[0]! - Date.now()) < 5000, "emit times are epoch milliseconds");
    const [request] = mock.requests;
    assert.equal(request?.id, id);
    assert.equal(request?.state, "completed");
    assert.equal(request?.tokensSent, 5);
    assert.equal(request?.headers.authorization, "Bearer test");
    assert.deepEqual((request?.body?.messages as unknown[])[0], {
      role: "user",
      content: "hello there",
    });
  });
});

Deno.test("without include_usage there is no usage chunk; without stream a chat.completion", async () => {
  await withMock({ tokens: 3 }, async (mock) => {
    const streamed = events(await (await chat(mock, { stream: true })).text()) as Chunk[];
    assert.equal(streamed.length, 1 + 3 + 1 + 1);
    assert.equal(streamed[4].choices[0].finish_reason, "stop");
    assert.ok(!("usage" in streamed[4]));

    const body = await (await chat(mock, {})).json();
    assert.equal(body.object, "chat.completion");
    assert.deepEqual(body.choices[0].message, {
      role: "assistant",
      content: " t0 t1 t2",
      refusal: null,
    });
    assert.equal(body.choices[0].finish_reason, "stop");
    assert.deepEqual(body.usage, { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 });
  });
});

Deno.test("pacing: tokens leave no faster than the per-token delay; scripts override it", async () => {
  await withMock({ tokens: 4, tokenDelayMs: 40 }, async (mock) => {
    mock.script({ kind: "text", text: "fast reply here", tokenDelayMs: 0 });
    const fast = events(await (await chat(mock, { stream: true })).text()) as Chunk[];
    assert.deepEqual(fast.slice(1, 4).map((c) => c.choices[0].delta.content), [
      "fast",
      " reply",
      " here",
    ]);
    await (await chat(mock, { stream: true })).text();
    const times = mock.emissions.get(mock.requests[1]!.id)!;
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 35);
  });
});

Deno.test("scripted tool calls stream ids, names and arguments in pieces", async () => {
  await withMock({}, async (mock) => {
    mock.script({
      kind: "tool_calls",
      calls: [
        { name: "get_weather", arguments: { city: "Paris", unit: "celsius" } },
        { name: "search", arguments: '{"q":"x"}', id: "call_fixed" },
      ],
      argumentChunkSize: 5,
    });
    const chunks = events(await (await chat(mock, { stream: true })).text()) as Chunk[];
    const calls: { id?: string; name?: string; arguments: string }[] = [];
    let pieces = 0;
    for (const c of chunks.slice(0, -1)) {
      for (const d of c.choices[0]?.delta.tool_calls ?? []) {
        calls[d.index] ??= { arguments: "" };
        if (d.id) Object.assign(calls[d.index]!, { id: d.id, name: d.function.name });
        if (d.function.arguments) pieces++;
        calls[d.index]!.arguments += d.function.arguments;
      }
    }
    assert.equal(calls.length, 2);
    assert.match(calls[0]!.id!, /^call_/);
    assert.equal(calls[1]!.id, "call_fixed");
    assert.deepEqual(JSON.parse(calls[0]!.arguments), { city: "Paris", unit: "celsius" });
    assert.deepEqual(calls.map((c) => c.name), ["get_weather", "search"]);
    assert.ok(pieces > 4, "arguments arrive in several deltas");
    assert.equal(chunks.at(-2).choices[0].finish_reason, "tool_calls");
    assert.equal(mock.requests[0]?.reply, "tool_calls");
  });
});

Deno.test("a scripted failure cuts the connection, or sends OpenAI's error event", async () => {
  await withMock({ tokens: 10 }, async (mock) => {
    mock.script({ kind: "fail", afterTokens: 2 }, {
      kind: "fail",
      afterTokens: 1,
      mode: "error_event",
      message: "overloaded",
    });
    const dropped = await chat(mock, { stream: true });
    await assert.rejects(dropped.text());
    assert.equal(mock.requests[0]?.tokensSent, 2);
    assert.equal(mock.requests[0]?.state, "failed");

    const errored = events(await (await chat(mock, { stream: true })).text()) as Chunk[];
    assert.equal(errored[1].choices[0].delta.content, " t0");
    assert.deepEqual(errored.at(-1), {
      error: { message: "overloaded", type: "server_error", param: null, code: null },
    });
    assert.equal(mock.pendingScripts(), 0);
    // The queue is used up: the next reply is the default one.
    assert.equal((await (await chat(mock, {})).json()).object, "chat.completion");
  });
});

Deno.test("a scripted HTTP error answers with OpenAI's error JSON", async () => {
  await withMock({}, async (mock) => {
    mock.script({
      kind: "http_error",
      status: 429,
      message: "Slow down.",
      headers: { "retry-after": "1" },
    });
    const response = await chat(mock, { stream: true });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "1");
    assert.deepEqual(await response.json(), {
      error: { message: "Slow down.", type: "rate_limit_error", param: null, code: null },
    });
  });
});

Deno.test("a client that goes away mid-stream is recorded as disconnected", async () => {
  await withMock({ tokens: 500, tokenDelayMs: 10 }, async (mock) => {
    const abort = new AbortController();
    const response = await chat(mock, { stream: true }, abort.signal);
    const reader = response.body!.getReader();
    await reader.read();
    abort.abort();
    await reader.read().catch(() => {});
    const request = await mock.waitFor((r) => r.state === "disconnected", 3000);
    assert.ok(request.tokensSent < 500);
    assert.ok(request.disconnectedAt! >= request.receivedAt);
  });
});

Deno.test("embeddings are deterministic unit vectors; shared words are closer", async () => {
  await withMock({}, async (mock) => {
    const embed = async (input: unknown, extra: Record<string, unknown> = {}) => {
      const response = await fetch(`${mock.url}/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "text-embedding-3-small", input, ...extra }),
      });
      return { status: response.status, body: await response.json() };
    };
    const one = await embed("I like green tea");
    assert.equal(one.body.object, "list");
    assert.equal(one.body.data[0].embedding.length, 1536);
    assert.deepEqual(one.body.usage, { prompt_tokens: 4, total_tokens: 4 });
    const texts = ["I like green tea", "green tea is nice", "the stock market fell"];
    const many = await embed(texts, { dimensions: 64 });
    const vectors = many.body.data.map((d: { embedding: number[] }) => d.embedding) as number[][];
    assert.deepEqual(many.body.data.map((d: { index: number }) => d.index), [0, 1, 2]);
    const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
    for (const v of vectors) assert.ok(Math.abs(dot(v, v) - 1) < 1e-5);
    assert.ok(dot(vectors[0]!, vectors[1]!) > dot(vectors[0]!, vectors[2]!));
    const again = await embed(texts[0], { dimensions: 64 });
    assert.deepEqual(again.body.data[0].embedding, vectors[0]);

    const base64 = await embed(texts[0], { dimensions: 64, encoding_format: "base64" });
    const bytes = Uint8Array.from(atob(base64.body.data[0].embedding), (c) => c.charCodeAt(0));
    assert.deepEqual(Array.from(new Float32Array(bytes.buffer)), vectors[0]);

    assert.equal((await embed([])).status, 400);
    assert.equal((await embed("x", { dimensions: 0 })).status, 400);
  });
});

Deno.test("models, unknown routes and the optional API key", async () => {
  await withMock({ apiKey: "sk-mock" }, async (mock) => {
    const unauthorized = await fetch(`${mock.url}/models`);
    assert.equal(unauthorized.status, 401);
    assert.equal((await unauthorized.json()).error.code, "invalid_api_key");
    const headers = { authorization: "Bearer sk-mock" };
    const models = await (await fetch(`${mock.url}/models`, { headers })).json();
    assert.deepEqual(models.data.map((m: { id: string }) => m.id), [
      "gpt-4o-mini",
      "text-embedding-3-small",
    ]);
    const missing = await fetch(`${mock.url}/nope`, { headers });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, "unknown_url");
  });
});
