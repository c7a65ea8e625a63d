/**
 * The text rule on every string a client sends: control characters other
 * than tab, line feed and carriage return, and unpaired surrogates, are
 * refused wherever they sit, over HTTP and over SSE, before anything runs.
 */
import assert from "node:assert/strict";
import { parse } from "graphql";
import { checkText, findBadText, textError } from "../../src/graphql/text_rules.ts";
import { startTestApp } from "../support/app.ts";

Deno.test("checkText: allows text, tabs and newlines; names the first bad character", () => {
  for (const ok of ["", "plain", "tab\there", "lines\r\n", "emoji 😀", "del \u007f", "\u200b"]) {
    assert.equal(checkText(ok), undefined, JSON.stringify(ok));
  }
  assert.deepEqual(checkText("ab\u0000"), {
    rule: "controlCharacter",
    detail: "control character U+0000 at position 2",
  });
  assert.equal(checkText("\u001b[31m")?.rule, "controlCharacter");
  assert.equal(checkText("\ud800")?.rule, "loneSurrogate");
  assert.equal(checkText("x\udfff")?.detail, "unpaired surrogate U+DFFF at position 1");
  assert.equal(checkText("\ud83d\ude00\ud83d")?.detail, "unpaired surrogate U+D83D at position 2");
});

Deno.test("findBadText: walks keys and values at any depth without recursion", () => {
  assert.equal(findBadText({ a: [1, "ok", { b: true }] }), undefined);
  assert.equal(findBadText({ input: { tags: ["ok", "b\u0007"] } })?.path, "input.tags.1");
  assert.equal(
    findBadText({ input: { "\ud800": 1 } })?.detail,
    "key: unpaired surrogate U+D800 at position 0",
  );
  let deep: unknown = "\u0001";
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(findBadText({ v: deep })?.rule, "controlCharacter");
  assert.equal(findBadText({ file: new File(["\u0000"], "a.txt") }), undefined);
});

Deno.test("textError: literals are checked too", () => {
  const error = textError(parse('{ thread(id: "a\\u0000") { id } }'), {});
  assert.equal(error?.extensions.code, "BAD_USER_INPUT");
  assert.match(error!.message, /string literal: control character U\+0000/);
  assert.equal(textError(parse('{ thread(id: "a") { id } }'), { x: "fine" }), undefined);
});

Deno.test("the app refuses bad text before anything is stored", async () => {
  const app = await startTestApp();
  try {
    const create = "mutation ($t: String) { createThread(input: { title: $t }) { id } }";
    const count = async () =>
      (await app.database.sql`SELECT count(*)::int AS n FROM threads`)[0]!.n as number;
    const before = await count();
    for (const title of ["a\u0000b", "\u0007", "x\ud800"]) {
      const body = await app.graphql(create, { t: title });
      assert.equal(body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(body));
      assert.equal(body.errors?.[0]?.extensions?.field, "t");
    }
    const literal = await app.graphql(
      'mutation { createThread(input: { title: "\\u001b[2J" }) { id } }',
    );
    assert.equal(literal.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.equal(await count(), before);
    // Over SSE the refusal arrives as an event, and the stream ends.
    const response = await app.fetch(
      new Request("http://localhost/graphql", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify({
          query: "subscription ($id: ID!) { runEvents(runId: $id) { sequence } }",
          variables: { id: "run\u0000" },
        }),
      }),
    );
    const text = await response.text();
    assert.match(text, /BAD_USER_INPUT/);
    assert.match(text, /event: complete/);
  } finally {
    await app.close();
  }
});
