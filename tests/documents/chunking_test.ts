/**
 * The chunker keeps paragraphs whole, packs them up to the size, cuts long
 * paragraphs at sentence ends, and repeats the end of each chunk at the
 * start of the next; text normalisation and type detection are checked
 * beside it.
 */
import assert from "node:assert/strict";
import { CHUNK_CHARS, chunkText, OVERLAP_CHARS } from "../../src/documents/chunking.ts";
import { normalise } from "../../src/documents/extract.ts";
import { detectFileType, extensionOf } from "../../src/documents/file_types.ts";
import { makeDocx, makePdf, prose } from "./fixtures.ts";

Deno.test("chunking: short text is one chunk; paragraphs are packed, not split", () => {
  assert.deepEqual(chunkText("One.\n\nTwo."), ["One.\n\nTwo."]);
  const paragraphs = ["a".repeat(500), "b".repeat(500), "c".repeat(500)];
  const chunks = chunkText(paragraphs.join("\n\n"), { size: 1200, overlap: 0 });
  assert.deepEqual(chunks, [`${"a".repeat(500)}\n\n${"b".repeat(500)}`, "c".repeat(500)]);
});

Deno.test("chunking: each chunk repeats the end of the previous one, from a word start", () => {
  const text = prose(20_000);
  const chunks = chunkText(text);
  assert.ok(chunks.length > 10);
  for (let i = 1; i < chunks.length; i++) {
    const previous = chunks[i - 1]!;
    const next = chunks[i]!;
    // The overlap: the longest start of `next` that ends `previous` and is
    // followed by the paragraph break before the new text.
    let shared = "";
    for (let k = 1; k <= Math.min(OVERLAP_CHARS, previous.length); k++) {
      const head = next.slice(0, k);
      if (previous.endsWith(head) && next.slice(k).startsWith("\n\n")) shared = head;
    }
    assert.ok(shared.length > 0, `chunk ${i} starts with the end of chunk ${i - 1}`);
    assert.match(shared, /^[A-Za-z]/, "overlap starts at a word");
  }
  for (const chunk of chunks) assert.ok(chunk.length <= CHUNK_CHARS + OVERLAP_CHARS + 2);
  // Every paragraph of the source is in some chunk, whole.
  for (const paragraph of text.split("\n\n").filter((p) => p.length < CHUNK_CHARS)) {
    assert.ok(chunks.some((c) => c.includes(paragraph)), paragraph.slice(0, 40));
  }
});

Deno.test("chunking: a long paragraph is cut at sentence ends, or at spaces, or anywhere", () => {
  const sentence = "This sentence is exactly fifty characters long ok. ";
  const chunks = chunkText(sentence.repeat(60).trim(), { size: 400, overlap: 0 });
  assert.ok(chunks.length >= 7);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= 400, `${chunk.length}`);
    assert.ok(chunk.endsWith("ok."), `ends at a sentence: ${chunk.slice(-20)}`);
  }
  const words = chunkText("word ".repeat(300).trim(), { size: 100, overlap: 0 });
  for (const chunk of words) assert.match(chunk, /^word( word)*$/);
  const blob = chunkText("x".repeat(250), { size: 100, overlap: 0 });
  assert.deepEqual(blob.map((c) => c.length), [100, 100, 50]);
  // A cut never splits a surrogate pair.
  const emoji = chunkText("😀".repeat(120), { size: 101, overlap: 0 });
  assert.equal(emoji.join(""), "😀".repeat(120));
  for (const chunk of emoji) assert.ok(!/[\ud800-\udbff]$/.test(chunk));
});

Deno.test("chunking: blank text gives no chunks", () => {
  assert.deepEqual(chunkText(""), []);
  assert.deepEqual(chunkText("\n\n  \n\n"), []);
});

Deno.test("normalise: line endings, trailing spaces and blank runs", () => {
  assert.equal(normalise("\r\n a  \r\n\r\n\r\n\r\nb\t\rc  "), "a\n\nb\nc");
});

Deno.test("file types: the extension and the content must agree", () => {
  const all = ["pdf", "txt", "docx", "md"] as const;
  assert.equal(extensionOf("Report.PDF"), "pdf");
  assert.equal(extensionOf(".bashrc"), undefined);
  assert.equal(extensionOf("trailing."), undefined);
  assert.deepEqual(detectFileType("a.pdf", makePdf(["x"]), all), {
    extension: "pdf",
    mediaType: "application/pdf",
  });
  assert.equal(detectFileType("a.DOCX", makeDocx(["x"]), all).extension, "docx");
  assert.equal(
    detectFileType("a.md", new TextEncoder().encode("# héllo"), all).mediaType,
    "text/markdown",
  );
  // ALLOWED_EXTENSIONS narrows what is accepted.
  assert.throws(
    () => detectFileType("a.pdf", makePdf(["x"]), ["txt", "md"]),
    /not accepted: upload one of \.txt, \.md/,
  );
});
