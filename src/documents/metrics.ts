/**
 * Document ingest metrics on the app's registry (served on `/metrics`):
 * how uploads end, by outcome, and how long a successful ingest takes
 * (check, parse, chunk, embed and store), by file type. Both label sets are
 * small and fixed, never user-chosen.
 *
 * @example
 * ```ts
 * const documentMetrics = createDocumentMetrics(metrics.registry);
 * documentMetrics.upload("pdf", "stored");
 * ```
 * @module
 */
import { Counter, Histogram, type Registry } from "prom-client";

/** How an upload ended. */
export type UploadOutcome =
  | "stored"
  | "unsupported_type"
  | "too_large"
  | "unreadable"
  | "empty"
  | "error";

/** What the document service records. */
export interface DocumentMetrics {
  upload(type: string, outcome: UploadOutcome): void;
  ingestSeconds(type: string, seconds: number): void;
}

/** File type labels: the supported extensions, anything else is `other`. */
const TYPES = new Set(["pdf", "txt", "md", "docx"]);

/** Registers the metrics on `registry`. */
export function createDocumentMetrics(registry: Registry): DocumentMetrics {
  const registers = [registry];
  const uploads = new Counter({
    name: "document_uploads_total",
    help: "Document uploads by file type and outcome (stored, or why it was refused).",
    labelNames: ["type", "outcome"],
    registers,
  });
  const ingest = new Histogram({
    name: "document_ingest_duration_seconds",
    help: "Seconds to check, parse, chunk, embed and store an accepted document, by file type.",
    labelNames: ["type"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const label = (type: string) => TYPES.has(type) ? type : "other";
  return {
    upload: (type, outcome) => uploads.inc({ type: label(type), outcome }),
    ingestSeconds: (type, seconds) => ingest.observe({ type: label(type) }, seconds),
  };
}
