/**
 * `followDocument` against a stand-in transport, for servers that ingest in
 * the background (`Document.status`), which the real server does not do yet:
 * it polls until READY and returns the document read again, throws on
 * FAILED, and treats a server without the field as ready on upload.
 */
import assert from "node:assert/strict";
import {
  BadUserInputError,
  errorFromGraphQL,
  followDocument,
  GraphmindError,
  isRetryable,
  type TypedDocument,
  UnavailableError,
} from "../../client/mod.ts";
import type { DocumentFieldsFragment } from "../../client/generated.ts";

const uploaded: DocumentFieldsFragment = {
  id: "doc-1",
  filename: "notes.md",
  title: null,
  mediaType: "text/markdown",
  sizeBytes: 10,
  characters: 0,
  chunkCount: 0,
  createdAt: "2026-01-01T00:00:00Z",
};

/** A transport whose `request` answers status queries from `statuses`, in order. */
function fakeTransport(statuses: (string | Error)[]) {
  const asked: string[] = [];
  return {
    asked,
    transport: {
      request<R, V>(document: TypedDocument<R, V>): Promise<R> {
        const text = document.toString();
        asked.push(/DocumentStatus/.test(text) ? "status" : "document");
        if (/DocumentStatus/.test(text)) {
          const next = statuses.shift()!;
          if (next instanceof Error) return Promise.reject(next);
          return Promise.resolve({ document: { status: next } } as R);
        }
        return Promise.resolve({ document: { ...uploaded, chunkCount: 3 } } as R);
      },
      subscribe: () => {
        throw new Error("not used");
      },
      upload: () => Promise.reject(new Error("not used")),
      close: () => Promise.resolve(),
    },
  };
}

Deno.test("followDocument polls PROCESSING until READY, then reads the document again", async () => {
  const { transport, asked } = fakeTransport(["PROCESSING", "PROCESSING", "READY"]);
  const seen: string[] = [];
  const update = await followDocument(transport, uploaded, {
    initialDelayMs: 1,
    onStatus: (u) => seen.push(u.status),
  });
  assert.deepEqual(seen, ["PROCESSING", "PROCESSING", "READY"]);
  assert.equal(update.followed, true);
  assert.equal(update.document.chunkCount, 3, "the fresh document, not the upload's answer");
  assert.deepEqual(asked, ["status", "status", "status", "document"]);
});

Deno.test("followDocument throws when ingestion FAILED", async () => {
  const { transport } = fakeTransport(["PROCESSING", "FAILED"]);
  await assert.rejects(
    followDocument(transport, uploaded, { initialDelayMs: 1 }),
    (error) => error instanceof GraphmindError && error.code === "DOCUMENT_FAILED",
  );
});

Deno.test("followDocument: a Document without `status` means ready on upload", async () => {
  const refusal = new BadUserInputError([{
    message: 'Cannot query field "status" on type "Document".',
    extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
  }]);
  const { transport } = fakeTransport([refusal]);
  const update = await followDocument(transport, uploaded);
  assert.equal(update.status, "READY");
  assert.equal(update.followed, false);
  assert.equal(update.document, uploaded);
});

Deno.test("followDocument waits out UNAVAILABLE for its retryAfter, then polls on", async () => {
  const outage = errorFromGraphQL(
    [{ message: "database down", extensions: { code: "UNAVAILABLE", retryAfter: 0.05 } }],
    "5",
  );
  assert.ok(outage instanceof UnavailableError && isRetryable(outage));
  assert.equal(outage.retryAfter, 0.05, "extensions win over the header");
  const { transport, asked } = fakeTransport([outage, "READY"]);
  const started = performance.now();
  const update = await followDocument(transport, uploaded, { initialDelayMs: 1 });
  assert.equal(update.status, "READY");
  assert.deepEqual(asked, ["status", "status", "document"]);
  assert.ok(performance.now() - started >= 45, "it waited the retryAfter");
  const fromHeader = errorFromGraphQL([{ message: "x", extensions: { code: "UNAVAILABLE" } }], "7");
  assert.equal((fromHeader as UnavailableError).retryAfter, 7);
});
