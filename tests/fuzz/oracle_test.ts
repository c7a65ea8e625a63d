/**
 * The fuzzer's own parts can fail: its oracle flags each kind of wrong
 * answer (a deliberately INTERNAL response among them), its row check sees
 * a changed table, its seed replays, and its raw JSON says what a hostile
 * client sends.
 */
import assert from "node:assert/strict";
import { judge, parseEventStream } from "./oracle.ts";
import { diffState, type TableState } from "./table_state.ts";
import { fuzzSeed, seededRandom } from "./random.ts";
import { deepArray, graphqlLiteral, jsonText, RawToken } from "./raw_json.ts";

const json = (body: unknown, status = 200) => ({
  status,
  contentType: "application/json",
  text: JSON.stringify(body),
});
const coded = (code: string) => ({ errors: [{ message: "x", extensions: { code } }], data: null });

Deno.test("oracle: a coded error passes, and is counted by its code", () => {
  assert.deepEqual(judge(json(coded("BAD_USER_INPUT"))), { outcome: "BAD_USER_INPUT" });
  assert.deepEqual(judge(json(coded("NOT_FOUND"), 400)), { outcome: "NOT_FOUND" });
});

Deno.test("oracle: INTERNAL, 5xx, uncoded, unknown codes, data and no error all fail", () => {
  const cases: [ReturnType<typeof json>, string][] = [
    [json(coded("INTERNAL")), "INTERNAL"],
    [json(coded("BAD_USER_INPUT"), 500), "HTTP 5xx"],
    [json(coded("BAD_USER_INPUT"), 503), "HTTP 5xx"],
    [json({ errors: [{ message: "no code" }] }), "uncoded"],
    [json(coded("GRAPHQL_VALIDATION_FAILED")), "GRAPHQL_VALIDATION_FAILED"],
    [json({ data: { createThread: { id: "1" } } }), "accepted"],
    [json({ errors: [], data: { a: 1 } }), "accepted"],
    [json({ ...coded("NOT_FOUND"), data: { thread: { id: "1" } } }), "data"],
    [{ status: 200, contentType: "application/json", text: "<html>" }, "unparsable"],
    [
      json({
        errors: [{
          message: 'syntax error at or near "x"',
          extensions: { code: "BAD_USER_INPUT" },
        }],
      }),
      "leak",
    ],
    [
      json({
        errors: [{
          message: "x",
          extensions: { code: "NOT_FOUND", stack: "at run (file:///src/a.ts:1:2)" },
        }],
      }),
      "leak",
    ],
  ];
  for (const [answer, outcome] of cases) {
    const verdict = judge(answer);
    assert.equal(verdict.outcome, outcome, answer.text);
    assert.ok(verdict.problem, `${answer.text} must be a finding`);
  }
});

const sse = (text: string, ended = true) => ({
  status: 200,
  contentType: "text/event-stream",
  text,
  ended,
});
const next = (payload: unknown) => `event: next\ndata: ${JSON.stringify(payload)}\n\n`;
const complete = "event: complete\ndata:\n\n";

Deno.test("oracle: a stream passes only with a coded error and an end", () => {
  assert.deepEqual(judge(sse(next(coded("BAD_USER_INPUT")) + complete)), {
    outcome: "BAD_USER_INPUT",
  });
  const failing: [ReturnType<typeof sse>, string][] = [
    [sse(next(coded("BAD_USER_INPUT")), false), "stream open"],
    [sse(next(coded("BAD_USER_INPUT"))), "stream open"], // closed without `complete`
    [sse(complete), "accepted"],
    [sse(next({ data: { heartbeat: { sequence: 1 } } }) + complete), "accepted"],
    [sse(next(coded("INTERNAL")) + complete), "INTERNAL"],
  ];
  for (const [answer, outcome] of failing) {
    const verdict = judge(answer);
    assert.equal(verdict.outcome, outcome, answer.text);
    assert.ok(verdict.problem);
  }
});

Deno.test("oracle: event streams parse with CRLF and multi-line data", () => {
  const parsed = parseEventStream(
    'event: next\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: complete\r\n\r\n',
  );
  assert.deepEqual(parsed, { payloads: [{ a: 1 }], completed: true });
});

Deno.test("table state: a new row and a changed row are both seen", () => {
  const before: TableState = new Map([["public.threads", { rows: 1, hash: "a" }]]);
  assert.deepEqual(diffState(before, new Map(before)), []);
  assert.deepEqual(diffState(before, new Map([["public.threads", { rows: 2, hash: "b" }]])), [
    "public.threads: 1 → 2 rows",
  ]);
  assert.deepEqual(diffState(before, new Map([["public.threads", { rows: 1, hash: "c" }]])), [
    "public.threads: rows changed (1 rows)",
  ]);
});

Deno.test("seed: the same seed gives the same choices; FUZZ_SEED must be a number", () => {
  const draw = (seed: number) => {
    const random = seededRandom(seed);
    return [random.next(), random.below(1000), random.uuid(), random.shuffle([1, 2, 3, 4])];
  };
  assert.deepEqual(draw(42), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  assert.equal(fuzzSeed(undefined), fuzzSeed(""));
  assert.equal(fuzzSeed("7"), 7);
  assert.throws(() => fuzzSeed("seven"), /FUZZ_SEED/);
  assert.throws(() => fuzzSeed("-1"), /FUZZ_SEED/);
});

Deno.test("raw JSON: tokens and surrogate escapes reach the body as written", () => {
  assert.equal(jsonText({ n: new RawToken("NaN", "NaN") }), '{"n":NaN}');
  assert.equal(jsonText({ s: "\ud800" }), '{"s":"\\ud800"}');
  assert.equal(jsonText({ d: deepArray(3) }), '{"d":[[[1]]]}');
  assert.equal(graphqlLiteral({ a: [1, "x", null] }), '{a: [1, "x", null]}');
  assert.throws(() => graphqlLiteral({ "\udfff": 1 }), TypeError);
});
