/**
 * Asynchronous ingest: `uploadDocument` answers PROCESSING without waiting
 * for the parse and the embeddings; the `document.ingest` job makes it
 * READY (progress only ever rising, followed over the real `documentStatus`
 * subscription on SSE and WebSocket), another user's id is NOT_FOUND, a
 * document deleted while PROCESSING stops its ingest cleanly, and an ingest
 * whose worker died is taken over by another replica once the lease lapses.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { startTenants } from "../support/tenants.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { fileOf, prose } from "./fixtures.ts";
import { countRows, serve, settle, settled, uploadOver, type WatchedDocument } from "./support.ts";
import { createJobStore } from "../../src/queue/job_store.ts";
import { INGEST_KIND } from "../../src/documents/ingest.ts";
import type { Viewer } from "../../src/auth/mod.ts";

const local = await localPostgres();
const viewer = (id: string): Viewer => ({ id, roles: ["user"], anonymous: false });
const STATUS = `subscription ($id: ID!) {
  documentStatus(id: $id) { id status progress error chunkCount }
}`;

/** About 1.5 MB of text: over a thousand passages, so several embedding batches. */
const BIG = prose(1_500_000);

function assertRising(states: WatchedDocument[]): void {
  for (let i = 1; i < states.length; i++) {
    assert.ok(
      states[i]!.progress > states[i - 1]!.progress ||
        states[i]!.status !== states[i - 1]!.status,
      `progress rises: ${JSON.stringify(states.map((s) => [s.status, s.progress]))}`,
    );
  }
}

Deno.test("uploadDocument answers PROCESSING at once; the job makes it READY with rising progress", async () => {
  const app = await startTestApp({ LANGMEM_EMBEDDING_DIMS: "64" });
  const server = serve(app.fetch);
  try {
    const started = performance.now();
    const { status, body } = await uploadOver(server.url, fileOf("big.txt", BIG));
    const answeredMs = performance.now() - started;
    assert.equal(status, 200, JSON.stringify(body.errors));
    const accepted = body.data?.uploadDocument as { id: string; chunkCount: number };
    assert.equal(accepted.chunkCount, 0, "nothing embedded when the upload answers");
    const read = await app.graphql(
      "query ($id: ID!) { document(id: $id) { status progress error } }",
      { id: accepted.id },
    );
    assert.equal((read.data?.document as { status: string }).status, "PROCESSING");
    assert.equal((read.data?.document as { error: null }).error, null);
    // Not searchable while PROCESSING.
    assert.deepEqual(await app.documents.search("local", "river market"), []);

    const states = await settle(app, "local", accepted.id);
    const readyMs = performance.now() - started;
    const final = states.at(-1)!;
    assert.equal(final.status, "READY");
    assert.equal(final.progress, 1);
    assert.ok(final.chunkCount > 1000, `chunks: ${final.chunkCount}`);
    // The answer came before the ingest ended (it was PROCESSING when read back, above).
    assert.ok(answeredMs < readyMs, `answered in ${answeredMs} ms, READY in ${readyMs} ms`);
    assert.ok(states.slice(0, -1).every((s) => s.status === "PROCESSING"));
    assert.ok(
      states.some((s) => s.progress > 0 && s.progress < 1),
      `progress in between: ${JSON.stringify(states.map((s) => s.progress))}`,
    );
    assertRising(states);
    assert.ok((await app.documents.search("local", "river market")).length > 0);
    const [uploads] = await app.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM document_uploads`;
    assert.equal(uploads?.n, 0, "the stored file is dropped once READY");
    const starts = app.logs.filter((l) => l.event === "job_start" && l.kind === INGEST_KIND);
    assert.equal(starts.length, 1);
    assert.equal(starts[0]!.attempt, 1);
  } finally {
    await server.stop();
    await app.close();
  }
});

Deno.test("documentStatus streams a document to READY over SSE and WebSocket; another user's id is NOT_FOUND", async () => {
  const tenants = await startTenants({ LANGMEM_EMBEDDING_DIMS: "64" });
  try {
    const { app } = tenants;
    const alice = viewer(tenants.alice.id);
    const small = await app.documents.upload(alice, {
      file: new File(["The lighthouse keeper logs every ship."], "log.txt"),
    });
    const big = await app.documents.upload(alice, { file: fileOf("big.txt", BIG) });
    // Both transports follow the big one from PROCESSING to the end, then complete.
    const [sse, ws] = await Promise.all([
      tenants.run("sse", "alice", STATUS, { id: big.id }, { take: 1000 }),
      tenants.run("ws", "alice", STATUS, { id: big.id }, { take: 1000 }),
    ]);
    for (const results of [sse, ws]) {
      assert.ok(results.every((r) => r.errors === undefined), JSON.stringify(results));
      const states = results.map((r) => r.data?.documentStatus as WatchedDocument);
      assert.equal(states.at(-1)?.status, "READY");
      assert.equal(states.at(-1)?.progress, 1);
      assertRising(states);
    }
    // A finished document: its state once, then the stream completes.
    await settled(app, alice.id, small.id);
    const done = await tenants.run("sse", "alice", STATUS, { id: small.id }, { take: 1000 });
    assert.equal(done.length, 1);
    assert.equal((done[0]!.data?.documentStatus as WatchedDocument).status, "READY");

    await tenants.attempt("documentStatus of another user's document", {
      as: "bob",
      query: STATUS,
      variables: { id: big.id },
      transports: ["sse", "ws"],
    });
    await assert.rejects(
      app.documents.watch(viewer(tenants.bob.id), big.id),
      (error: Error) => error.name === "NotFoundError" || /was not found/.test(error.message),
    );
  } finally {
    await tenants.close();
  }
});

Deno.test("deleting a PROCESSING document stops its ingest: no chunks, the job ends, watchers end", async () => {
  const app = await startTestApp({ LANGMEM_EMBEDDING_DIMS: "64" });
  try {
    const owner = viewer("deleter");
    const doc = await app.documents.upload(owner, { file: fileOf("big.txt", BIG) });
    const watching = settle(app, owner.id, doc.id);
    const [job] = await app.database.sql<{ id: string }[]>`
      SELECT id::text AS id FROM jobs WHERE payload->>'documentId' = ${doc.id}`;
    await app.documents.remove(owner, doc.id);
    const states = await watching;
    assert.ok(states.every((s) => s.status === "PROCESSING"), JSON.stringify(states));
    assert.ok(await app.jobs.settled([job!.id], 60_000));
    const [row] = await app.jobs.find([job!.id]);
    assert.equal(row?.status, "done", "the job found nothing left to do");
    assert.deepEqual(await countRows(app.database.sql), { documents: 0, chunks: 0 });
    const [uploads] = await app.database.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM document_uploads`;
    assert.equal(uploads?.n, 0);
  } finally {
    await app.close();
  }
});

Deno.test({
  name: "an ingest whose worker died is taken over by another replica after the lease; " +
    "a subscriber on the first replica sees it READY",
  ignore: local.ignore,
  async fn() {
    const database = await createThrowawayDatabase();
    const env = {
      DATABASE_URL: database.url,
      JOB_LEASE_SECONDS: "1",
      LANGMEM_EMBEDDING_DIMS: "64",
    };
    const first = await startTestApp(env);
    let second: Awaited<ReturnType<typeof startTestApp>> | undefined;
    try {
      // Replica one stops claiming, then a worker claims the ingest and dies.
      await first.jobs.close();
      const owner = viewer("survivor");
      const doc = await first.documents.upload(owner, {
        file: new File(["The ferry leaves at dawn.\n\nThe harbour closes at dusk."], "ferry.txt"),
      });
      const [claimed] = await createJobStore(first.database.sql).claim({
        workerId: "replica-that-died",
        limit: 1,
        leaseMs: 1000,
        kinds: [INGEST_KIND],
      });
      assert.equal(claimed?.payload.documentId, doc.id);
      const watching = settle(first, owner.id, doc.id);

      second = await startTestApp(env);
      const final = (await watching).at(-1)!;
      assert.equal(final.status, "READY", JSON.stringify(final));
      assert.equal(final.chunkCount, 1);
      const starts = second.logs.filter((l) => l.event === "job_start" && l.kind === INGEST_KIND);
      assert.equal(starts.length, 1);
      assert.equal(starts[0]!.job_id, claimed!.id);
      assert.equal(starts[0]!.attempt, 2);
      // The dead claim can no longer write: its lease was taken over.
      const store = createJobStore(first.database.sql);
      assert.equal(await store.complete(first.database.sql, claimed!), false);
      const [chunks] = await first.database.sql<{ n: number }[]>`
        SELECT count(*)::int AS n FROM document_chunks WHERE document_id = ${doc.id}`;
      assert.equal(chunks?.n, 1, "stored once");
    } finally {
      await second?.close();
      await first.close();
      await database.drop();
    }
  },
});
