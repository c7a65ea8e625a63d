/**
 * The tools agents may use, by name. An agent definition lists tool names;
 * the runtime looks them up here, so a roster of agents can share tools.
 *
 * `ask_human` is the human-in-the-loop tool: it pauses the run with
 * LangGraph's `interrupt()`, and the client's `resumeRun` value becomes the
 * tool's answer.
 *
 * `manage_memory` and `search_memory` are the hot-path long-term memory
 * tools. They use the graph's store, which a run gets only when memory is
 * enabled (`ENABLE_MEMORY`): the run's user's store, so the namespace needs
 * no user id. With memory off they are left out of every agent.
 *
 * @example
 * ```ts
 * const [clock] = resolveTools(["get_current_time"]);
 * console.log(await clock.invoke({}));
 * ```
 * @module
 */
import { type StructuredToolInterface, tool } from "@langchain/core/tools";
import { interrupt } from "@langchain/langgraph";
import { z } from "zod";
import {
  createManageMemoryTool,
  createSearchMemoryTool,
  USER_MEMORY_NAMESPACE,
} from "../memories/tools.ts";

const getCurrentTime = tool(
  ({ timeZone }) => {
    const zone = timeZone ?? "UTC";
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: zone,
        dateStyle: "full",
        timeStyle: "long",
      }).format(new Date());
    } catch {
      return `Unknown time zone "${zone}"; use an IANA name such as Europe/Paris.`;
    }
  },
  {
    name: "get_current_time",
    description: "Returns the current date and time, in UTC or in the given IANA time zone.",
    schema: z.object({
      timeZone: z.string().optional().describe("An IANA time zone, e.g. Europe/Paris."),
    }),
  },
);

const askHuman = tool(
  ({ question }) => {
    // The run ends `interrupted` here; `resumeRun` re-enters with the answer.
    const answer = interrupt({ type: "question", question });
    return typeof answer === "string" ? answer : JSON.stringify(answer);
  },
  {
    name: "ask_human",
    description: "Asks the user a question and waits for the answer. Use it to clarify a " +
      "request or to get approval before doing something with consequences.",
    schema: z.object({ question: z.string().describe("The question to ask the user.") }),
  },
);

const manageMemory = createManageMemoryTool({ namespace: [...USER_MEMORY_NAMESPACE] });
const searchMemory = createSearchMemoryTool({ namespace: [...USER_MEMORY_NAMESPACE] });

/** Every tool, by name. */
export const TOOL_CATALOGUE: Readonly<Record<string, StructuredToolInterface>> = Object.freeze({
  [getCurrentTime.name]: getCurrentTime,
  [askHuman.name]: askHuman,
  [manageMemory.name]: manageMemory,
  [searchMemory.name]: searchMemory,
});

/** Tools that need the run's long-term memory store. */
export const MEMORY_TOOLS: ReadonlySet<string> = new Set([manageMemory.name, searchMemory.name]);

/** The tool names an agent gets: its own, without the memory tools when memory is off. */
export function availableTools(names: readonly string[], options: { memory: boolean }): string[] {
  return names.filter((name) => options.memory || !MEMORY_TOOLS.has(name));
}

/** What the system prompt adds when an agent has the memory tools. */
export const MEMORY_PROMPT = "You have a long-term memory about the user that outlives this " +
  "conversation. Use search_memory when earlier context about the user would help, and " +
  "manage_memory to remember durable facts and preferences the user shares, to correct a " +
  "memory that changed, or to forget one that is wrong.";

/** Looks up tools by name; throws on an unknown name so a bad definition fails at start. */
export function resolveTools(names: readonly string[]): StructuredToolInterface[] {
  return names.map((name) => {
    const found = TOOL_CATALOGUE[name];
    if (found === undefined) {
      throw new Error(
        `Unknown tool "${name}"; known tools: ${Object.keys(TOOL_CATALOGUE).join(", ")}.`,
      );
    }
    return found;
  });
}
