/**
 * Text of a PDF, through `unpdf` (Mozilla's PDF.js packaged for servers and
 * every JavaScript runtime, with no native dependencies). Pages are joined
 * by blank lines so the chunker treats a page break as a paragraph break.
 *
 * @example
 * ```ts
 * const text = await pdfText(await Deno.readFile("report.pdf"));
 * ```
 * @module
 */
import { extractText, getDocumentProxy } from "unpdf";

/** Extracts the text of every page; throws when the PDF cannot be read. */
export async function pdfText(bytes: Uint8Array): Promise<string> {
  // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const document = await getDocumentProxy(bytes.slice(), {
    // Fonts are never rendered here; skipping their loading saves time and memory.
    disableFontFace: true,
    // PDF.js prints its warnings about damaged files to the console, which
    // would break the one-JSON-object-per-line logs; failures still throw.
    verbosity: 0,
  });
  try {
    const { text } = await extractText(document, { mergePages: false });
    return text.map((page) => page.trim()).join("\n\n");
  } finally {
    await document.loadingTask.destroy();
  }
}
