import assert from "node:assert/strict";
import type { AppError } from "../../src/core/errors.ts";
import {
  type ConnectionArgs,
  decodeCursor,
  encodeCursor,
  type KeysetPage,
  seqConnection,
} from "../../src/core/pagination.ts";

// Rows newest first by seq, read the way the stores read them (src/db/sql.ts newestFirst).
const ROWS = Array.from({ length: 7 }, (_, i) => ({ seq: String(i + 1) }));

function read(page: KeysetPage) {
  const kept = ROWS.filter((r) =>
    (page.after === undefined || Number(r.seq) < Number(page.after)) &&
    (page.before === undefined || Number(r.seq) > Number(page.before))
  ).sort((a, b) => (Number(b.seq) - Number(a.seq)) * (page.inverted ? -1 : 1));
  return Promise.resolve(kept.slice(0, page.limit));
}

async function seqs(args: ConnectionArgs) {
  const connection = await seqConnection("row", args, read);
  return { seqs: connection.edges.map((e) => e.node.seq), ...connection.pageInfo };
}

Deno.test("forward pages walk newest first and say whether more follow", async () => {
  const one = await seqs({ first: 3 });
  assert.deepEqual(one.seqs, ["7", "6", "5"]);
  assert.equal(one.hasNextPage, true);
  assert.equal(one.hasPreviousPage, false);
  const two = await seqs({ first: 3, after: one.endCursor });
  assert.deepEqual(two.seqs, ["4", "3", "2"]);
  const three = await seqs({ first: 3, after: two.endCursor });
  assert.deepEqual(three.seqs, ["1"]);
  assert.equal(three.hasNextPage, false);
  assert.equal(three.hasPreviousPage, true);
});

Deno.test("backward pages walk from the oldest end, in list order", async () => {
  const last = await seqs({ last: 3 });
  assert.deepEqual(last.seqs, ["3", "2", "1"]);
  assert.equal(last.hasPreviousPage, true);
  assert.equal(last.hasNextPage, false);
  const back = await seqs({ last: 3, before: last.startCursor });
  assert.deepEqual(back.seqs, ["6", "5", "4"]);
  assert.equal(back.hasNextPage, true);
  const start = await seqs({ last: 3, before: back.startCursor });
  assert.deepEqual(start.seqs, ["7"]);
  assert.equal(start.hasPreviousPage, false);
  // `before` alone pages backwards with the default size.
  assert.deepEqual((await seqs({ before: encodeCursor("row", 3) })).seqs, ["7", "6", "5", "4"]);
  // A window between two cursors, read forwards.
  assert.deepEqual(
    (await seqs({ after: encodeCursor("row", 6), before: encodeCursor("row", 2), first: 10 })).seqs,
    ["5", "4", "3"],
  );
  const empty = await seqs({ last: 2, before: encodeCursor("row", 7) });
  assert.deepEqual([empty.seqs, empty.startCursor, empty.endCursor], [[], null, null]);
});

Deno.test("bad sizes and cursors are BAD_USER_INPUT naming the argument", async () => {
  for (
    const [args, field, message] of [
      [{ first: 0 }, "first", /first must be from 1 to 100; got 0/],
      [{ last: 101 }, "last", /last must be from 1 to 100/],
      [{ first: 1.5 }, "first", /first must be from 1 to 100/],
      [{ first: 1, last: 1 }, "last", /first or last, not both/],
      [{ after: "%%%" }, "after", /Invalid cursor/],
      [{ before: encodeCursor("other", 1) }, "before", /Invalid cursor/],
      [{ after: encodeCursor("row", "1; DROP") }, "after", /Invalid cursor/],
    ] as const
  ) {
    await assert.rejects(seqConnection("row", args, read), (error: AppError) => {
      assert.equal(error.code, "BAD_USER_INPUT");
      assert.equal(error.extensions.field, field);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.equal(decodeCursor("row", encodeCursor("row", 42)), "42");
});
