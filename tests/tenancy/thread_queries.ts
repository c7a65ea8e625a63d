/**
 * The GraphQL operations the threads tenancy test sends: every field of a
 * thread, each nested field alone, and the list with its filters.
 *
 * @module
 */

/** Creates a thread. */
export const CREATE = "mutation ($i: CreateThreadInput!) { createThread(input: $i) { id } }";
/** Sends a message. */
export const SEND = "mutation ($i: SendMessageInput!) { sendMessage(input: $i) { id } }";
/** Sends a message and streams the run. */
export const CHAT = "subscription ($i: SendMessageInput!) { chat(input: $i) { __typename runId } }";
/** Everything a thread shows, including what changes on any write (updatedAt, runs). */
export const FULL = `query ($id: ID!) { thread(id: $id) {
  id title metadata status agentId checkpointId createdAt updatedAt agent { id }
  messages { id role content } interrupts { id node value } values
  history(first: 20) { edges { cursor node { id parentId values } } }
  runs(first: 20) { edges { node { id status lastSequence } } } } }`;
/** Each nested field of `Thread` on its own, so each is attacked by itself. */
export const NESTED: Record<string, string> = {
  "thread.messages": "messages { id role content name toolCallId toolCalls { id name args } }",
  "thread.values": "values",
  "thread.history": `history(first: 20) { edges { cursor node { id parentId createdAt source
    step next values messages { content } interrupts { id value } } } }`,
  "thread.runs": "runs(first: 20) { edges { node { id status threadId error lastSequence } } }",
  "thread.interrupts": "interrupts { id node value }",
  "thread fields": "id title metadata status agentId checkpointId agent { id name }",
};
/** Lists the viewer's threads with a filter and a cursor. */
export const LIST = `query ($f: ThreadFilter, $after: String) {
  threads(first: 20, filter: $f, after: $after) {
    edges { cursor node { id title metadata status } } } }`;
