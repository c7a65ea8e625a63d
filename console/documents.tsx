/// <reference lib="dom" />
/** @jsxImportSource preact */
/**
 * Documents: upload with a progress bar (bytes sent, then ingestion status)
 * and the list of documents.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { GraphmindClient } from "../client/mod.ts";
import { type DocumentFieldsFragment, DocumentsDocument } from "../client/generated.ts";
import { describe } from "./api.ts";

export function DocumentsView({ client }: { client: GraphmindClient }) {
  const [documents, setDocuments] = useState<DocumentFieldsFragment[]>([]);
  const [file, setFile] = useState<File>();
  const [title, setTitle] = useState("");
  const [progress, setProgress] = useState<{ loaded: number; total: number }>();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();

  const load = () =>
    client.request(DocumentsDocument, { first: 50 }).then(
      (r) => setDocuments(r.documents.edges.map((e) => e.node)),
      (e) => setError(describe(e)),
    );
  useEffect(() => {
    load();
  }, []);

  async function upload(event: Event) {
    event.preventDefault();
    if (!file) return;
    setError(undefined);
    setStatus("Uploading");
    try {
      const update = await client.documents.uploadAndFollow(file, {
        ...(title ? { title } : {}),
        onProgress: (loaded, total) => setProgress({ loaded, total }),
        onStatus: (u) => setStatus(u.status),
      });
      setStatus(`${update.status}: ${update.document.chunkCount} passages`);
      await load();
    } catch (e) {
      setStatus(undefined);
      setError(describe(e));
    }
  }

  return (
    <section class="documents" aria-label="Documents">
      {error && <p role="alert" class="error">{error}</p>}
      <form class="row" onSubmit={upload}>
        <label for="document-file">File (.txt, .md, .pdf, .docx)</label>
        <input
          id="document-file"
          type="file"
          accept=".txt,.md,.pdf,.docx"
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
        <label for="document-title">Title</label>
        <input id="document-title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        <button type="submit" disabled={!file}>Upload</button>
      </form>
      {progress && (
        <p>
          <label for="upload-progress">Upload</label>{" "}
          <progress id="upload-progress" value={progress.loaded} max={progress.total || 1} />{" "}
          {Math.round(progress.loaded / 1024)} of {Math.round(progress.total / 1024)} KiB
        </p>
      )}
      {status && <p data-testid="document-status" aria-live="polite">{status}</p>}
      <table>
        <caption>{documents.length} documents</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">File</th>
            <th scope="col">Size</th>
            <th scope="col">Passages</th>
            <th scope="col">Added</th>
          </tr>
        </thead>
        <tbody>
          {documents.map((d) => (
            <tr key={d.id}>
              <td>{d.title ?? ""}</td>
              <td>{d.filename}</td>
              <td>{Math.round(d.sizeBytes / 1024)} KiB</td>
              <td>{d.chunkCount}</td>
              <td>{new Date(d.createdAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
