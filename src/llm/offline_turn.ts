/**
 * What the offline model (no OPENAI_API_KEY) does next in a conversation, so
 * `deno task start` walks every agent through its main path without a key:
 *
 * - a structured-output request (one bound JSON-schema function, as
 *   `withStructuredOutput` binds it) is answered with a call filling the
 *   schema from its defaults, so graders and routers get a valid value;
 * - while no bound tool has answered since the user's last message, the
 *   first bound tool whose offline arguments (see offline_plan.ts) give
 *   something to do is called;
 * - otherwise the reply is text: it quotes what the tools returned this
 *   turn, or the user's last message.
 *
 * Everything here is a pure function of the messages and the tools, so the
 * same conversation always gets the same turn.
 *
 * @example
 * ```ts
 * import { HumanMessage } from "@langchain/core/messages";
 * offlineTurn([new HumanMessage("hi")], []); // { kind: "text", text: "Offline model, turn 1. ..." }
 * ```
 * @module
 */
import type { AIMessage, BaseMessage, ToolMessage } from "@langchain/core/messages";
import { offlineArgsOf } from "./offline_plan.ts";
import { currentTurn } from "./messages.ts";

/** The offline model's next move. */
export type OfflineTurn =
  | { kind: "call"; name: string; args: Record<string, unknown>; id: string }
  | { kind: "text"; text: string };

const KEY_HINT =
  "Set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) for real answers.";

/** Decides the turn for `messages` with `tools` bound (LangChain tools or function definitions). */
export function offlineTurn(messages: BaseMessage[], tools: readonly unknown[]): OfflineTurn {
  const id = `call_offline_${messages.length}`;
  const structured = structuredOutputFunction(tools);
  if (structured !== undefined) {
    return { kind: "call", name: structured.name, args: exampleOf(structured.parameters), id };
  }
  const turn = currentTurn(messages);
  const bound = new Set(tools.map(toolName).filter((name) => name !== undefined));
  const answered = turn.some((m) => m.getType() === "tool" && bound.has(m.name ?? ""));
  if (!answered) {
    const said = lastUserText(messages);
    for (const tool of tools) {
      const args = offlineArgsOf(tool)?.(said);
      const name = toolName(tool);
      if (args !== undefined && name !== undefined) return { kind: "call", name, args, id };
    }
  }
  return { kind: "text", text: offlineText(messages) };
}

/**
 * The text reply: it quotes this turn's results when there are any, the
 * user's last message otherwise, and says plainly that no model is set.
 */
export function offlineText(messages: BaseMessage[]): string {
  const said = quote(lastUserText(messages), 200);
  const turnNumber = messages.filter((m) => m.getType() === "human").length;
  if (said.length === 0) {
    return "Hello from the offline model. Set OPENAI_API_KEY to talk to a real model.";
  }
  const results = turnResults(currentTurn(messages));
  if (results.length > 0) {
    return `Offline model, turn ${turnNumber}. For "${said}" I found: ${results.join("; ")}. ` +
      KEY_HINT;
  }
  return `Offline model, turn ${turnNumber}. You said: "${said}". ${KEY_HINT}`;
}

/** The messages after the user's last one. */
/**
 * What this turn produced, quoted: the results of the last tool calls. When
 * a worker agent answered after them, its text already quotes them, so the
 * supervisor quotes the results rather than the worker's quote.
 */
function turnResults(turn: BaseMessage[]): string[] {
  const lastCall = turn.findLastIndex((m) => ((m as AIMessage).tool_calls?.length ?? 0) > 0);
  if (lastCall === -1) return [];
  return turn.slice(lastCall + 1).filter((m) => m.getType() === "tool").map((m) =>
    `${(m as ToolMessage).name ?? "a tool"} said "${quote(m.text, 160)}"`
  );
}

function lastUserText(messages: BaseMessage[]): string {
  return messages.findLast((m) => m.getType() === "human")?.text ?? "";
}

function quote(text: string, max: number): string {
  const flat = text.trim().replace(/\s+/g, " ");
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** A tool's name: LangChain tools carry `name`, function definitions `function.name`. */
function toolName(tool: unknown): string | undefined {
  if (typeof tool !== "object" || tool === null) return undefined;
  const t = tool as { name?: unknown; function?: { name?: unknown } };
  const name = t.function?.name ?? t.name;
  return typeof name === "string" ? name : undefined;
}

/** The one JSON-schema function `withStructuredOutput` binds, if that is what is bound. */
function structuredOutputFunction(
  tools: readonly unknown[],
): { name: string; parameters: unknown } | undefined {
  if (tools.length !== 1) return undefined;
  const [only] = tools as { type?: unknown; function?: { name?: unknown; parameters?: unknown } }[];
  if (only?.type !== "function" || typeof only.function?.name !== "string") return undefined;
  return { name: only.function.name, parameters: only.function.parameters };
}

/** A value of a JSON schema: its default, its first enum value, or an empty value. */
export function exampleOf(schema: unknown): Record<string, unknown> {
  const value = exampleValue(schema);
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function exampleValue(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null) return null;
  const s = schema as Record<string, unknown>;
  if ("default" in s) return s.default;
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(properties).map(([key, value]) => [key, exampleValue(value)]),
      );
    }
    case "array":
      return [];
    case "string":
      return "";
    case "number":
    case "integer":
      return 0;
    case "boolean":
      return false;
  }
  const options = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  return options?.length ? exampleValue(options[0]) : null;
}
