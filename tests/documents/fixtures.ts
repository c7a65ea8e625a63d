/**
 * Document files built in test code, so every byte a test uploads is
 * visible here: a minimal valid PDF (one text object per page, Helvetica,
 * a correct cross-reference table) and a minimal valid .docx (the three
 * parts Word needs, zipped with fflate).
 *
 * @module
 */
import { strToU8, type Zippable, zipSync } from "fflate";

/** Escapes text for a PDF literal string. */
function pdfString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

/**
 * A PDF with one page per entry; each line of an entry is drawn as its own
 * text line. An empty entry makes a page with no text at all.
 */
export function makePdf(pages: string[]): Uint8Array<ArrayBuffer> {
  const objects: string[] = [];
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${
    pages.map((_, i) => `${4 + 2 * i} 0 R`).join(" ")
  }] /Count ${pages.length} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
  pages.forEach((text, i) => {
    const lines = text === "" ? [] : text.split("\n");
    const stream = lines.length === 0
      ? ""
      : `BT /F1 11 Tf 14 TL 56 760 Td ${lines.map((l) => `(${pdfString(l)}) Tj T*`).join(" ")} ET`;
    objects[4 + 2 * i] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " +
      `/Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`;
    objects[5 + 2 * i] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = out.length;
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let i = 1; i < objects.length; i++) {
    out += `${String(offsets[i]).padStart(10, "0")} 00000 n \n`;
  }
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

const CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ' +
  'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  "</Types>";
const RELS = '<?xml version="1.0" encoding="UTF-8"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  "</Relationships>";

function xmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A .docx with one Word paragraph per entry. */
export function makeDocx(paragraphs: string[]): Uint8Array<ArrayBuffer> {
  const body = paragraphs
    .map((p) => `<w:p><w:r><w:t xml:space="preserve">${xmlText(p)}</w:t></w:r></w:p>`)
    .join("");
  return zip({
    "[Content_Types].xml": strToU8(CONTENT_TYPES),
    "_rels/.rels": strToU8(RELS),
    "word/document.xml": strToU8(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
        `<w:body>${body}</w:body></w:document>`,
    ),
  });
}

/** A zip archive of `files`. */
export function zip(files: Zippable): Uint8Array<ArrayBuffer> {
  return zipSync(files) as Uint8Array<ArrayBuffer>;
}

/** A File of `bytes` (or text) named `name`. */
export function fileOf(name: string, content: Uint8Array<ArrayBuffer> | string): File {
  return new File([content], name);
}

/** The words {@linkcode prose} draws from. */
export const PROSE_WORDS = (
  "the a of and to in is for on with as by at from river market report growth energy data " +
  "model city water policy season forest budget school health travel garden engine network " +
  "science history music coffee winter harvest station council museum bridge island storm"
).split(" ");

/** Deterministic prose: sentences in paragraphs, about `bytes` long. */
export function prose(bytes: number, seed = 1): string {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const paragraphs: string[] = [];
  let size = 0;
  while (size < bytes) {
    const sentences: string[] = [];
    const count = 3 + Math.floor(random() * 5);
    for (let s = 0; s < count; s++) {
      const length = 8 + Math.floor(random() * 14);
      const words = Array.from(
        { length },
        () => PROSE_WORDS[Math.floor(random() * PROSE_WORDS.length)],
      );
      const sentence = words.join(" ");
      sentences.push(sentence[0]!.toUpperCase() + sentence.slice(1) + ".");
    }
    const paragraph = sentences.join(" ");
    paragraphs.push(paragraph);
    size += paragraph.length + 2;
  }
  return paragraphs.join("\n\n").slice(0, bytes);
}
