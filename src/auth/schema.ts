/**
 * The `viewer` query: who the request acts for.
 *
 * @module
 */
import { builder } from "../graphql/builder.ts";
import type { Viewer } from "./viewer.ts";
import { TOOL_PERMISSIONS } from "../core/tool.ts";

const ViewerRef = builder.objectRef<Viewer>("Viewer").implement({
  description: "The user a request acts for.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The user's id: the token's `sub`, or `local`." }),
    roles: t.exposeStringList("roles", { description: "The user's roles, e.g. `admin`." }),
    anonymous: t.exposeBoolean("anonymous", {
      description: "True for the development profile's tokenless local user.",
    }),
    permissions: t.stringList({
      description: "What this user's agents may do with tools, e.g. `memory:read`: the " +
        "token's `scope`, or every permission when it has none.",
      resolve: (viewer) => [...(viewer.permissions ?? TOOL_PERMISSIONS)],
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: ViewerRef,
    description: "The user this request acts for.",
    resolve: (_root, _args, { viewer }) => viewer,
  }));
