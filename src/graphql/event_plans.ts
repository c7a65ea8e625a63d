/**
 * A compiled plan for subscription events. graphql-js executes a
 * subscription's whole selection set once per event (with yoga's executor,
 * envelop's hooks and the promise helpers around it): at hundreds of tokens
 * per second per stream, that execution is one of the largest costs of a
 * token. The events of the fields marked `EVENT_IS_RESULT` (event_passthrough.ts) are
 * plain objects whose fields read only the event, so this plugin builds, per
 * document and event type, the list of (response key, field) the selection
 * set asks for, and fills each event's result from it directly.
 *
 * Anything the plan does not cover is executed by graphql-js as before,
 * event by event: a selection with directives, arguments, lists or nested
 * objects (a `MessageEvent`'s `message`), a resolver that takes more than
 * the event, a null in a non-null field, or a value a scalar refuses. The
 * result is the same either way; a test compares both paths.
 *
 * @example
 * ```ts
 * createYoga({ schema, plugins: [useEventPlans()] });
 * ```
 * @module
 */
import {
  createSourceEventStream,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  getNamedType,
  type GraphQLAbstractType,
  type GraphQLField,
  type GraphQLLeafType,
  type GraphQLObjectType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";

/** One field of a plan: where its value goes and how it is read. */
interface PlannedField {
  key: string;
  /** The type's name for `__typename`; otherwise undefined. */
  typename?: string;
  name: string;
  resolve?: (source: unknown) => unknown;
  leaf?: GraphQLLeafType;
  nonNull: boolean;
}

/** A type's plan, or null when the type must go through graphql-js. */
type Plan = PlannedField[] | null;

/** A marked subscription's root field and its plans by event type. */
interface PlanEntry {
  field: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  byType: Map<string, Plan>;
}

/** Per document (yoga caches parsed documents), the root field and each type's plan. */
const plans = new WeakMap<object, PlanEntry | null>();

/** The envelop plugin that executes marked subscriptions' events from plans. */
export function useEventPlans(): Plugin {
  return {
    onSubscribe({ args, setSubscribeFn }) {
      if (!planEntry(args)) return;
      setSubscribeFn(async (subscribeArgs) => {
        const executionArgs = subscribeArgs as ExecutionArgs;
        const source = await createSourceEventStream(executionArgs);
        if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
        return mapEvents(
          source as AsyncIterableIterator<unknown>,
          (event) => eventResult(executionArgs, event),
        );
      });
    },
  };
}

/**
 * The result of one event of a subscription operation (`args`), from the
 * plan when one applies, else executed by graphql-js (exported for tests).
 */
export function eventResult(
  args: ExecutionArgs,
  event: unknown,
): ExecutionResult | Promise<ExecutionResult> {
  const entry = planEntry(args);
  return (entry && planned(args, entry, event)) ?? execute({ ...args, rootValue: event });
}

/**
 * The operation's plans, once per document: null unless its one root field
 * is a marked subscription without directives.
 */
function planEntry(args: ExecutionArgs): PlanEntry | null {
  let entry = plans.get(args.document);
  if (entry === undefined) {
    entry = rootOf(args);
    plans.set(args.document, entry);
  }
  return entry;
}

/** The plan entry of a document with one operation, a marked subscription; else null. */
function rootOf(args: ExecutionArgs) {
  const operations = args.document.definitions.filter((d): d is OperationDefinitionNode =>
    d.kind === Kind.OPERATION_DEFINITION
  );
  // One operation only, so the entry holds whatever operation name a request gives.
  const operation = operations.length === 1 ? operations[0] : undefined;
  if (operation?.operation !== "subscription") return null;
  const [selection, ...more] = operation.selectionSet.selections;
  if (selection?.kind !== Kind.FIELD || more.length > 0 || selection.directives?.length) {
    return null;
  }
  const definition = args.schema.getSubscriptionType()?.getFields()[selection.name.value];
  if (definition?.extensions?.eventIsResult !== true) return null;
  return { field: selection, definition, byType: new Map<string, Plan>() };
}

/** The event's result from its type's plan; undefined when graphql-js must execute it. */
function planned(
  args: ExecutionArgs,
  entry: PlanEntry,
  event: unknown,
): ExecutionResult | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  const type = runtimeType(args, entry.definition, event);
  if (type === undefined) return undefined;
  let plan = entry.byType.get(type.name);
  if (plan === undefined) {
    const selectionSet = entry.field.selectionSet;
    plan = selectionSet === undefined ? null : compile(args, type, selectionSet);
    entry.byType.set(type.name, plan);
  }
  if (plan === null) return undefined;
  const data: Record<string, unknown> = {};
  for (const field of plan) {
    if (field.typename !== undefined) {
      data[field.key] = field.typename;
      continue;
    }
    const value = field.resolve
      ? field.resolve(event)
      : (event as Record<string, unknown>)[field.name];
    if (value === null || value === undefined) {
      if (field.nonNull) return undefined;
      data[field.key] = null;
      continue;
    }
    if (typeof value === "function" || value instanceof Promise) return undefined;
    try {
      const serialized = field.leaf!.serialize(value);
      if (serialized === undefined) return undefined;
      data[field.key] = serialized;
    } catch {
      return undefined;
    }
  }
  return { data: { [entry.field.alias?.value ?? entry.field.name.value]: data } };
}

/** The object type of `event`, when its abstract type names it synchronously. */
function runtimeType(
  args: ExecutionArgs,
  root: GraphQLField<unknown, unknown>,
  event: object,
): GraphQLObjectType | undefined {
  const returnType = getNamedType(root.type);
  if (isObjectType(returnType)) return returnType;
  if (!isAbstractType(returnType) || returnType.resolveType === undefined) return undefined;
  try {
    const name = (returnType as GraphQLAbstractType).resolveType!(
      event,
      args.contextValue,
      undefined as never,
      returnType,
    );
    const type = typeof name === "string" ? args.schema.getType(name) : undefined;
    return type !== undefined && isObjectType(type) ? type : undefined;
  } catch {
    return undefined;
  }
}

/** The plan of `type` under `selectionSet`, or null when some selection needs graphql-js. */
function compile(
  args: ExecutionArgs,
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
): Plan {
  const fields: PlannedField[] = [];
  const seen = new Set<string>();
  const fragments = new Map(
    args.document.definitions.flatMap((d) =>
      d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : []
    ),
  );
  const applies = (condition: string | undefined) => {
    if (condition === undefined || condition === type.name) return true;
    const abstract = args.schema.getType(condition);
    return abstract !== undefined && isAbstractType(abstract) &&
      args.schema.isSubType(abstract, type);
  };
  function collect(set: SelectionSetNode): boolean {
    for (const selection of set.selections) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value) && !collect(selection.selectionSet)) {
          return false;
        }
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment === undefined || fragment.directives?.length) return false;
        if (applies(fragment.typeCondition.name.value) && !collect(fragment.selectionSet)) {
          return false;
        }
        continue;
      }
      const key = selection.alias?.value ?? selection.name.value;
      if (selection.arguments?.length || selection.selectionSet) return false;
      if (seen.has(key)) continue;
      seen.add(key);
      if (selection.name.value === "__typename") {
        fields.push({ key, typename: type.name, name: "__typename", nonNull: true });
        continue;
      }
      const field = type.getFields()[selection.name.value];
      const leaf = field && getNamedType(field.type);
      if (!field || field.args.length > 0 || !isLeafType(leaf)) return false;
      // A resolver that takes only the event reads nothing else (context, info).
      if (field.resolve !== undefined && field.resolve.length > 1) return false;
      const resolve = field.resolve as ((source: unknown) => unknown) | undefined;
      fields.push({
        key,
        name: field.name,
        leaf,
        nonNull: isNonNullType(field.type),
        ...(resolve ? { resolve } : {}),
      });
    }
    return true;
  }
  return collect(selectionSet) ? fields : null;
}

/** `source` with each event mapped; `return()` reaches the source, so a departed client frees it. */
function mapEvents<T>(
  source: AsyncIterableIterator<unknown>,
  map: (event: unknown) => T | Promise<T>,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const step = await source.next();
      if (step.done) return { done: true, value: undefined };
      return { done: false, value: await map(step.value) };
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    async throw(error) {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
