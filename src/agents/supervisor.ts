/**
 * The default agent: LangGraph's multi-agent supervisor pattern. The
 * supervisor is the assistant (same tools, same human review) plus one
 * handoff tool per worker; a handoff runs the `research` or `chart` worker
 * as a subgraph (see handoff.ts), and then the supervisor answers from what
 * the worker found. A reply that needs no worker takes one model call, as
 * the assistant's does.
 *
 * ```
 * START → agent ─┬─ transfer_to_research ─► research ─► agent
 *                ├─ transfer_to_chart ────► chart ────► agent
 *                ├─ other tool calls ─────► tools ────► agent
 *                ├─ approval ─► review ─┬─ approved / edited → END
 *                │                      └─ feedback → agent
 *                └──────────────────────────────────────────► END
 * ```
 *
 * `@langchain/langgraph-supervisor` (1.1.3, compatible with our LangGraph
 * 1.7) is not used: it builds the supervisor with the prebuilt
 * `createReactAgent` and its ToolNode, so it has no place for our review
 * node, our tool node (tool_usage, answers to unanswered calls) or our node
 * names, and it re-publishes the whole history as its node's update and
 * adds "transferring back" messages to every thread.
 *
 * @module
 */
import { SystemMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StructuredToolInterface } from "@langchain/core/tools";
import { END, START, StateGraph } from "@langchain/langgraph";
import type { OfflineArgs } from "../llm/offline_plan.ts";
import { assistant } from "./assistant.ts";
import { chart } from "./chart.ts";
import type { AgentDefinition, AgentGraph, AgentGraphDeps } from "./definition.ts";
import { createHandoffTool, createWorkerGraph, createWorkerNode, handoffName } from "./handoff.ts";
import { research } from "./research.ts";
import { reviewNode } from "./review_node.ts";
import { AgentState, type AgentStateUpdate, type AgentStateValue } from "./state.ts";
import { answerDanglingToolCalls, createToolNode, toolCallsOf } from "./tool_node.ts";

/** The workers, with the words that make the offline model hand a request to each. */
const WORKERS: readonly { definition: AgentDefinition; offline: OfflineArgs }[] = [
  {
    definition: research,
    offline: (said) =>
      /\b(research|look up|find|search|documents?|sources?)\b/i.test(said) ? {} : undefined,
  },
  {
    definition: chart,
    offline: (said) => /\b(chart|plot|graph|visuali[sz]e|diagram)\b/i.test(said) ? {} : undefined,
  },
];

/** The supervisor's definition: its tools are its own and its workers'. */
export const supervisor: AgentDefinition = {
  id: "supervisor",
  name: "Supervisor",
  description: "The default agent: a helpful assistant that leads a team. It answers " +
    "directly when it can, hands research (your documents, memories, the web) to the research " +
    "agent and charts to the chart agent, then answers from their findings. It can tell the " +
    "time, asks you when something is unclear, can hold a reply for your approval, and (with " +
    "memory enabled) remembers what you tell it across threads.",
  systemPrompt: "You are Graphmind's supervisor, a helpful and concise assistant that leads a " +
    "small team. Answer directly when you can. Hand a request to the research agent " +
    "(transfer_to_research) when it needs facts from the user's documents, memories or the " +
    "web, and to the chart agent (transfer_to_chart) when the user wants data shown as a " +
    "chart. When a worker reports back, answer the user yourself from its findings; do not " +
    "hand the same request to the same worker twice. When a request is ambiguous or has " +
    "consequences, use the ask_human tool to ask first.",
  tools: [
    ...new Set([
      ...assistant.tools,
      ...WORKERS.flatMap((worker) => worker.definition.tools),
    ]),
  ],
  createGraph: createSupervisorGraph,
};

function createSupervisorGraph(deps: AgentGraphDeps): AgentGraph {
  // In the order the agent lists them: the offline model demonstrates the first that applies.
  const pick = (names: readonly string[]) =>
    names.flatMap((name) => deps.tools.filter((t) => t.name === name));
  // A worker none of whose tools are available here gets no handoff.
  const workers = WORKERS.map((worker) => ({ ...worker, tools: pick(worker.definition.tools) }))
    .filter((worker) => worker.tools.length > 0);
  // Its own tools: the assistant's, and any TOOL_MODULES attached to the supervisor; the
  // workers' tools stay with the workers.
  const workerOnly = new Set(
    WORKERS.flatMap((w) => w.definition.tools).filter((name) => !assistant.tools.includes(name)),
  );
  const own = deps.tools.filter((t) => !workerOnly.has(t.name));
  // Handoffs first: the offline model demonstrates the first tool that applies.
  const bound: StructuredToolInterface[] = [
    ...workers.map((worker) => createHandoffTool(worker.definition, worker.offline)),
    ...own,
  ];
  const model = deps.model.bindTools ? deps.model.bindTools(bound) : deps.model;
  const system = new SystemMessage(deps.systemPrompt);
  const workerOf = new Map(workers.map((w) => [handoffName(w.definition.id), w.definition.id]));

  async function callModel(state: AgentStateValue, config: RunnableConfig) {
    const reply = await model.invoke([system, ...answerDanglingToolCalls(state.messages)], config);
    return { messages: [reply] };
  }

  function afterModel(state: AgentStateValue): string {
    const calls = toolCallsOf(state.messages.at(-1));
    const handoff = calls.find((call) => workerOf.has(call.name));
    if (handoff !== undefined) return workerOf.get(handoff.name)!;
    if (calls.length > 0) return "tools";
    return state.requireApproval ? "review" : END;
  }

  // Node names depend on the available workers, so the builder is typed by string names.
  const graph = new StateGraph(AgentState) as unknown as StateGraph<
    typeof AgentState.spec,
    AgentStateValue,
    AgentStateUpdate,
    string
  >;
  graph
    .addNode("agent", callModel)
    .addNode("tools", createToolNode({ ...deps, tools: own }))
    .addNode("review", reviewNode, { ends: ["agent", END] })
    .addEdge(START, "agent")
    .addEdge("tools", "agent");
  for (const worker of workers) {
    const subgraph = createWorkerGraph(worker.definition, { ...deps, tools: worker.tools });
    graph.addNode(worker.definition.id, createWorkerNode(worker.definition, subgraph), {
      subgraphs: [subgraph],
    });
    graph.addEdge(worker.definition.id, "agent");
  }
  graph.addConditionalEdges("agent", afterModel, [
    "tools",
    "review",
    END,
    ...workers.map((w) => w.definition.id),
  ]);
  return graph.compile({ checkpointer: deps.checkpointer, name: deps.agentId }) as AgentGraph;
}
