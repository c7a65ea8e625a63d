/**
 * Types for the three mammoth modules docx_text.ts calls (mammoth ships
 * types for its public entry point only).
 *
 * @module
 */

/** An opened .docx archive. */
export interface DocxFile {
  readonly __docxFile: unique symbol;
}

/** mammoth's result: a value plus warnings. */
export interface MammothResult<T> {
  value: T;
  messages: { type: string; message: string }[];
  map<U>(fn: (value: T) => U): MammothResult<U>;
}

/** A parsed document element. */
export interface DocumentElement {
  readonly __element: unique symbol;
}

export function openZip(options: { buffer: Uint8Array }): Promise<DocxFile>;
export function read(file: DocxFile): Promise<MammothResult<DocumentElement>>;
export function convertElementToRawText(element: DocumentElement): string;
