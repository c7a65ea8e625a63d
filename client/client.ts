/**
 * The Graphmind client: typed operations, resumable run streams and helpers
 * for the common flows (threads, interrupts, memories, documents, project
 * status). Plain ESM with no framework: it runs in Deno, browsers and Node.
 *
 * @example
 * ```ts
 * const client = createClient({ url: "http://localhost:8000/graphql" });
 * const { thread } = await client.threads.create({ title: "demo" });
 * for await (const event of client.chat(thread.id, "Hello")) {
 *   if (event.__typename === "TokenEvent") console.log(event.text);
 * }
 * await client.close();
 * ```
 * @module
 */
import { ConflictError, isRetryable } from "./errors.ts";
import * as ops from "./generated.ts";
import type {
  CancelAction,
  DocumentFieldsFragment,
  MemoryFieldsFragment,
  MultitaskStrategy,
  ProjectStatusFieldsFragment,
  PutMemoryInput,
  RunFieldsFragment,
  SearchMemoriesInput,
  TaskStatus,
  ThreadFieldsFragment,
} from "./generated.ts";
import { resumableRunEvents, type RunEvent, type RunStreamOptions } from "./run_stream.ts";
import {
  createTransport,
  type Subscription,
  type Transport,
  TransportDrop,
  type TransportOptions,
  type TypedDocument,
} from "./transport.ts";
import { type DocumentStatusUpdate, followDocument, type FollowOptions } from "./documents.ts";

/** Options of {@linkcode createClient}. */
export interface ClientOptions extends TransportOptions, Pick<RunStreamOptions, "retry"> {
  /** Called before each reconnect of any run stream. */
  onReconnect?: RunStreamOptions["onReconnect"];
}

/** Options of {@linkcode GraphmindClient.chat}. */
export interface ChatOptions extends Pick<RunStreamOptions, "onReconnect" | "retry"> {
  agentId?: string;
  multitaskStrategy?: MultitaskStrategy;
  /** Pause for approval of the reply before it is final (an interrupt). */
  requireApproval?: boolean;
  /** Aborting cancels the run (`cancelRun`); the stream then ends with its CANCELLED status. */
  signal?: AbortSignal;
  /** How an abort cancels: INTERRUPT (default) keeps what was checkpointed, ROLLBACK undoes the run. */
  cancelAction?: CancelAction;
}

/** A run's events, with the run itself. */
export interface RunStream extends AsyncIterable<RunEvent> {
  /** The run, once started (for `chat`, after `sendMessage` answered). */
  readonly run: Promise<RunFieldsFragment>;
  /** Cancels the run; the stream ends with its CANCELLED status. */
  cancel(action?: CancelAction): Promise<RunFieldsFragment | undefined>;
  /** Reads the whole stream; resolves with the concatenated tokens and the final status event. */
  collect(): Promise<{ text: string; events: RunEvent[]; status: RunEvent | undefined }>;
}

/** A Graphmind API client; create one with {@linkcode createClient}. */
export interface GraphmindClient {
  /** Any operation of the generated documents (or your own typed document). */
  request<R, V>(document: TypedDocument<R, V>, variables?: V): Promise<R>;
  /** A raw subscription (no resume): one value per server message. */
  subscribe<R, V>(document: TypedDocument<R, V>, variables?: V): Subscription<R>;
  /** Sends `content` to the thread and streams the run; resumes across dropped connections. */
  chat(threadId: string, content: string, options?: ChatOptions): RunStream;
  /** A run's events after `after` (default all), resuming across dropped connections. */
  runEvents(runId: string, options?: RunStreamOptions & { signal?: AbortSignal }): RunStream;
  threads: {
    create(
      input?: { title?: string; agentId?: string; metadata?: Record<string, unknown> },
    ): Promise<{ thread: ThreadFieldsFragment }>;
    /** Creates a thread and sends its first message. */
    start(
      content: string,
      options?: ChatOptions & { title?: string; metadata?: Record<string, unknown> },
    ): Promise<{ thread: ThreadFieldsFragment; stream: RunStream }>;
    get(id: string, options?: { runs?: number }): Promise<ops.ThreadQuery["thread"]>;
    list(options?: { first?: number; after?: string }): Promise<ops.ThreadsQuery["threads"]>;
  };
  /** Answers a paused run (an interrupt); each returns the resumed run's stream. */
  interrupts: {
    approve(threadId: string, options?: ResumeOptions): RunStream;
    edit(threadId: string, text: string, options?: ResumeOptions): RunStream;
    revise(threadId: string, feedback: string, options?: ResumeOptions): RunStream;
    /** Any resume value, e.g. the answer to an `ask_human` question. */
    resume(threadId: string, value: unknown, options?: ResumeOptions): RunStream;
  };
  memories: {
    put(input: PutMemoryInput): Promise<MemoryFieldsFragment>;
    search(input: SearchMemoriesInput): Promise<ops.SearchMemoriesQuery["searchMemories"]>;
    namespaces(
      options?: { prefix?: string[]; maxDepth?: number; limit?: number },
    ): Promise<string[][]>;
    history(namespace: string[], key: string): Promise<ops.MemoryHistoryQuery["memoryHistory"]>;
  };
  documents: {
    /** Uploads a file; `onProgress` reports bytes sent (in browsers, as they go). */
    upload(
      file: Blob & { name?: string },
      options?: { title?: string; onProgress?: (loaded: number, total: number) => void },
    ): Promise<DocumentFieldsFragment>;
    /** Uploads, then follows the document until it is ready or failed. */
    uploadAndFollow(
      file: Blob & { name?: string },
      options?: FollowOptions & {
        title?: string;
        onProgress?: (loaded: number, total: number) => void;
      },
    ): Promise<DocumentStatusUpdate>;
    get(id: string): Promise<DocumentFieldsFragment>;
  };
  project: {
    status(): Promise<ProjectStatusFieldsFragment>;
    nextTasks(
      options?: { limit?: number; allPhases?: boolean },
    ): Promise<ops.NextTasksQuery["nextTasks"]>;
    updateTask(
      taskId: string,
      status: TaskStatus,
      options?: { force?: boolean },
    ): Promise<ops.UpdateTaskStatusMutation["updateTaskStatus"]>;
    /** The status now, then after every change; resubscribes after a drop. */
    watch(options?: { signal?: AbortSignal }): AsyncIterable<ProjectStatusFieldsFragment>;
  };
  close(): Promise<void>;
}

/** Options of the interrupt helpers. */
export type ResumeOptions = Pick<ChatOptions, "signal" | "cancelAction" | "retry" | "onReconnect">;

/** Creates a client for the API at `options.url`. */
export function createClient(options: ClientOptions): GraphmindClient {
  const transport: Transport = createTransport(options);
  const streamDefaults: RunStreamOptions = {
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onReconnect ? { onReconnect: options.onReconnect } : {}),
  };

  function cancel(runId: string, action: CancelAction | undefined) {
    return transport.request(ops.CancelRunDocument, {
      input: { runId, ...(action ? { action } : {}) },
    }).then((r) => r.cancelRun).catch((error) => {
      if (error instanceof ConflictError) return undefined; // it had already ended
      throw error;
    });
  }

  /** The stream of the run `start` begins; `signal` cancels it. */
  function runStream(
    start: () => Promise<RunFieldsFragment>,
    streamOptions: RunStreamOptions & { signal?: AbortSignal; cancelAction?: CancelAction },
  ): RunStream {
    const run = start();
    run.catch(() => {}); // surfaced by iteration or by awaiting `run`
    const { signal, cancelAction, ...rest } = streamOptions;
    const cancelRun = async (action?: CancelAction) =>
      cancel((await run).id, action ?? cancelAction);
    const stream: RunStream = {
      run,
      cancel: cancelRun,
      async *[Symbol.asyncIterator]() {
        const { id, lastSequence: _ } = await run;
        const onAbort = () => void cancelRun().catch(() => {});
        if (signal?.aborted) onAbort();
        signal?.addEventListener("abort", onAbort, { once: true });
        try {
          yield* resumableRunEvents(transport, id, { ...streamDefaults, ...rest });
        } finally {
          signal?.removeEventListener("abort", onAbort);
        }
      },
      async collect() {
        const events: RunEvent[] = [];
        for await (const event of stream) events.push(event);
        const text = events.map((e) => e.__typename === "TokenEvent" ? e.text : "").join("");
        return { text, events, status: events.findLast((e) => e.__typename === "RunStatusEvent") };
      },
    };
    return stream;
  }

  function chat(threadId: string, content: string, chatOptions: ChatOptions = {}): RunStream {
    const { agentId, multitaskStrategy, requireApproval, ...streamOptions } = chatOptions;
    // sendMessage, then runEvents from sequence 0 (rather than the `chat`
    // subscription): the run id is known before the first event, so a drop
    // at any moment can be resumed and `signal` can cancel even then.
    return runStream(
      () =>
        transport.request(ops.SendMessageDocument, {
          input: {
            threadId,
            content,
            ...(agentId ? { agentId } : {}),
            ...(multitaskStrategy ? { multitaskStrategy } : {}),
            ...(requireApproval !== undefined ? { requireApproval } : {}),
          },
        }).then((r) => r.sendMessage),
      streamOptions,
    );
  }

  function resume(threadId: string, value: unknown, resumeOptions: ResumeOptions = {}) {
    return runStream(
      () =>
        transport.request(ops.ResumeRunDocument, { input: { threadId, resume: value } })
          .then((r) => r.resumeRun),
      resumeOptions,
    );
  }

  async function* watchProject(signal?: AbortSignal): AsyncGenerator<ProjectStatusFieldsFragment> {
    let failures = 0;
    while (!signal?.aborted) {
      let wait = 0;
      const subscription = transport.subscribe(ops.ProjectStatusChangedDocument, { initial: true });
      const stop = () => subscription.close();
      signal?.addEventListener("abort", stop, { once: true });
      try {
        for await (const data of subscription) {
          failures = 0;
          yield data.projectStatusChanged;
        }
        if (signal?.aborted) return;
      } catch (error) {
        // A dropped connection and an outage (UNAVAILABLE) are retried; other errors end it.
        const retryable = error instanceof TransportDrop || isRetryable(error);
        if (!retryable || ++failures > (options.retry?.attempts ?? 8)) throw error;
        wait = isRetryable(error) ? error.retryAfter * 1000 : 0;
      } finally {
        signal?.removeEventListener("abort", stop);
        subscription.close();
      }
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(wait, Math.min(5000, 100 * 2 ** failures)))
      );
    }
  }

  return {
    request: transport.request,
    subscribe: transport.subscribe,
    chat,
    runEvents(runId, streamOptions = {}) {
      const started = transport.request(ops.RunDocument, { id: runId }).then((r) => r.run);
      return runStream(() => started, streamOptions);
    },
    threads: {
      async create(input = {}) {
        const { createThread } = await transport.request(ops.CreateThreadDocument, { input });
        return { thread: createThread };
      },
      async start(content, startOptions = {}) {
        const { title, metadata, ...chatOptions } = startOptions;
        const { thread } = await this.create({
          ...(title !== undefined ? { title } : {}),
          ...(metadata !== undefined ? { metadata } : {}),
          ...(chatOptions.agentId !== undefined ? { agentId: chatOptions.agentId } : {}),
        });
        return { thread, stream: chat(thread.id, content, chatOptions) };
      },
      async get(id, getOptions = {}) {
        return (await transport.request(ops.ThreadDocument, { id, runs: getOptions.runs ?? 10 }))
          .thread;
      },
      async list(listOptions = {}) {
        return (await transport.request(ops.ThreadsDocument, listOptions)).threads;
      },
    },
    interrupts: {
      approve: (threadId, o) => resume(threadId, { approved: true }, o),
      edit: (threadId, text, o) => resume(threadId, { edit: text }, o),
      revise: (threadId, feedback, o) => resume(threadId, { approved: false, feedback }, o),
      resume,
    },
    memories: {
      async put(input) {
        return (await transport.request(ops.PutMemoryDocument, { input })).putMemory;
      },
      async search(input) {
        return (await transport.request(ops.SearchMemoriesDocument, { input })).searchMemories;
      },
      async namespaces(nsOptions = {}) {
        return (await transport.request(ops.MemoryNamespacesDocument, nsOptions)).memoryNamespaces;
      },
      async history(namespace, key) {
        return (await transport.request(ops.MemoryHistoryDocument, { namespace, key }))
          .memoryHistory;
      },
    },
    documents: {
      async upload(file, uploadOptions = {}) {
        const { uploadDocument } = await transport.upload(
          ops.UploadDocumentDocument,
          { input: { file, ...(uploadOptions.title ? { title: uploadOptions.title } : {}) } },
          { "input.file": file },
          uploadOptions.onProgress,
        );
        return uploadDocument;
      },
      async uploadAndFollow(file, followOptions = {}) {
        const document = await this.upload(file, followOptions);
        return await followDocument(transport, document, followOptions);
      },
      async get(id) {
        return (await transport.request(ops.DocumentDocument, { id })).document;
      },
    },
    project: {
      async status() {
        return (await transport.request(ops.ProjectStatusDocument, {})).projectStatus;
      },
      async nextTasks(taskOptions = {}) {
        return (await transport.request(ops.NextTasksDocument, taskOptions)).nextTasks;
      },
      async updateTask(taskId, status, taskOptions = {}) {
        return (await transport.request(ops.UpdateTaskStatusDocument, {
          input: { taskId, status, ...(taskOptions.force ? { force: true } : {}) },
        })).updateTaskStatus;
      },
      watch: (watchOptions = {}) => watchProject(watchOptions.signal),
    },
    close: () => transport.close(),
  };
}
