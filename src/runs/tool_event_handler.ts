/**
 * Publishes a run's tool calls as they happen, from LangChain's tool
 * callbacks: `started` with the arguments, then `finished` with the result
 * and its artifact, or `failed` with the error. A client sees a slow tool
 * (a code run, a web search) working before its result message arrives.
 * An `interrupt()` inside a tool is not a failure; the InterruptEvent
 * reports it.
 *
 * @module
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { Serialized } from "@langchain/core/load/serializable";
import { ToolMessage } from "@langchain/core/messages";
import { isGraphBubbleUp } from "@langchain/langgraph";
import type { ToolPayload } from "./events.ts";

/** Receives one tool event. */
export type OnToolEvent = (event: ToolPayload) => void;

/** Longest tool output an event carries; the full result is in the MessageEvent. */
const MAX_OUTPUT_CHARS = 2000;

interface Started {
  toolCallId: string;
  name: string;
  node: string | null;
  at: number;
}

class ToolEventHandler extends BaseCallbackHandler {
  name = "graphmind_tool_event_handler";
  override awaitHandlers = true;
  readonly #calls = new Map<string, Started>();
  readonly #emit: OnToolEvent;

  constructor(emit: OnToolEvent) {
    super({ _awaitHandler: true });
    this.#emit = emit;
  }

  override handleToolStart(
    tool: Serialized,
    input: string,
    runId: string,
    _parentRunId?: string,
    _tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    const node = metadata?.langgraph_node;
    const started: Started = {
      toolCallId: toolCallId ?? runId,
      name: runName ?? String(tool.id?.at(-1) ?? "tool"),
      node: typeof node === "string" ? node : null,
      at: performance.now(),
    };
    this.#calls.set(runId, started);
    this.#emit({
      type: "tool",
      phase: "started",
      toolCallId: started.toolCallId,
      name: started.name,
      input: parseInput(input),
      output: null,
      artifact: null,
      durationMs: null,
      node: started.node,
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    const started = this.#take(runId);
    if (started === undefined) return;
    const message = output instanceof ToolMessage ? output : undefined;
    const text = message
      ? message.text
      : typeof output === "string"
      ? output
      : JSON.stringify(output);
    this.#emit({
      ...this.#ended(started, message?.status === "error" ? "failed" : "finished"),
      output: clip(text ?? ""),
      artifact: message?.artifact ?? null,
    });
  }

  override handleToolError(error: unknown, runId: string): void {
    const started = this.#take(runId);
    if (started === undefined || isGraphBubbleUp(error)) return;
    const text = error instanceof Error ? error.message : String(error);
    this.#emit({ ...this.#ended(started, "failed"), output: clip(text), artifact: null });
  }

  #take(runId: string): Started | undefined {
    const started = this.#calls.get(runId);
    this.#calls.delete(runId);
    return started;
  }

  #ended(started: Started, phase: "finished" | "failed"): ToolPayload {
    return {
      type: "tool",
      phase,
      toolCallId: started.toolCallId,
      name: started.name,
      input: null,
      output: null,
      artifact: null,
      durationMs: Math.round((performance.now() - started.at) * 1000) / 1000,
      node: started.node,
    };
  }
}

/** Tool inputs reach callbacks as JSON text; clients get the object back. */
function parseInput(input: string): unknown {
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

function clip(text: string): string {
  return text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}…` : text;
}

/** A callback handler calling `emit` for every tool call's start and end. */
export function createToolEventHandler(emit: OnToolEvent): BaseCallbackHandler {
  return new ToolEventHandler(emit);
}
