/// <reference lib="dom" />
/** @jsxImportSource preact */
/**
 * Memories: browse by namespace, semantic search with scores, one memory's
 * history, and a form to store one.
 *
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import type { GraphmindClient } from "../client/mod.ts";
import type { MemoryHistoryQuery, SearchMemoriesQuery } from "../client/generated.ts";
import { describe } from "./api.ts";

type Hit = SearchMemoriesQuery["searchMemories"][number];
type Version = MemoryHistoryQuery["memoryHistory"][number];

/** "a/b" or "a, b" as ["a", "b"]. */
const parseNamespace = (text: string) =>
  text.split(/[/,]/).map((s) => s.trim()).filter((s) => s.length > 0);

export function MemoriesView({ client }: { client: GraphmindClient }) {
  const [namespaces, setNamespaces] = useState<string[][]>([]);
  const [prefix, setPrefix] = useState("");
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<Hit[]>();
  const [history, setHistory] = useState<{ key: string; versions: Version[] }>();
  const [error, setError] = useState<string>();
  const [newNamespace, setNewNamespace] = useState("notes");
  const [newKey, setNewKey] = useState("");
  const [newContent, setNewContent] = useState("");

  const loadNamespaces = () =>
    client.memories.namespaces({ limit: 200 }).then(setNamespaces, (e) => setError(describe(e)));
  useEffect(() => {
    loadNamespaces();
  }, []);

  async function search(namespacePrefix: string[], text: string) {
    setError(undefined);
    setHistory(undefined);
    try {
      setHits(
        await client.memories.search({
          namespacePrefix,
          ...(text.trim() ? { query: text } : {}),
          limit: 20,
        }),
      );
    } catch (e) {
      setError(describe(e));
    }
  }

  async function showHistory(namespace: string[], key: string) {
    try {
      setHistory({ key, versions: await client.memories.history(namespace, key) });
    } catch (e) {
      setError(describe(e));
    }
  }

  async function save(event: Event) {
    event.preventDefault();
    try {
      await client.memories.put({
        namespace: parseNamespace(newNamespace),
        ...(newKey.trim() ? { key: newKey.trim() } : {}),
        value: { content: newContent },
      });
      setNewContent("");
      await loadNamespaces();
    } catch (e) {
      setError(describe(e));
    }
  }

  return (
    <div class="memories">
      <aside aria-label="Namespaces">
        <h2>Namespaces</h2>
        <ul>
          {namespaces.map((ns) => (
            <li key={ns.join("/")}>
              <button
                type="button"
                onClick={() => {
                  setPrefix(ns.join("/"));
                  void search(ns, "");
                }}
              >
                {ns.join(" / ")}
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section aria-label="Search memories">
        {error && <p role="alert" class="error">{error}</p>}
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            void search(parseNamespace(prefix), query);
          }}
        >
          <label for="memory-prefix">Namespace prefix</label>
          <input
            id="memory-prefix"
            value={prefix}
            placeholder="all"
            onInput={(e) => setPrefix(e.currentTarget.value)}
          />
          <label for="memory-query">Query</label>
          <input id="memory-query" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
          <button type="submit">Search</button>
        </form>
        {hits && (
          <table data-testid="memory-results">
            <caption>{hits.length} memories</caption>
            <thead>
              <tr>
                <th scope="col">Score</th>
                <th scope="col">Namespace</th>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">Version</th>
                <th scope="col"></th>
              </tr>
            </thead>
            <tbody>
              {hits.map((h) => (
                <tr key={`${h.memory.namespace.join("/")}:${h.memory.key}`}>
                  <td class="score">{h.score === null ? "" : h.score.toFixed(3)}</td>
                  <td>{h.memory.namespace.join(" / ")}</td>
                  <td>
                    <code>{h.memory.key}</code>
                  </td>
                  <td>{JSON.stringify(h.memory.value)}</td>
                  <td>{h.memory.version}</td>
                  <td>
                    <button
                      type="button"
                      onClick={() => showHistory(h.memory.namespace, h.memory.key)}
                      aria-label={`History of ${h.memory.key}`}
                    >
                      History
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {history && (
          <section aria-label={`History of ${history.key}`}>
            <h3>History of {history.key}</h3>
            <ol>
              {history.versions.map((v) => (
                <li key={v.version}>
                  v{v.version}: {JSON.stringify(v.value)}{" "}
                  <small>
                    from {new Date(v.validFrom).toLocaleString()}
                    {v.change ? `, ${v.change.toLowerCase()}` : ", current"}
                  </small>
                </li>
              ))}
            </ol>
          </section>
        )}
        <form class="row" onSubmit={save} aria-label="Store a memory">
          <label for="new-namespace">Namespace</label>
          <input
            id="new-namespace"
            value={newNamespace}
            onInput={(e) => setNewNamespace(e.currentTarget.value)}
          />
          <label for="new-key">Key</label>
          <input
            id="new-key"
            value={newKey}
            placeholder="new id"
            onInput={(e) => setNewKey(e.currentTarget.value)}
          />
          <label for="new-content">Content</label>
          <input
            id="new-content"
            value={newContent}
            onInput={(e) => setNewContent(e.currentTarget.value)}
          />
          <button type="submit" disabled={!newContent.trim()}>Store</button>
        </form>
      </section>
    </div>
  );
}
