/**
 * Document ingest: uploads over real multipart HTTP to the app on loopback
 * (embedded PGlite, in memory), timed from the client until the ingest job
 * made the document READY, with the parse time
 * of the same file measured on its own so the table shows where the time
 * goes (parse vs chunk, embed and store). Runs with the offline embedder
 * and with the real `@langchain/openai` client against the mock OpenAI
 * server (1536 dims, batches of 256 over HTTP), on embedded PGlite and, when
 * it is there, the local PostgreSQL server.
 *
 * `DOCUMENT_BENCH_TEXT_MB=1,10` sets the text sizes (default 1);
 * `DOCUMENT_BENCH_PDF_PAGES=50` the PDF's pages.
 *
 * @module
 */
import { startTestApp } from "../tests/support/app.ts";
import { startMockOpenAI } from "../tests/support/mock_openai.ts";
import { createThrowawayDatabase, localPostgres } from "../tests/support/local_postgres.ts";
import { fileOf, makeDocx, makePdf, prose, PROSE_WORDS } from "../tests/documents/fixtures.ts";
import { serve, settled, uploadOver } from "../tests/documents/support.ts";
import { extractLimits, extractText } from "../src/documents/extract.ts";
import { loadConfig } from "../src/config.ts";
import type { DocumentExtension } from "../src/config/document_types.ts";

/** One row of the table. */
export interface DocumentBenchRow {
  database: string;
  embedder: string;
  file: string;
  bytes: number;
  chunks: number;
  parseMs: number;
  ingestMs: number;
  searchP50Ms?: number;
}

function pdfPages(pages: number): string[] {
  // About 45 lines of 90 characters per page, like a dense report.
  return Array.from({ length: pages }, (_, i) => {
    const text = prose(4000, i + 7).replace(/\n\n/g, " ");
    const lines = text.match(/.{1,90}(\s|$)/g) ?? [];
    return [`Page ${i + 1}`, ...lines.map((l) => l.trim())].join("\n");
  });
}

async function parseMs(name: string, extension: DocumentExtension, bytes: Uint8Array) {
  const start = performance.now();
  // The default limits, as a server with no DOCUMENT_EXTRACT_* settings uses.
  await extractText(name, extension, bytes, extractLimits(loadConfig({})));
  return Math.round(performance.now() - start);
}

async function run(
  database: string,
  embedder: string,
  env: Record<string, string>,
): Promise<DocumentBenchRow[]> {
  const app = await startTestApp({ LOG_LEVEL: "warning", ...env });
  const server = serve(app.fetch);
  const rows: DocumentBenchRow[] = [];
  try {
    const megabytes = (Deno.env.get("DOCUMENT_BENCH_TEXT_MB") ?? "1").split(",").map(Number);
    const pages = Number(Deno.env.get("DOCUMENT_BENCH_PDF_PAGES") ?? "50");
    const files: [string, DocumentExtension, Uint8Array<ArrayBuffer>][] = [
      ...megabytes.map((mb): [string, DocumentExtension, Uint8Array<ArrayBuffer>] => [
        `${mb}mb.txt`,
        "txt",
        new TextEncoder().encode(prose(Math.round(mb * 1_048_576) - 64)),
      ]),
      [`${pages}pages.pdf`, "pdf", makePdf(pdfPages(pages))],
      ["1mb.docx", "docx", makeDocx(prose(1_048_576, 3).split("\n\n"))],
    ];
    for (const [name, extension, bytes] of files) {
      const parse = await parseMs(name, extension, bytes);
      const start = performance.now();
      const { status, body } = await uploadOver(server.url, fileOf(name, bytes));
      const accepted = body.data?.uploadDocument as { id: string } | undefined;
      if (status !== 200 || accepted === undefined) {
        throw new Error(`${name}: ${status} ${JSON.stringify(body.errors)}`);
      }
      // Upload to READY: the ingest runs as a job after the upload returned.
      const document = await settled(app, "local", accepted.id);
      const ingestMs = Math.round(performance.now() - start);
      if (document.status !== "READY") throw new Error(`${name}: ${JSON.stringify(document)}`);
      rows.push({
        database,
        embedder,
        file: name,
        bytes: bytes.length,
        chunks: document.chunkCount,
        parseMs: parse,
        ingestMs,
      });
    }
    const timings: number[] = [];
    for (let i = 0; i < 30; i++) {
      const start = performance.now();
      await app.graphql(
        "query ($q: String!) { searchDocuments(input: { query: $q }) { score } }",
        { q: `river market growth ${PROSE_WORDS[i % PROSE_WORDS.length]}` },
      );
      timings.push(performance.now() - start);
    }
    timings.sort((a, b) => a - b);
    rows.at(-1)!.searchP50Ms = Math.round(timings[15]! * 10) / 10;
  } finally {
    await server.stop();
    await app.close();
  }
  return rows;
}

/** Runs the benchmark. */
export async function benchDocuments(): Promise<DocumentBenchRow[]> {
  const rows = await run("embedded PGlite", "offline", {});
  const mock = await startMockOpenAI();
  try {
    const openai = { OPENAI_API_KEY: "sk-bench", OPENAI_BASE_URL: mock.url };
    rows.push(...await run("embedded PGlite", "openai (mock server)", openai));
    if ((await localPostgres()).available) {
      const database = await createThrowawayDatabase();
      try {
        rows.push(
          ...await run("server 127.0.0.1", "openai (mock server)", {
            ...openai,
            DATABASE_URL: database.url,
          }),
        );
      } finally {
        await database.drop();
      }
    }
  } finally {
    await mock.close();
  }
  return rows;
}
