/// <reference lib="dom" />
/** @jsxImportSource preact */
/**
 * Threads: the list, one thread's messages and runs, a chat box that
 * streams the reply token by token (tool calls and chart artifacts
 * included), and the approve / edit / revise panel for a paused run.
 *
 * @module
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { GraphmindClient, RunEvent, RunStream } from "../client/mod.ts";
import {
  AgentsDocument,
  type ThreadFieldsFragment,
  type ThreadQuery,
} from "../client/generated.ts";
import { describe } from "./api.ts";
import { isVegaLiteArtifact, VegaChart } from "./chart.tsx";

type Thread = ThreadQuery["thread"];
type Agent = { id: string; name: string };

export function ChatView({ client }: { client: GraphmindClient }) {
  const [threads, setThreads] = useState<ThreadFieldsFragment[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const [agentId, setAgentId] = useState("");
  const [selected, setSelected] = useState<string>();
  const [thread, setThread] = useState<Thread>();
  // The streamed run's events, with the thread they belong to.
  const [live, setLive] = useState<{ threadId: string; events: RunEvent[] }>();
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string>();
  const stop = useRef<AbortController>();

  async function loadThreads() {
    const page = await client.threads.list({ first: 50 });
    setThreads(page.edges.map((e) => e.node));
  }
  async function loadThread(id: string) {
    setThread(await client.threads.get(id, { runs: 10 }));
  }
  useEffect(() => {
    loadThreads().catch((e) => setError(describe(e)));
    client.request(AgentsDocument, {}).then((r) => {
      setAgents(r.agents);
      setAgentId(r.agents.find((a) => a.id === "assistant")?.id ?? r.agents[0]?.id ?? "");
    }).catch((e) => setError(describe(e)));
  }, []);
  useEffect(() => {
    if (selected) loadThread(selected).catch((e) => setError(describe(e)));
    else setThread(undefined);
  }, [selected]);

  async function createThread(): Promise<string> {
    const { thread } = await client.threads.create({
      agentId,
      title: `Console ${new Date().toLocaleTimeString()}`,
    });
    await loadThreads();
    setSelected(thread.id);
    return thread.id;
  }

  /** Plays a run's stream into the live panel, then reloads the thread. */
  async function follow(threadId: string, stream: RunStream, controller: AbortController) {
    setError(undefined);
    setRunning(true);
    setLive({ threadId, events: [] });
    stop.current = controller;
    try {
      const seen: RunEvent[] = [];
      for await (const event of stream) {
        seen.push(event);
        setLive({ threadId, events: [...seen] });
      }
    } catch (e) {
      setError(describe(e));
    } finally {
      setRunning(false);
      stop.current = undefined;
      await loadThread(threadId).catch((e) => setError(describe(e)));
      await loadThreads().catch(() => {});
    }
  }

  async function send(content: string, requireApproval: boolean) {
    try {
      const threadId = selected ?? await createThread();
      const controller = new AbortController();
      const stream = client.chat(threadId, content, {
        requireApproval,
        signal: controller.signal,
      });
      await follow(threadId, stream, controller);
    } catch (e) {
      setError(describe(e));
    }
  }

  function answer(kind: "approve" | "edit" | "revise", text = "") {
    if (!selected) return;
    const controller = new AbortController();
    const options = { signal: controller.signal };
    const stream = kind === "approve"
      ? client.interrupts.approve(selected, options)
      : kind === "edit"
      ? client.interrupts.edit(selected, text, options)
      : client.interrupts.revise(selected, text, options);
    void follow(selected, stream, controller);
  }

  const pending = running ? undefined : thread?.interrupts[0];
  return (
    <div class="chat">
      <aside aria-label="Threads">
        <div class="row">
          <label for="agent">Agent</label>
          <select
            id="agent"
            value={agentId}
            onChange={(e) => setAgentId(e.currentTarget.value)}
          >
            {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </div>
        <button type="button" onClick={() => createThread().catch((e) => setError(describe(e)))}>
          New thread
        </button>
        <ul class="threads">
          {threads.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                aria-current={t.id === selected ? "true" : undefined}
                onClick={() => setSelected(t.id)}
              >
                {t.title ?? t.id.slice(0, 8)} <small>{t.status}</small>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <section class="conversation" aria-label="Conversation">
        {error && <p role="alert" class="error">{error}</p>}
        <ol class="messages" aria-label="Messages">
          {thread?.messages.map((m) => <MessageView key={m.id} message={m} />)}
        </ol>
        {live && live.threadId === selected && live.events.length > 0 && (
          <LiveRun events={live.events} finished={!running} />
        )}
        {pending && <InterruptPanel value={pending.value} onAnswer={answer} />}
        <Composer
          running={running}
          onSend={send}
          onStop={() => stop.current?.abort()}
        />
        {thread && <RunsList runs={thread.runs.edges.map((e) => e.node)} />}
      </section>
    </div>
  );
}

function MessageView({ message }: { message: Thread["messages"][number] }) {
  return (
    <li class={`message ${message.role.toLowerCase()}`}>
      <strong>{message.role.toLowerCase()}{message.name ? ` (${message.name})` : ""}</strong>
      {message.content && <p>{message.content}</p>}
      {message.toolCalls.map((call) => (
        <p key={call.id} class="tool">
          calls <code>{call.name}</code> <code>{JSON.stringify(call.args)}</code>
        </p>
      ))}
      {isVegaLiteArtifact(message.artifact) && <VegaChart spec={message.artifact.spec} />}
    </li>
  );
}

/** The run being streamed: its text as it arrives, tool calls and charts, and its status. */
function LiveRun({ events, finished }: { events: RunEvent[]; finished: boolean }) {
  const text = events.map((e) => e.__typename === "TokenEvent" ? e.text : "").join("");
  const status = events.findLast((e) => e.__typename === "RunStatusEvent");
  const body = (
    <>
      <p class="streamed" data-testid="streamed">{text}</p>
      {events.map((e) =>
        e.__typename === "ToolEvent"
          ? (
            <div key={e.id} class="tool">
              tool <code>{e.name}</code> {e.phase.toLowerCase()}
              {e.durationMs !== null ? ` in ${Math.round(e.durationMs)} ms` : ""}
              {isVegaLiteArtifact(e.artifact) && <VegaChart spec={e.artifact.spec} />}
            </div>
          )
          : null
      )}
    </>
  );
  return (
    <div class="live" aria-live="polite" data-testid="live-run">
      {finished
        ? (
          // Once the run is over its messages are in the thread above; the stream folds away.
          <details>
            <summary>Streamed events ({events.length})</summary>
            {body}
          </details>
        )
        : body}
      {status?.__typename === "RunStatusEvent" && (
        <p class="status" data-testid="run-status">
          Run {status.status.toLowerCase()}
          {status.queuePosition !== null ? ` (queue position ${status.queuePosition})` : ""}
          {status.error ? `: ${status.error}` : ""}
        </p>
      )}
    </div>
  );
}

function InterruptPanel(
  { value, onAnswer }: {
    value: unknown;
    onAnswer: (kind: "approve" | "edit" | "revise", text?: string) => void;
  },
) {
  const draft = typeof value === "object" && value !== null &&
      typeof (value as { draft?: unknown }).draft === "string"
    ? (value as { draft: string }).draft
    : "";
  const [edit, setEdit] = useState(draft);
  const [feedback, setFeedback] = useState("");
  return (
    <section class="interrupt" aria-label="Waiting for your approval">
      <h3>Waiting for your approval</h3>
      <pre data-testid="interrupt-value">{draft || JSON.stringify(value, null, 2)}</pre>
      <button type="button" onClick={() => onAnswer("approve")}>Approve</button>
      <div class="row">
        <label for="edit-reply">Edited reply</label>
        <textarea id="edit-reply" value={edit} onInput={(e) => setEdit(e.currentTarget.value)} />
        <button type="button" onClick={() => onAnswer("edit", edit)} disabled={!edit}>
          Save edit
        </button>
      </div>
      <div class="row">
        <label for="feedback">Feedback</label>
        <input
          id="feedback"
          value={feedback}
          onInput={(e) => setFeedback(e.currentTarget.value)}
        />
        <button type="button" onClick={() => onAnswer("revise", feedback)} disabled={!feedback}>
          Ask to revise
        </button>
      </div>
    </section>
  );
}

function Composer(
  { running, onSend, onStop }: {
    running: boolean;
    onSend: (content: string, requireApproval: boolean) => void;
    onStop: () => void;
  },
) {
  const [content, setContent] = useState("");
  const [approval, setApproval] = useState(false);
  function submit(event: Event) {
    event.preventDefault();
    if (!content.trim() || running) return;
    onSend(content, approval);
    setContent("");
  }
  return (
    <form class="composer" onSubmit={submit}>
      <label for="message">Message</label>
      <textarea
        id="message"
        value={content}
        onInput={(e) => setContent(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
        }}
        aria-describedby="message-hint"
      />
      <small id="message-hint">Ctrl+Enter sends.</small>
      <label>
        <input
          type="checkbox"
          checked={approval}
          onChange={(e) => setApproval(e.currentTarget.checked)}
        />{" "}
        Require my approval
      </label>
      <button type="submit" disabled={running}>Send</button>
      <button type="button" onClick={onStop} disabled={!running}>Stop</button>
    </form>
  );
}

function RunsList({ runs }: { runs: Thread["runs"]["edges"][number]["node"][] }) {
  if (runs.length === 0) return null;
  return (
    <details class="runs">
      <summary>Runs ({runs.length})</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Events</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>
                <code>{r.id.slice(0, 8)}</code>
              </td>
              <td>{r.status}</td>
              <td>{r.lastSequence}</td>
              <td>{r.startedAt ? new Date(r.startedAt).toLocaleTimeString() : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
