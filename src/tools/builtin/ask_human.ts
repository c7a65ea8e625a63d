/**
 * `ask_human`, the human-in-the-loop tool: it pauses the run with
 * LangGraph's `interrupt()`, the run ends `interrupted`, and the value the
 * client passes to `resumeRun` becomes the tool's answer.
 *
 * @module
 */
import { interrupt } from "@langchain/langgraph";
import { z } from "zod";
import { defineTool } from "../../core/tool.ts";

/** The question tool. */
export const askHumanTool = defineTool({
  name: "ask_human",
  description: "Asks the user a question and waits for the answer. Use it to clarify a " +
    "request or to get approval before doing something with consequences.",
  permission: "human:ask",
  schema: z.object({ question: z.string().describe("The question to ask the user.") }),
  run({ question }) {
    const answer = interrupt({ type: "question", question });
    return typeof answer === "string" ? answer : JSON.stringify(answer);
  },
  offlineArgs: (said) =>
    /\bask me\b/i.test(said)
      ? { question: `What should I know before I answer "${said}"?` }
      : undefined,
});
