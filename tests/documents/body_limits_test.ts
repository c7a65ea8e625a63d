/**
 * The request-size guard on /graphql: a multipart upload of up to
 * MAX_FILE_SIZE (10 MB by default) gets through to the upload checks, while
 * JSON bodies keep MAX_REQUEST_BYTES (1 MiB), by Content-Length and on
 * chunked streams.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { badInput } from "../support/tally.ts";
import { fileOf, prose } from "./fixtures.ts";
import { countRows, serve, settled, uploadOver } from "./support.ts";

const TEN_MB = 10_485_760;

Deno.test("documents: a 10 MB upload passes the body limit that still holds JSON to 1 MiB", async (t) => {
  // Small vectors: this test is about bytes on the wire, not embeddings.
  const app = await startTestApp({ LANGMEM_EMBEDDING_DIMS: "64" });
  const server = serve(app.fetch);
  try {
    await t.step("a 1.5 MB text, over the JSON limit, is stored", async () => {
      const text = prose(1_500_000);
      const { status, body } = await uploadOver(server.url, fileOf("big.txt", text));
      assert.equal(status, 200, JSON.stringify(body.errors));
      const document = body.data?.uploadDocument as { id: string; sizeBytes: number };
      assert.equal(document.sizeBytes, new TextEncoder().encode(text).length);
      const final = await settled(app, "local", document.id);
      assert.equal(final.status, "READY");
      assert.ok(final.chunkCount > 1000, `chunks: ${final.chunkCount}`);
    });

    await t.step("a file of exactly MAX_FILE_SIZE reaches the upload checks", async () => {
      badInput("upload: 10 MB of binary named .txt");
      // Valid size, wrong content: answered by the content check, so the
      // whole body was accepted and parsed, and nothing is stored.
      const bytes = new Uint8Array(TEN_MB).fill(0x61);
      bytes[TEN_MB - 1] = 0;
      const before = await countRows(app.database.sql);
      const { status, body } = await uploadOver(server.url, fileOf("ten.txt", bytes));
      assert.equal(status, 200);
      assert.equal(body.errors?.[0]?.extensions?.reason, "CONTENT_MISMATCH");
      assert.deepEqual(await countRows(app.database.sql), before);
    });

    await t.step("one byte over MAX_FILE_SIZE is BAD_USER_INPUT naming the limit", async () => {
      badInput("upload: MAX_FILE_SIZE + 1");
      const { status, body } = await uploadOver(
        server.url,
        fileOf("over.txt", new Uint8Array(TEN_MB + 1).fill(0x61)),
      );
      assert.equal(status, 200);
      assert.match(body.errors?.[0]?.message ?? "", /over the limit of 10485760 bytes \(10 MB\)/);
    });

    await t.step("JSON bodies over MAX_REQUEST_BYTES are still 413", async () => {
      badInput("JSON body over MAX_REQUEST_BYTES", 2);
      const query = `{ viewer { id } } # ${"x".repeat(1_100_000)}`;
      const sized = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      const chunked = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: ReadableStream.from([new TextEncoder().encode(JSON.stringify({ query }))]),
      });
      for (const response of [sized, chunked]) {
        assert.equal(response.status, 413);
        const body = await response.json();
        assert.equal(
          body.errors[0].message,
          "Request body is larger than the limit of 1048576 bytes; send less per request.",
        );
        assert.equal(body.errors[0].extensions.maxBytes, 1_048_576);
      }
    });

    await t.step(
      "a multipart body's operation keeps the JSON limit: only files get more",
      async () => {
        badInput("multipart operation over MAX_REQUEST_BYTES");
        const form = new FormData();
        form.set(
          "operations",
          JSON.stringify({
            query: `mutation ($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }
            # ${"x".repeat(1_100_000)}`,
            variables: { input: { file: null } },
          }),
        );
        form.set("map", JSON.stringify({ "0": ["variables.input.file"] }));
        form.set("0", fileOf("small.txt", "hello"), "small.txt");
        const before = await countRows(app.database.sql);
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "x-graphql-yoga-csrf": "1" },
          body: form,
        });
        assert.equal(response.status, 413);
        const body = await response.json();
        assert.match(body.errors[0].message, /larger than the limit of 1048576 bytes/);
        assert.deepEqual(await countRows(app.database.sql), before);
      },
    );

    await t.step("a chunked multipart body past the upload limit is cut with 413", async () => {
      badInput("chunked multipart body over the upload limit");
      const boundary = "graphmind-boundary";
      const head = `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
        JSON.stringify({
          query: "mutation ($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }",
          variables: { input: { file: null } },
        }) +
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n` +
        `{"0":["variables.input.file"]}\r\n--${boundary}\r\n` +
        'Content-Disposition: form-data; name="0"; filename="huge.txt"\r\n' +
        "Content-Type: text/plain\r\n\r\n";
      const encoder = new TextEncoder();
      const block = new Uint8Array(1_048_576).fill(0x62);
      const parts = [
        encoder.encode(head),
        ...Array(11).fill(block),
        encoder.encode(`\r\n--${boundary}--\r\n`),
      ];
      const response = await fetch(server.url, {
        method: "POST",
        headers: {
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "x-graphql-yoga-csrf": "1",
        },
        body: ReadableStream.from(parts),
      });
      assert.equal(response.status, 413);
      const body = await response.json();
      assert.match(body.errors[0].message, /Upload is larger than the limit of 10551296 bytes/);
      assert.equal(body.errors[0].extensions.code, "BAD_USER_INPUT");
    });
  } finally {
    await server.stop();
    await app.close();
  }
});
