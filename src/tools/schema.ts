/**
 * The `tools` query: every tool of the catalogue with its permission and
 * whether it is enabled here, and why not.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import type { ToolInfo } from "./registry.ts";

const ToolRef = builder.objectRef<ToolInfo>("Tool").implement({
  description: "A tool agents can call. Agents list the tools they use in `Agent.tools`.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The name models call it by." }),
    description: t.exposeString("description", { description: "What it does, for the model." }),
    permission: t.exposeString("permission", {
      description: "What the caller's token must grant (its `scope`), e.g. `code:execute`.",
    }),
    enabled: t.exposeBoolean("enabled", {
      description: "False when switched off (TOOLS_DISABLED) or missing something it needs.",
    }),
    disabledReason: t.exposeString("disabledReason", {
      nullable: true,
      description: "Why it is not enabled, e.g. `WEB_SEARCH_API_KEY is not set.`; null when it is.",
    }),
  }),
});

builder.queryField("tools", (t) =>
  t.field({
    type: [ToolRef],
    description: "Every tool Graphmind ships, enabled or not.",
    resolve: (_root, _args, { services }) => services.tools.list(),
  }));
