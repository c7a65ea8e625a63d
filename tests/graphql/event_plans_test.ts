/**
 * Subscription events filled from a compiled plan give exactly what
 * graphql-js's execution of the selection set gives: aliases, fragments on
 * the interface and on each type, `__typename`, dates and enums; selections
 * the plan does not cover (directives, nested objects, a null in a non-null
 * field) fall back to graphql-js.
 */
import assert from "node:assert/strict";
import { execute, type ExecutionArgs, parse } from "graphql";
import { schema } from "../../src/graphql/schema.ts";
import { eventResult } from "../../src/graphql/event_plans.ts";

const at = new Date("2026-01-02T03:04:05.678Z");
const base = { id: "r1:1", runId: "r1", sequence: 1, at };
const EVENTS = [
  { ...base, type: "token", text: " t0", messageId: "m1", node: "agent" },
  { ...base, type: "token", text: " t1", messageId: "m1", node: null },
  { ...base, type: "status", status: "pending", error: null, queuePosition: 3 },
  { ...base, type: "status", status: "success", error: null },
  { ...base, type: "status", status: "error", error: "boom" },
  {
    ...base,
    type: "message",
    node: null,
    message: {
      id: "m2",
      role: "user",
      content: "hi",
      toolCalls: [],
      toolCallId: null,
      name: null,
      artifact: null,
    },
  },
  { ...base, type: "state_update", node: "agent", update: { a: [1] } },
  // A null in a non-null field: graphql-js reports the error.
  { ...base, type: "token", text: null, messageId: "m1", node: "agent" },
];

const QUERIES = [
  `subscription($input: SendMessageInput!) { chat(input: $input) {
    __typename ... on TokenEvent { text messageId } ... on RunStatusEvent { status error } } }`,
  `subscription { runEvents(runId: "r1") { kind: __typename sequence id runId at
    ...Tok ... on RunEvent { seq: sequence } ... on RunStatusEvent { status queuePosition }
    ... on MessageEvent { message { id role content } } ... on StateUpdateEvent { node update } } }
   fragment Tok on TokenEvent { text node t2: text }`,
  `subscription($full: Boolean!) { events: runEvents(runId: "r1") {
    __typename ... on TokenEvent { text @include(if: $full) messageId } } }`,
];

Deno.test("events from a plan equal graphql-js's execution of the selection set", async () => {
  for (const query of QUERIES) {
    const args: ExecutionArgs = {
      schema,
      document: parse(query),
      contextValue: {},
      variableValues: { input: { threadId: "t", content: "c" }, full: true },
    };
    for (const event of EVENTS) {
      const expected = await execute({ ...args, rootValue: event });
      const actual = await eventResult(args, event);
      assert.deepEqual(
        JSON.parse(JSON.stringify(actual)),
        JSON.parse(JSON.stringify(expected)),
        `${query}\n${JSON.stringify(event)}`,
      );
    }
  }
});
