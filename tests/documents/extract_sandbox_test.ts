/**
 * pdf and docx text extraction runs in a sandboxed child with a time and a
 * memory limit, and no permission. A PDF flate bomb (400 MB of content
 * inflated from 400 KB, which parsed with no limit took about 900 MB
 * resident and 11 s here) is stopped at the memory limit; a tiny time limit
 * stops any parse; either way the document ends FAILED with the reason, no
 * chunk is stored, no retry is wasted, the server's own memory stays put and
 * its next upload succeeds. Ordinary files, and files the parser rejects,
 * behave as they did in-process.
 */
import assert from "node:assert/strict";
import { Zlib } from "fflate";
import { startTestApp } from "../support/app.ts";
import { fileOf, makeDocx, makePdf } from "./fixtures.ts";
import { countRows, settled } from "./support.ts";
import {
  EXTRACT_CHILD_FLAGS,
  extractInSandbox,
  extractionMode,
  ExtractionRefusedError,
} from "../../src/documents/extract_sandbox.ts";
import { runDenoChild } from "../../src/sandbox/deno_child.ts";
import { denoCommand } from "../../src/sandbox/deno_command.ts";
import { OutputBuffer } from "../../src/sandbox/output_buffer.ts";
import type { Viewer } from "../../src/auth/mod.ts";

const owner: Viewer = { id: "sandbox-owner", roles: ["user"], anonymous: false };
const LIMITS = { timeoutMs: 60_000, memoryMb: 256 };

/**
 * A one-page PDF whose content stream says "Hello" and then inflates to
 * `expandedMb` MB of spaces: small on the wire, huge in memory (PDF.js keeps
 * a decoded stream whole, in an ArrayBuffer outside the V8 heap limit).
 */
function pdfFlateBomb(expandedMb: number): Uint8Array<ArrayBuffer> {
  const compressed: Uint8Array[] = [];
  const zlib = new Zlib({ level: 9 }, (chunk) => compressed.push(chunk));
  zlib.push(new TextEncoder().encode("BT /F1 11 Tf 56 760 Td (Hello) Tj ET "));
  const spaces = new Uint8Array(1 << 20).fill(0x20);
  for (let mb = 0; mb < expandedMb; mb++) zlib.push(spaces);
  zlib.push(new Uint8Array(0), true);
  const stream = join(compressed);
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let length = 0;
  const add = (part: Uint8Array | string) => {
    const bytes = typeof part === "string" ? new TextEncoder().encode(part) : part;
    parts.push(bytes);
    length += bytes.length;
  };
  add("%PDF-1.4\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " +
    "/Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>",
  ];
  objects.forEach((object, i) => {
    offsets.push(length);
    add(`${i + 1} 0 obj\n${object}\nendobj\n`);
  });
  offsets.push(length);
  add(`5 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`);
  add(stream);
  add("\nendstream\nendobj\n");
  const xref = length;
  add(`xref\n0 6\n0000000000 65535 f \n`);
  add(offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join(""));
  add(`trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return join(parts);
}

function join(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Uploads through the service and waits for the ingest to end. */
async function ingest(app: Awaited<ReturnType<typeof startTestApp>>, file: File) {
  const accepted = await app.documents.upload(owner, { file });
  return await settled(app, owner.id, accepted.id);
}

async function ingestAttempts(app: Awaited<ReturnType<typeof startTestApp>>): Promise<number[]> {
  const rows = await app.database.sql<{ attempts: number }[]>`
    SELECT attempts FROM jobs WHERE kind = 'document.ingest' ORDER BY created_at`;
  return rows.map((r) => r.attempts);
}

Deno.test("the sandbox extracts pdf and docx, and passes on the parser's own refusal", async () => {
  assert.equal(extractionMode(), "sandbox", "tests run with --allow-run");
  const pdf = await extractInSandbox("pdf", makePdf(["Page one.", "Page two."]), LIMITS);
  assert.equal(pdf, "Page one.\n\nPage two.");
  const docx = await extractInSandbox("docx", makeDocx(["First.", "Second."]), LIMITS);
  assert.equal(docx.trim(), "First.\n\nSecond.");
  const bomb = pdfFlateBomb(1);
  assert.equal(
    await extractInSandbox("pdf", bomb, LIMITS),
    "Hello",
    "a small flate stream is fine",
  );
  const refused = await extractInSandbox("pdf", new TextEncoder().encode("%PDF-1.4 junk"), LIMITS)
    .then(() => undefined, (e) => e);
  assert.ok(refused instanceof ExtractionRefusedError, String(refused));
  assert.equal(refused.reason, "UNREADABLE");
  assert.match(refused.message, /Invalid PDF structure/);
});

Deno.test("a PDF flate bomb is stopped at the memory limit: FAILED, and the server stays small", async () => {
  const app = await startTestApp({
    LANGMEM_EMBEDDING_DIMS: "64",
    DOCUMENT_EXTRACT_MEMORY_MB: "32",
  });
  try {
    const bomb = pdfFlateBomb(400);
    assert.ok(bomb.length < 1_000_000, `the bomb is small on the wire (${bomb.length} bytes)`);
    // This isolate's own memory (V8 heap and ArrayBuffers), sampled while the
    // file is read: the process's RSS also moves with the test files running
    // beside this one.
    const isolateBytes = () => {
      const usage = Deno.memoryUsage();
      return usage.heapUsed + usage.external;
    };
    const before = isolateBytes();
    let peak = before;
    const sampler = setInterval(() => peak = Math.max(peak, isolateBytes()), 5);
    const started = performance.now();
    const final = await ingest(app, fileOf("bomb.pdf", bomb)).finally(() => clearInterval(sampler));
    const seconds = (performance.now() - started) / 1000;
    const grewMb = (Math.max(peak, isolateBytes()) - before) / 1048576;
    assert.equal(final.status, "FAILED", JSON.stringify(final));
    assert.match(final.error ?? "", /"bomb\.pdf" could not be indexed: reading it needed more/);
    assert.match(final.error ?? "", /DOCUMENT_EXTRACT_MEMORY_MB=32/);
    assert.equal(final.chunkCount, 0);
    assert.deepEqual(await ingestAttempts(app), [1], "the file's fault is not retried");
    // In-process, PDF.js holds the 400 MB stream whole (about 900 MB resident).
    assert.ok(grewMb < 200, `the server's heap and buffers grew by ${grewMb.toFixed(0)} MB`);
    console.log(
      `flate bomb stopped in ${seconds.toFixed(1)} s; server heap and buffers peak +${
        grewMb.toFixed(0)
      } MB`,
    );

    const next = await ingest(app, fileOf("fine.pdf", makePdf(["The server is fine."])));
    assert.equal(next.status, "READY", "the next upload succeeds");
    assert.deepEqual(await countRows(app.database.sql), { documents: 2, chunks: 1 });
  } finally {
    await app.close();
  }
});

Deno.test("a parse that outlasts DOCUMENT_EXTRACT_TIMEOUT_MS is stopped: FAILED with the reason", async () => {
  const app = await startTestApp({
    LANGMEM_EMBEDDING_DIMS: "64",
    // Below a child's start-up: every pdf and docx parse runs out of time.
    DOCUMENT_EXTRACT_TIMEOUT_MS: "100",
  });
  try {
    for (
      const file of [
        fileOf("slow.pdf", makePdf(["Too slow."])),
        fileOf("slow.docx", makeDocx(["Too slow."])),
      ]
    ) {
      const final = await ingest(app, file);
      assert.equal(final.status, "FAILED", JSON.stringify(final));
      assert.match(final.error ?? "", /took longer than the time limit/);
      assert.match(final.error ?? "", /DOCUMENT_EXTRACT_TIMEOUT_MS=100/);
    }
    assert.deepEqual(await ingestAttempts(app), [1, 1]);
    // Text needs no parser: it still goes through.
    const text = await ingest(app, fileOf("notes.txt", "Plain text needs no sandbox."));
    assert.equal(text.status, "READY");
  } finally {
    await app.close();
  }
});

Deno.test("the extraction child's flags grant nothing: no files, environment, sockets or processes", async () => {
  const stdout = new OutputBuffer(4096, 0);
  const stderr = new OutputBuffer(4096, 0);
  const run = await runDenoChild(denoCommand()!, {
    flags: EXTRACT_CHILD_FLAGS,
    script: new URL("./permission_probe.ts", import.meta.url),
    // What the server passes: where Deno's cache is, nothing else.
    env: Object.fromEntries(
      ["HOME", "DENO_DIR", "XDG_CACHE_HOME"].flatMap((name) => {
        const value = Deno.env.get(name);
        return value === undefined ? [] : [[name, value]];
      }),
    ),
    stdin: new Uint8Array(),
    timeoutMs: 30_000,
    heapMb: 64,
    stdout,
    stderr,
  });
  const report = new TextDecoder().decode(stdout.head()).trim().split("\n");
  assert.ok(run.status.success, new TextDecoder().decode(stderr.head()));
  assert.deepEqual(report, [
    "read a file: refused",
    "write a file: refused",
    "read the environment: refused",
    "open a socket: refused",
    "start a process: refused",
  ]);
});
