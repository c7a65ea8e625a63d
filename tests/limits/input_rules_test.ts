/**
 * The shared input rules: each on its own, then through the real yoga
 * handler (validation plugin, error codes, per-app limits) on a small
 * schema built the way domain schema files use them.
 */
import assert from "node:assert/strict";
import type { Services } from "../../src/services.ts";
import SchemaBuilder from "@pothos/core";
import ValidationPlugin from "@pothos/plugin-validation";
import { createClient as createSseClient } from "graphql-sse";
import { z } from "zod";
import {
  boundedList,
  boundedString,
  currentInputLimits,
  DEFAULT_INPUT_LIMITS,
  id,
  jsonDepth,
  jsonValue,
  messageContent,
  oneOf,
  withInputLimits,
} from "../../src/graphql/input_rules.ts";
import { validationError } from "../../src/core/validation.ts";
import { GraphQLJSON } from "../../src/graphql/scalars.ts";
import type { GraphQLContext } from "../../src/graphql/context.ts";
import { createGraphQLHandler } from "../../src/graphql/yoga.ts";
import { createOriginPolicy } from "../../src/http/origins.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/observability/logger.ts";
import { createMetrics } from "../../src/observability/metrics.ts";
import { createHealthService } from "../../src/health/health.ts";
import { createCache } from "../../src/cache/cache.ts";
import { createRateLimiter } from "../../src/ratelimit/rate_limiter.ts";
import { GENEROUS_RATE_LIMITS } from "../support/rate_limits.ts";
import { badInput } from "../support/tally.ts";

/** The formatted issues of `schema` on `value`, as clients will read them. */
async function rejection(schema: z.ZodType, value: unknown) {
  const result = await schema["~standard"].validate(value);
  assert.ok(result.issues, `${JSON.stringify(value)?.slice(0, 50)} was accepted`);
  return validationError(result as never).extensions.invalidFields as {
    field: string;
    rule: string;
    message: string;
  }[];
}

async function accepts(schema: z.ZodType, value: unknown): Promise<void> {
  const result = await schema["~standard"].validate(value);
  assert.equal(result.issues, undefined, JSON.stringify(result.issues));
}

Deno.test("each rule names itself and says what was sent", async () => {
  const title = boundedString({ max: 5, min: 1 });
  await accepts(title, "hello");
  assert.deepEqual(await rejection(title, "hello!"), [
    {
      field: "input",
      rule: "maxLength",
      message: "must be at most 5 characters, got 6 (maxLength)",
    },
  ]);
  assert.equal((await rejection(title, "   "))[0]?.message, "must not be blank (minLength)");
  const slug = boundedString({
    max: 20,
    pattern: { regex: /^[a-z-]+$/, hint: "lowercase words and dashes" },
  });
  assert.equal(
    (await rejection(slug, "Hi"))[0]?.message,
    "must be lowercase words and dashes (pattern)",
  );

  await accepts(id(), "thr_01HZX:abc-9.z");
  for (const bad of ["", "has space", "-leading", "x".repeat(129), "a/b"]) {
    assert.equal((await rejection(id(), bad))[0]?.rule, "idFormat", bad);
  }
  await accepts(oneOf(["note", "task"]), "task");
  assert.equal(
    (await rejection(oneOf(["note", "task"]), "memo"))[0]?.message,
    'must be one of note, task, got "memo" (oneOf)',
  );
  const tags = boundedList(boundedString({ max: 3 }), { maxItems: 2 });
  assert.equal((await rejection(tags, ["a", "b", "c"]))[0]?.rule, "maxItems");
  assert.deepEqual((await rejection(tags, ["a", "long"])).map((f) => [f.field, f.rule]), [[
    "1",
    "maxLength",
  ]]);
});

Deno.test("message and JSON limits come from the current app's configuration", async () => {
  assert.equal(currentInputLimits(), DEFAULT_INPUT_LIMITS);
  await accepts(messageContent(), "x".repeat(32_000));
  assert.equal((await rejection(messageContent(), "x".repeat(32_001)))[0]?.rule, "maxMessageChars");
  assert.equal((await rejection(messageContent(), " \n "))[0]?.rule, "minLength");
  const small = { maxMessageChars: 4, maxJsonBytes: 10, maxJsonDepth: 2 };
  await withInputLimits(small, async () => {
    assert.equal(
      (await rejection(messageContent(), "hello"))[0]?.message,
      "must be at most 4 characters, got 5 (maxMessageChars)",
    );
    assert.equal(
      (await rejection(jsonValue(), [[[1]]]))[0]?.message,
      "must nest at most 2 levels deep, got 3 (jsonDepth)",
    );
    assert.equal(
      (await rejection(jsonValue(), "0123456789"))[0]?.message,
      "must be at most 10 bytes as JSON, got 12 (jsonBytes)",
    );
    await accepts(jsonValue({ maxDepth: 3, maxBytes: 100 }), [[[1]]]);
  });
  assert.equal((await rejection(jsonValue({ object: true }), [1]))[0]?.rule, "jsonObject");
  assert.equal((await rejection(jsonValue({ object: true }), null))[0]?.rule, "jsonObject");
  // Depth is measured without recursion: a hostile 100 000-deep value is just "too deep".
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(jsonDepth(deep), 100_000);
  assert.equal(jsonDepth({ a: [1, { b: {} }] }), 4);
  assert.equal(jsonDepth("text"), 0);
});

Deno.test("plain zod checks get a rule named after the check", async () => {
  const schema = z.object({
    name: z.string().min(2),
    count: z.number().max(3),
    email: z.email(),
    kind: z.enum(["a", "b"]),
  });
  const fields = await rejection(schema, { name: "x", count: 9, email: "nope", kind: "c" });
  assert.deepEqual(fields.map((f) => [f.field, f.rule]), [
    ["name", "minLength"],
    ["count", "max"],
    ["email", "email"],
    ["kind", "oneOf"],
  ]);
  assert.ok(fields.every((f) => f.message.endsWith(`(${f.rule})`)));
});

/** A schema built the way domain files will use the rules. */
function testSchema(calls: { count: number }) {
  const builder = new SchemaBuilder<{
    Context: GraphQLContext;
    Scalars: { JSON: { Input: unknown; Output: unknown } };
  }>({ plugins: [ValidationPlugin], validation: { validationError } });
  builder.addScalarType("JSON", GraphQLJSON);
  // One z.object on the input type reports every bad field at once; a
  // `validate` on each field would stop at the first failing one (Pothos).
  const PostInput = builder.inputType("PostInput", {
    fields: (t) => ({
      threadId: t.id({ required: true }),
      title: t.string(),
      content: t.string({ required: true }),
      kind: t.string(),
      metadata: t.field({ type: "JSON" }),
      tags: t.stringList(),
    }),
    validate: z.object({
      threadId: id(),
      title: boundedString({ max: 10, min: 1 }).nullish(),
      content: messageContent(),
      kind: oneOf(["note", "task"]).nullish(),
      metadata: jsonValue({ object: true }).nullish(),
      tags: boundedList(boundedString({ max: 5 }), { maxItems: 2 }).nullish(),
    }),
  });
  builder.queryType({ fields: (t) => ({ ok: t.boolean({ resolve: () => true }) }) });
  builder.mutationType({
    fields: (t) => ({
      post: t.string({
        args: { input: t.arg({ type: PostInput, required: true }) },
        resolve: (_root, { input }) => {
          calls.count++;
          return `posted ${input.content.length}`;
        },
      }),
    }),
  });
  builder.subscriptionType({
    fields: (t) => ({
      echo: t.string({
        args: { content: t.arg.string({ required: true, validate: messageContent() }) },
        subscribe: async function* (_root, { content }) {
          calls.count++;
          yield content;
        },
        resolve: (value: string) => value,
      }),
    }),
  });
  return builder.toSchema();
}

function handlerWith(env: Record<string, string>, calls: { count: number }) {
  const config = loadConfig({ ...GENEROUS_RATE_LIMITS, ...env });
  const logger = createLogger({ level: "error", name: "test", write: () => {} });
  const metrics = createMetrics();
  const cache = createCache(config.cache);
  return createGraphQLHandler({
    schema: testSchema(calls),
    // The test schema's resolvers read only the configuration.
    services: {
      config,
      health: createHealthService({ version: "test", probes: [] }),
    } as Partial<Services> as Services,
    logger,
    registry: metrics.registry,
    rateLimiter: createRateLimiter({ cache, config, metrics, logger }),
    origins: createOriginPolicy(config.security.corsOrigins),
  });
}

const POST = "mutation ($input: PostInput!) { post(input: $input) }";

Deno.test("through yoga: every bad field is named with its rule, nothing runs", async () => {
  const calls = { count: 0 };
  const small = handlerWith({ MAX_MESSAGE_CHARS: "20", MAX_JSON_DEPTH: "2" }, calls);
  const large = handlerWith({ MAX_MESSAGE_CHARS: "50" }, calls);
  const post = async (yoga: typeof small, input: Record<string, unknown>) => {
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: POST, variables: { input } }),
    }, {
      requestId: "r",
      logger: createLogger({ level: "error", name: "t", write: () => {} }),
      clientAddress: "unknown",
    });
    return await response.json();
  };

  badInput("post input with six bad fields (seven rules)");
  const body = await post(small, {
    threadId: "../etc/passwd",
    title: "a title that is too long",
    content: "x".repeat(21),
    kind: "memo",
    metadata: { a: { b: { c: 1 } } },
    tags: ["ok", "toolong", "x"],
  });
  assert.equal(body.data?.post ?? null, null);
  const [error] = body.errors;
  assert.equal(error.extensions.code, "BAD_USER_INPUT");
  assert.deepEqual(
    error.extensions.invalidFields.map((f: { field: string; rule: string }) =>
      `${f.field}:${f.rule}`
    ),
    [
      "input.threadId:idFormat",
      "input.title:maxLength",
      "input.content:maxMessageChars",
      "input.kind:oneOf",
      "input.metadata:jsonDepth",
      "input.tags.1:maxLength",
      "input.tags:maxItems",
    ],
  );
  assert.match(error.message, /^Invalid input\. input\.threadId: must be an id/);
  assert.match(
    error.message,
    /input\.content: must be at most 20 characters, got 21 \(maxMessageChars\)/,
  );
  assert.equal(calls.count, 0, "a resolver ran on bad input");

  // The same content is fine for the app configured with 50, even concurrently.
  badInput("message over MAX_MESSAGE_CHARS");
  const content = "y".repeat(30);
  const [tooLong, fine] = await Promise.all([
    post(small, { threadId: "t1", content }),
    post(large, { threadId: "t1", content }),
  ]);
  assert.equal(tooLong.errors?.[0]?.extensions?.invalidFields?.[0]?.rule, "maxMessageChars");
  assert.deepEqual(fine, { data: { post: "posted 30" } });

  badInput("subscription argument over MAX_MESSAGE_CHARS");
  const sse = createSseClient({
    url: "http://localhost/graphql",
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
      small.fetch(new Request(input, init), {
        requestId: "s",
        logger: createLogger({ level: "error", name: "t", write: () => {} }),
        clientAddress: "unknown",
      }),
    retryAttempts: 0,
  });
  const errors = await (async () => {
    for await (
      const result of sse.iterate({ query: `subscription { echo(content: "${"z".repeat(21)}") }` })
    ) {
      return result.errors;
    }
  })().catch((e) => (Array.isArray(e) ? e : [e]));
  sse.dispose();
  assert.equal(errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  assert.equal(errors?.[0]?.extensions?.invalidFields?.[0]?.rule, "maxMessageChars");
  assert.equal(calls.count, 1, "only the good post ran");
});

Deno.test("JSON limits apply to values a literal builds from variables", async () => {
  const calls = { count: 0 };
  const yoga = handlerWith({ MAX_JSON_DEPTH: "2", MAX_JSON_BYTES: "64" }, calls);
  const post = async (variables: Record<string, unknown>) => {
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation ($note: JSON, $text: String) {
          post(input: {threadId: "t1", content: "hi", metadata: {note: $note, text: $text}})
        }`,
        variables,
      }),
    }, {
      requestId: "r",
      logger: createLogger({ level: "error", name: "t", write: () => {} }),
      clientAddress: "unknown",
    });
    return await response.json();
  };
  const rules = (body: { errors?: { extensions: { invalidFields?: { rule: string }[] } }[] }) =>
    body.errors?.[0]?.extensions.invalidFields?.map((f) => f.rule);

  assert.deepEqual(await post({ note: 1, text: "short" }), { data: { post: "posted 2" } });
  badInput("JSON literal made too deep by a variable");
  assert.deepEqual(rules(await post({ note: { a: { b: 1 } } })), ["jsonDepth"]);
  badInput("JSON literal made too large by a variable");
  assert.deepEqual(rules(await post({ text: "x".repeat(100) })), ["jsonBytes"]);
  assert.equal(calls.count, 1, "only the good post ran");
});

Deno.test("bad variables are BAD_USER_INPUT; with introspection off they suggest nothing", async () => {
  const calls = { count: 0 };
  const open = handlerWith({}, calls);
  const locked = handlerWith({ GRAPHQL_INTROSPECTION: "false" }, calls);
  const scope = {
    requestId: "r",
    logger: createLogger({ level: "error", name: "t", write: () => {} }),
    clientAddress: "unknown",
  };
  const post = async (yoga: typeof open) => {
    const response = await yoga.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: POST,
        variables: { input: { threadid: "t1", content: "hi" } },
      }),
    }, scope);
    const { errors } = await response.json();
    assert.ok(
      errors.every((e: { extensions: { code: string } }) => e.extensions.code === "BAD_USER_INPUT"),
    );
    return errors.map((e: { message: string }) => e.message).join("\n") as string;
  };
  badInput("misspelt input field in variables", 2);
  assert.match(await post(open), /Did you mean "threadId"\?/);
  const message = await post(locked);
  assert.match(message, /Field "threadid" is not defined by type "PostInput"\./);
  assert.doesNotMatch(message, /Did you mean/);
  assert.equal(calls.count, 0);
});
