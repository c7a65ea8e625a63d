/**
 * The `agents` and `agent(id)` queries.
 *
 * @module
 */
import { z } from "zod";
import { builder } from "../graphql/builder.ts";
import type { AgentInfo } from "./runtime.ts";

/** The `Agent` GraphQL type, for other schema files that link to agents. */
export const AgentRef = builder.objectRef<AgentInfo>("Agent").implement({
  description: "An agent threads can talk to: its prompt, model and tools define it.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "Pass it as `agentId`, e.g. `research`." }),
    name: t.exposeString("name", { description: "A human-readable name." }),
    description: t.exposeString("description", { description: "What the agent is for." }),
    model: t.exposeString("model", {
      description: "The chat model it runs, e.g. `gpt-4`, or `graphmind-offline` when offline.",
    }),
    tools: t.exposeStringList("tools", { description: "The names of the tools it may call." }),
    offline: t.exposeBoolean("offline", {
      description: "True when it runs on the offline model because no OPENAI_API_KEY is set.",
    }),
  }),
});

builder.queryField("agents", (t) =>
  t.field({
    type: [AgentRef],
    description: "Every agent, the default (`supervisor`) first.",
    resolve: (_root, _args, { services }) => services.agents.list(),
  }));

builder.queryField("agent", (t) =>
  t.field({
    type: AgentRef,
    description: "One agent by id; NOT_FOUND when there is no such agent.",
    args: {
      id: t.arg.id({
        required: true,
        description: "The agent's id.",
        validate: z.string().min(1, { error: "must not be empty" }).max(64, {
          error: "must be at most 64 characters",
        }),
      }),
    },
    resolve: (_root, { id }, { services }) => services.agents.require(String(id)).info,
  }));
