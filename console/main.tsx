/// <reference lib="dom" />
/** @jsxImportSource preact */
/**
 * The console's entry: sign-in where the server needs a token, then four
 * views (chat, memories, documents, project) behind a tab bar.
 *
 * @module
 */
import { render } from "preact";
import { useMemo, useState } from "preact/hooks";
import { UnauthenticatedError } from "../client/mod.ts";
import { ViewerDocument } from "../client/generated.ts";
import { AUTH_MODE, consoleClient, describe, storedToken, storeToken } from "./api.ts";
import { ChatView } from "./chat.tsx";
import { MemoriesView } from "./memories.tsx";
import { DocumentsView } from "./documents.tsx";
import { ProjectView } from "./project.tsx";
import "./styles.css";

const VIEWS = {
  chat: { label: "Chat", View: ChatView },
  memories: { label: "Memories", View: MemoriesView },
  documents: { label: "Documents", View: DocumentsView },
  project: { label: "Project", View: ProjectView },
} as const;
type ViewName = keyof typeof VIEWS;

function App() {
  const client = useMemo(consoleClient, []);
  const [signedIn, setSignedIn] = useState(AUTH_MODE === "none" || storedToken() !== undefined);
  const [view, setView] = useState<ViewName>(
    (location.hash.slice(1) in VIEWS ? location.hash.slice(1) : "chat") as ViewName,
  );
  if (!signedIn) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  const { View } = VIEWS[view];
  return (
    <>
      <header>
        <h1>Graphmind console</h1>
        <nav aria-label="Views">
          {(Object.keys(VIEWS) as ViewName[]).map((name) => (
            <a
              href={`#${name}`}
              aria-current={name === view ? "page" : undefined}
              onClick={() => setView(name)}
            >
              {VIEWS[name].label}
            </a>
          ))}
        </nav>
        {AUTH_MODE === "token" && (
          <button
            type="button"
            onClick={() => {
              storeToken(undefined);
              setSignedIn(false);
            }}
          >
            Sign out
          </button>
        )}
      </header>
      <main>
        <View client={client} />
      </main>
    </>
  );
}

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  async function submit(event: Event) {
    event.preventDefault();
    storeToken(token.trim());
    const probe = consoleClient();
    try {
      await probe.request(ViewerDocument, {});
      onSignedIn();
    } catch (e) {
      storeToken(undefined);
      setError(e instanceof UnauthenticatedError ? "That token was refused." : describe(e));
    } finally {
      await probe.close();
    }
  }
  return (
    <main class="sign-in">
      <h1>Graphmind console</h1>
      <form onSubmit={submit}>
        <label for="token">Access token (a JWT, e.g. from `deno task token`)</label>
        <input
          id="token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={!token.trim()}>Sign in</button>
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </main>
  );
}

render(<App />, document.getElementById("app")!);
