/**
 * Every upload the request can check cheaply (name, size, type and content
 * signature, text encoding) is refused with BAD_USER_INPUT (or FORBIDDEN
 * without the CSRF header) and a message saying what to fix, and stores
 * nothing: the row counts are the same before and after each attempt. A
 * pdf or docx that only parsing shows to be damaged or empty is accepted
 * PROCESSING, then its ingest job ends it FAILED with the same message, and
 * no chunk of it is stored.
 */
import assert from "node:assert/strict";
import { strToU8 } from "fflate";
import { startTestApp } from "../support/app.ts";
import { badInput } from "../support/tally.ts";
import { fileOf, makeDocx, makePdf, zip } from "./fixtures.ts";
import { countRows, serve, settled, uploadOver } from "./support.ts";

/** A small limit, so the oversize cases stay small. */
const MAX_FILE_SIZE = 4096;

Deno.test("documents: wrong, oversize and empty uploads are refused and store nothing; damaged ones end FAILED without chunks", async (t) => {
  const app = await startTestApp({ MAX_FILE_SIZE: String(MAX_FILE_SIZE) });
  const server = serve(app.fetch);
  const sql = app.database.sql;
  const refusals: [string, File, RegExp, string][] = [
    [
      "an unsupported extension",
      fileOf("tool.exe", "MZ binary"),
      /not accepted: upload one of \.pdf, \.txt, \.docx, \.md/,
      "UNSUPPORTED_TYPE",
    ],
    ["no extension", fileOf("README", "text"), /has no extension/, "UNSUPPORTED_TYPE"],
    [
      "an image named .png",
      fileOf("photo.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47])),
      /"\.png"/,
      "UNSUPPORTED_TYPE",
    ],
    [
      "text named .pdf",
      fileOf("fake.pdf", "just some text"),
      /not a valid \.pdf file: it does not start with "%PDF-"/,
      "CONTENT_MISMATCH",
    ],
    [
      "a pdf named .docx",
      fileOf("fake.docx", makePdf(["hello"])),
      /not a zip archive/,
      "CONTENT_MISMATCH",
    ],
    [
      "a zip without word/document.xml",
      fileOf("archive.docx", zip({ "notes.txt": strToU8("hi") })),
      /no word\/document\.xml/,
      "CONTENT_MISMATCH",
    ],
    [
      "a pdf named .txt",
      fileOf("binary.txt", makePdf(["hello"]).map((b, i) => i === 20 ? 0 : b)),
      /NUL bytes/,
      "CONTENT_MISMATCH",
    ],
    [
      "invalid UTF-8 text",
      fileOf("latin1.txt", new Uint8Array([0x63, 0x61, 0x66, 0xe9])),
      /not valid UTF-8/,
      "CONTENT_MISMATCH",
    ],
    [
      "a corrupt docx",
      fileOf("broken.docx", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4])),
      /could not be read as a \.docx file|not a Word document/,
      "",
    ],
    ["an empty file", fileOf("empty.txt", ""), /is empty/, "NO_TEXT"],
    [
      "a text of blanks",
      fileOf("blank.md", " \n\n\t \r\n"),
      /contains no text to index/,
      "NO_TEXT",
    ],
    [
      "a file over MAX_FILE_SIZE",
      fileOf("big.txt", "a".repeat(MAX_FILE_SIZE + 1)),
      /is 4097 bytes, over the limit of 4096 bytes/,
      "TOO_LARGE",
    ],
  ];
  // Accepted by the cheap checks; parsing fails in the ingest job.
  const failures: [string, File, RegExp, string][] = [
    [
      "a corrupt pdf",
      fileOf("broken.pdf", "%PDF-1.4\nthis is not a pdf body at all"),
      /could not be read as a \.pdf file/,
      "UNREADABLE",
    ],
    [
      "a truncated pdf",
      fileOf("cut.pdf", makePdf(["Some text here"]).slice(0, 120)),
      /could not be read as a \.pdf file|contains no text/,
      "",
    ],
    [
      "a docx with broken XML",
      fileOf("badxml.docx", zip({ "word/document.xml": strToU8("<w:document><w:body") })),
      /could not be read as a \.docx file/,
      "UNREADABLE",
    ],
    [
      "a pdf without text",
      fileOf("scan.pdf", makePdf([""])),
      /no text to index \(a scanned PDF/,
      "NO_TEXT",
    ],
    [
      "a docx without text",
      fileOf("blank.docx", makeDocx([""])),
      /contains no text to index/,
      "NO_TEXT",
    ],
  ];
  try {
    for (const [what, file, message, reason] of refusals) {
      await t.step(`${what} is refused`, async () => {
        badInput(`upload: ${what}`);
        const before = await countRows(sql);
        const { status, body } = await uploadOver(server.url, file);
        assert.equal(status, 200, JSON.stringify(body));
        const error = body.errors?.[0];
        assert.equal(error?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(body));
        assert.match(error?.message ?? "", message);
        if (reason !== "") assert.equal(error?.extensions?.reason, reason);
        assert.equal(error?.extensions?.field, "file");
        assert.equal(body.data?.uploadDocument ?? null, null);
        assert.deepEqual(await countRows(sql), before);
      });
    }

    for (const [what, file, message] of failures) {
      await t.step(`${what} is accepted, then FAILED with the reason and no chunks`, async () => {
        badInput(`upload: ${what}`);
        const before = await countRows(sql);
        const { status, body } = await uploadOver(server.url, file);
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
        const id = (body.data?.uploadDocument as { id: string }).id;
        const final = await settled(app, "local", id);
        assert.equal(final.status, "FAILED", JSON.stringify(final));
        assert.match(final.error ?? "", message);
        assert.equal(final.chunkCount, 0);
        assert.deepEqual(await countRows(sql), {
          documents: before.documents + 1,
          chunks: before.chunks,
        });
        const [uploads] = await sql<{ n: number }[]>`
          SELECT count(*)::int AS n FROM document_uploads WHERE document_id = ${id}`;
        assert.equal(uploads?.n, 0, "the stored file is dropped");
        // A damaged file is not retried: one attempt.
        const [job] = await sql<{ status: string; attempts: number }[]>`
          SELECT status, attempts FROM jobs WHERE payload->>'documentId' = ${id}`;
        assert.deepEqual(job, { status: "failed", attempts: 1 });
        const read = await app.graphql(
          "query ($id: ID!) { document(id: $id) { status error progress } }",
          { id },
        );
        const doc = read.data?.document as { status: string; error: string; progress: number };
        assert.equal(doc.status, "FAILED");
        assert.match(doc.error, message);
        assert.ok(doc.progress < 1);
      });
    }
    await sql`DELETE FROM documents`;

    await t.step("a body far over the upload limit is cut at the door with 413", async () => {
      badInput("upload: body over MAX_FILE_SIZE + envelope");
      const { status, body } = await uploadOver(
        server.url,
        fileOf("huge.txt", "b".repeat(200_000)),
      );
      assert.equal(status, 413);
      assert.equal(body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(
        body.errors?.[0]?.message ?? "",
        /Upload is larger than the limit of 69632 bytes \(MAX_FILE_SIZE/,
      );
      assert.deepEqual(await countRows(sql), { documents: 0, chunks: 0 });
    });

    await t.step("a multipart upload without the CSRF header is FORBIDDEN", async () => {
      badInput("upload: no CSRF header");
      const { status, body } = await uploadOver(server.url, fileOf("ok.txt", "fine text"), {
        csrfHeader: false,
      });
      assert.equal(status, 403);
      assert.equal(body.errors?.[0]?.extensions?.code, "FORBIDDEN");
      assert.match(body.errors?.[0]?.message ?? "", /X-GraphQL-Yoga-CSRF header/);
      assert.deepEqual(await countRows(sql), { documents: 0, chunks: 0 });
    });

    await t.step("a file variable sent as JSON instead of multipart is refused", async () => {
      badInput("upload: file as a JSON string");
      const result = await app.graphql(
        "mutation ($input: UploadDocumentInput!) { uploadDocument(input: $input) { id } }",
        { input: { file: "hello.txt" } },
      );
      assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
      assert.match(result.errors?.[0]?.message ?? "", /multipart/);
    });

    await t.step(
      "a failure while storing chunks stores no chunk (one transaction), after bounded retries",
      async () => {
        // A real constraint failure part-way through the chunk inserts: a
        // trigger that refuses the third chunk.
        await sql.unsafe(`
        CREATE FUNCTION refuse_third_chunk() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.chunk_index = 2 THEN RAISE EXCEPTION 'refused for the test'; END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_third_chunk BEFORE INSERT ON document_chunks
          FOR EACH ROW EXECUTE FUNCTION refuse_third_chunk();`);
        try {
          const text = Array.from({ length: 12 }, (_, i) => `Paragraph ${i}. ${"word ".repeat(60)}`)
            .join("\n\n");
          const { body } = await uploadOver(server.url, fileOf("partial.txt", text.slice(0, 4000)));
          assert.equal(body.errors, undefined, JSON.stringify(body));
          const id = (body.data?.uploadDocument as { id: string }).id;
          const final = await settled(app, "local", id);
          assert.equal(final.status, "FAILED");
          // The client reads what to do, never the SQL error.
          assert.match(final.error ?? "", /server error; upload it again/);
          assert.ok(!/refused for the test/.test(final.error ?? ""));
          assert.deepEqual(await countRows(sql), { documents: 1, chunks: 0 });
          const [job] = await sql<{ status: string; attempts: number; error: string }[]>`
          SELECT status, attempts, error FROM jobs WHERE payload->>'documentId' = ${id}`;
          assert.equal(job?.status, "failed");
          assert.equal(job?.attempts, 3, "retried, then failed");
          assert.match(job?.error ?? "", /refused for the test/);
        } finally {
          await sql.unsafe(`DROP TRIGGER refuse_third_chunk ON document_chunks;
          DROP FUNCTION refuse_third_chunk();`);
        }
      },
    );

    await t.step("refusals are counted by outcome", async () => {
      const text = await (await app.fetch(new Request("http://localhost/metrics"))).text();
      assert.match(text, /^document_uploads_total\{type="other",outcome="unsupported_type"\} 3$/m);
      assert.match(text, /^document_uploads_total\{type="txt",outcome="too_large"\} 1$/m);
      assert.match(text, /^document_uploads_total\{type="pdf",outcome="empty"\} 1$/m);
      assert.match(text, /^document_uploads_total\{type="txt",outcome="error"\} 1$/m);
    });
  } finally {
    await server.stop();
    await app.close();
  }
});
