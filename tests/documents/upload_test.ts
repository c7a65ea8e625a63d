/**
 * Uploading each accepted type (txt, md, pdf, docx) through real multipart
 * HTTP to the app, then listing, reading, searching and deleting them.
 */
import assert from "node:assert/strict";
import { startTestApp } from "../support/app.ts";
import { fileOf, makeDocx, makePdf } from "./fixtures.ts";
import { countRows, serve, settled, uploadOver } from "./support.ts";

type Doc = {
  id: string;
  filename: string;
  title: string | null;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  characters: number;
  chunkCount: number;
  createdAt: string;
};

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

const FIELDS = "id filename title mediaType sizeBytes sha256 characters chunkCount createdAt";

/** Waits for the ingest to end READY and reads the document back. */
async function ready(app: Awaited<ReturnType<typeof startTestApp>>, id: string): Promise<Doc> {
  const final = await settled(app, "local", id);
  assert.equal(final.status, "READY", JSON.stringify(final));
  const result = await app.graphql(`query ($id: ID!) { document(id: $id) { ${FIELDS} } }`, { id });
  return result.data?.document as Doc;
}

const SEARCH = `query ($input: SearchDocumentsInput!) {
  searchDocuments(input: $input) { document { id filename } chunkIndex content score }
}`;

Deno.test("documents: upload txt, md, pdf and docx over multipart HTTP, then list, get, search, delete", async (t) => {
  const app = await startTestApp();
  const server = serve(app.fetch);
  const uploaded: Record<string, Doc> = {};
  const files = {
    txt: new TextEncoder().encode(
      "Tea notes\r\n\r\nGreen tea is steamed or pan-fired soon after picking.\r\n",
    ),
    md: new TextEncoder().encode(
      "# Garden\n\nThe tomatoes need staking in June.\n\n- basil\n- thyme\n",
    ),
    pdf: makePdf([
      "Annual report\nRevenue grew in every region.",
      "Wildlife appendix\nThe zebra migration crosses the Mara river in August.",
    ]),
    docx: makeDocx(["Meeting minutes", "The committee approved the new bicycle shed."]),
  };
  const expectedType = {
    txt: "text/plain",
    md: "text/markdown",
    pdf: "application/pdf",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  };
  try {
    await t.step("each type is parsed, chunked, embedded and stored", async () => {
      for (const [extension, bytes] of Object.entries(files)) {
        const name = `sample.${extension}`;
        const { status, body } = await uploadOver(server.url, fileOf(name, bytes), {
          title: `The ${extension} sample`,
        });
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
        const accepted = body.data?.uploadDocument as Doc;
        const doc = await ready(app, accepted.id);
        assert.equal(doc.createdAt, accepted.createdAt);
        assert.equal(doc.filename, name);
        assert.equal(doc.title, `The ${extension} sample`);
        assert.equal(doc.mediaType, expectedType[extension as keyof typeof expectedType]);
        assert.equal(doc.sizeBytes, bytes.length);
        assert.equal(doc.sha256, await sha256Hex(bytes));
        assert.equal(doc.chunkCount, 1);
        uploaded[extension] = doc;
      }
      const [pdfText] = await app.database.sql<{ content: string }[]>`
        SELECT content FROM document_chunks WHERE document_id = ${uploaded.pdf!.id}`;
      assert.equal(
        pdfText?.content,
        "Annual report\nRevenue grew in every region.\n\n" +
          "Wildlife appendix\nThe zebra migration crosses the Mara river in August.",
      );
      const [docxText] = await app.database.sql<{ content: string }[]>`
        SELECT content FROM document_chunks WHERE document_id = ${uploaded.docx!.id}`;
      assert.equal(
        docxText?.content,
        "Meeting minutes\n\nThe committee approved the new bicycle shed.",
      );
      const [txtText] = await app.database.sql<{ content: string }[]>`
        SELECT content FROM document_chunks WHERE document_id = ${uploaded.txt!.id}`;
      assert.equal(
        txtText?.content,
        "Tea notes\n\nGreen tea is steamed or pan-fired soon after picking.",
        "line endings normalised",
      );
      assert.deepEqual(await countRows(app.database.sql), { documents: 4, chunks: 4 });
    });

    await t.step("a long text becomes ordered, overlapping chunks", async () => {
      const paragraphs = Array.from(
        { length: 40 },
        (_, i) => `Paragraph ${i} talks about topic number ${i}. `.repeat(4).trim(),
      );
      const { body } = await uploadOver(server.url, fileOf("long.txt", paragraphs.join("\n\n")));
      const doc = await ready(app, (body.data?.uploadDocument as Doc).id);
      assert.ok(doc.chunkCount > 3, `chunks: ${doc.chunkCount}`);
      const chunks = await app.database.sql<{ chunk_index: number; content: string }[]>`
        SELECT chunk_index, content FROM document_chunks WHERE document_id = ${doc.id}
        ORDER BY chunk_index`;
      assert.deepEqual(chunks.map((c) => c.chunk_index), [...Array(doc.chunkCount).keys()]);
      for (const paragraph of paragraphs) {
        assert.ok(chunks.some((c) => c.content.includes(paragraph)), `kept whole: ${paragraph}`);
      }
      for (let i = 1; i < chunks.length; i++) {
        const previousEnd = chunks[i - 1]!.content.slice(-40);
        assert.ok(
          chunks[i]!.content.includes(previousEnd),
          `chunk ${i} repeats the end of ${i - 1}`,
        );
      }
      await app.graphql(
        "mutation ($id: ID!) { deleteDocument(input: { id: $id }) }",
        { id: doc.id },
      );
    });

    await t.step("documents lists newest first, page by page", async () => {
      const query = `query ($after: String) {
        documents(first: 3, after: $after) {
          edges { node { id filename } } pageInfo { hasNextPage endCursor }
        }
      }`;
      const first = await app.graphql(query);
      const page1 = first.data?.documents as {
        edges: { node: Doc }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
      assert.deepEqual(page1.edges.map((e) => e.node.filename), [
        "sample.docx",
        "sample.pdf",
        "sample.md",
      ]);
      assert.equal(page1.pageInfo.hasNextPage, true);
      const second = await app.graphql(query, { after: page1.pageInfo.endCursor });
      const page2 = second.data?.documents as typeof page1;
      assert.deepEqual(page2.edges.map((e) => e.node.filename), ["sample.txt"]);
      assert.equal(page2.pageInfo.hasNextPage, false);
    });

    await t.step("document(id) reads one, with every field", async () => {
      const result = await app.graphql(
        `query ($id: ID!) {
          document(id: $id) { id filename title mediaType sizeBytes sha256 characters chunkCount createdAt }
        }`,
        { id: uploaded.pdf!.id },
      );
      assert.deepEqual(result.data?.document, uploaded.pdf);
    });

    await t.step("searchDocuments finds the passage, best first, with its document", async () => {
      const result = await app.graphql(SEARCH, {
        input: { query: "zebra migration across the Mara river", limit: 3 },
      });
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const hits = result.data?.searchDocuments as {
        document: { id: string; filename: string };
        chunkIndex: number;
        content: string;
        score: number;
      }[];
      assert.equal(hits.length, 3);
      assert.equal(hits[0]?.document.id, uploaded.pdf!.id);
      assert.equal(hits[0]?.chunkIndex, 0);
      assert.match(hits[0]?.content ?? "", /zebra migration/);
      assert.ok(hits[0]!.score > hits[1]!.score, "ordered by score");
      const bike = await app.graphql(SEARCH, { input: { query: "bicycle shed committee" } });
      const bikeHits = bike.data?.searchDocuments as { document: { filename: string } }[];
      assert.equal(bikeHits[0]?.document.filename, "sample.docx");
      assert.ok(bikeHits.length <= 5, "default limit");
    });

    await t.step("searchDocuments refuses a blank query and a bad limit", async () => {
      for (
        const input of [{ query: "  " }, { query: "tea", limit: 0 }, { query: "tea", limit: 51 }]
      ) {
        const result = await app.graphql(SEARCH, { input });
        assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(input));
      }
    });

    await t.step("deleteDocument removes the document and its chunks", async () => {
      const result = await app.graphql(
        "mutation ($id: ID!) { deleteDocument(input: { id: $id }) }",
        { id: uploaded.pdf!.id },
      );
      assert.equal(result.data?.deleteDocument, uploaded.pdf!.id);
      assert.deepEqual(await countRows(app.database.sql), { documents: 3, chunks: 3 });
      const again = await app.graphql(
        "mutation ($id: ID!) { deleteDocument(input: { id: $id }) }",
        { id: uploaded.pdf!.id },
      );
      assert.equal(again.errors?.[0]?.extensions?.code, "NOT_FOUND");
      const read = await app.graphql("query ($id: ID!) { document(id: $id) { id } }", {
        id: uploaded.pdf!.id,
      });
      assert.equal(read.errors?.[0]?.extensions?.code, "NOT_FOUND");
      assert.match(read.errors?.[0]?.message ?? "", /check the id/);
      const search = await app.graphql(SEARCH, { input: { query: "zebra migration" } });
      const hits = search.data?.searchDocuments as { document: { id: string } }[];
      assert.ok(hits.every((h) => h.document.id !== uploaded.pdf!.id));
    });

    await t.step("uploads and ingest time are on /metrics", async () => {
      const text = await (await app.fetch(new Request("http://localhost/metrics"))).text();
      assert.match(text, /^document_uploads_total\{type="pdf",outcome="stored"\} 1$/m);
      assert.match(text, /^document_uploads_total\{type="txt",outcome="stored"\} 2$/m);
      assert.match(text, /^document_ingest_duration_seconds_count\{type="docx"\} 1$/m);
    });
  } finally {
    await server.stop();
    await app.close();
  }
});
