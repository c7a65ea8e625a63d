/**
 * What a hostile client may not do with a GraphQL document, as envelop
 * plugins that apply on every transport (HTTP, SSE and WebSocket):
 *
 * - depth, cost, aliases and tokens, through graphql-armor, with limits from
 *   the configuration and errors that say which limit and by how much;
 * - introspection, when `GRAPHQL_INTROSPECTION` is off (production's
 *   default), and then field suggestions too, which would leak the schema
 *   piece by piece;
 * - cross-site request forgery: a request a browser would send without a
 *   CORS preflight (a GET, or a form or text/plain POST) must carry a custom
 *   header, so a foreign page cannot make a user's browser act for them.
 *
 * @example
 * ```ts
 * createYoga({ schema, plugins: [...limitPlugins(config.graphql)] });
 * ```
 * @module
 */
import type { Plugin } from "graphql-yoga";
import {
  getNamedType,
  GraphQLError,
  isIntrospectionType,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { blockFieldSuggestionsPlugin } from "@escape.tech/graphql-armor-block-field-suggestions";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import type { Config } from "../config.ts";

/** Headers any of which marks a request as sent by a script, not a bare form or link. */
export const CSRF_HEADERS = [
  "x-graphql-yoga-csrf",
  "apollo-require-preflight",
  "graphql-preflight",
];

type LimitName = "maxDepth" | "maxCost" | "maxAliases" | "maxTokens";

const ADVICE: Record<LimitName, (max: number, found: string | undefined) => string> = {
  maxDepth: (max, found) =>
    `Query depth ${found} exceeds the limit of ${max}; ask for fewer nested levels.`,
  maxCost: (max, found) =>
    `Query cost ${found} exceeds the limit of ${max}; ask for fewer fields or smaller pages ` +
    "(first/last).",
  maxAliases: (max, found) =>
    `Query uses ${found} aliases, more than the limit of ${max}; split it into several requests.`,
  maxTokens: (max) =>
    `Query has more than ${max} tokens; send large values as variables, or split the query.`,
};

/** The error a client sees for a broken limit; graphql-armor's own says "Syntax Error". */
export function limitError(limit: LimitName, max: number, armorError: GraphQLError): GraphQLError {
  const found = /found (\d+(?:\.\d+)?)/.exec(armorError.message)?.[1];
  return new GraphQLError(ADVICE[limit](max, found), {
    nodes: armorError.nodes,
    extensions: {
      code: "BAD_USER_INPUT",
      limit,
      max,
      ...(found === undefined ? {} : { found: Number(found) }),
    },
  });
}

/** Reports through the validation context, so every broken limit is listed at once. */
function report(limit: LimitName, max: number) {
  return {
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => {
      // The token limit runs in the parser, with no validation context: throw.
      if (context === null) throw limitError(limit, max, error);
      context.reportError(limitError(limit, max, error));
    }],
  };
}

/** Refuses introspection fields (`__schema`, `__type`); `__typename` stays allowed. */
export const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    const type = getNamedType(context.getType());
    if (type !== undefined && isIntrospectionType(type)) {
      context.reportError(
        new GraphQLError(
          `Introspection is disabled on this server, so "${node.name.value}" cannot be ` +
            "queried; use the published schema (schema/schema.graphql) instead.",
          { nodes: node, extensions: { code: "FORBIDDEN" } },
        ),
      );
    }
  },
});

/**
 * Strips "Did you mean ...?" from a message. graphql-armor's plugin only sees
 * validation, and only field names; input coercion ("Did you mean the enum
 * value ...", misspelt input fields in variables) needs this as well.
 */
export function withoutSuggestions(error: GraphQLError): GraphQLError {
  const message = error.message.replace(/\s*Did you mean [^?]*\?/g, "");
  if (message === error.message) return error;
  return new GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/** The plugins, in the order they must run. */
export function limitPlugins(limits: Config["graphql"]): Plugin[] {
  const plugins: Plugin[] = [
    useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
    maxTokensPlugin({ n: limits.maxTokens, ...report("maxTokens", limits.maxTokens) }),
    // Fragments count where they are spread, as if written inline; otherwise
    // each spread adds a level and fragment-heavy clients (Relay) pay twice.
    maxDepthPlugin({
      n: limits.maxDepth,
      flattenFragments: true,
      ...report("maxDepth", limits.maxDepth),
    }),
    costLimitPlugin({
      maxCost: limits.maxCost,
      flattenFragments: true,
      ...report("maxCost", limits.maxCost),
    }),
    maxAliasesPlugin({ n: limits.maxAliases, ...report("maxAliases", limits.maxAliases) }),
  ];
  if (!limits.introspection) {
    plugins.push(
      { onValidate: ({ addValidationRule }) => addValidationRule(noIntrospectionRule) },
      blockFieldSuggestionsPlugin({ mask: "" }),
    );
  }
  return plugins;
}
