/**
 * Documents across tenants: bob and the admin read, delete, list and
 * search with alice's document ids and her words. Another user's document
 * must answer exactly like one that never existed (`NOT_FOUND`, the same
 * message), lists and searches must hold none of hers, and her rows must
 * be unchanged afterwards. Admins get no cross-user access to documents.
 */
import assert from "node:assert/strict";
import { startTenants, type TenantName } from "../support/tenants.ts";
import { settled, uploadOver } from "../documents/support.ts";

const GET = `query ($id: ID!) {
  document(id: $id) { id filename title mediaType sizeBytes sha256 characters chunkCount createdAt }
}`;
const DELETE = "mutation ($id: ID!) { deleteDocument(input: { id: $id }) }";
const LIST = "{ documents(first: 100) { edges { node { id filename title } } } }";
const SEARCH = `query ($query: String!) {
  searchDocuments(input: { query: $query, limit: 50 }) { document { id filename } content }
}`;
const INTRUDERS: TenantName[] = ["bob", "admin"];

Deno.test("tenancy: documents", async (t) => {
  const tenants = await startTenants();
  const { marker } = tenants;
  const sql = tenants.app.database.sql;
  try {
    const upload = async (as: TenantName, name: string, text: string) => {
      const { body } = await uploadOver(tenants.url, new File([text], name), {
        token: tenants[as].token,
        title: `${as}'s ${name}`,
      });
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const id = (body.data?.uploadDocument as { id: string }).id;
      // The ingest runs as a job: compare and search only READY documents.
      assert.equal((await settled(tenants.app, tenants[as].id, id)).status, "READY");
      return id;
    };
    const aliceId = await upload(
      "alice",
      `secret-${marker}.txt`,
      `Alice's merger plan ${marker}.\n\nThe acquisition of Initech closes in March.`,
    );
    const bobId = await upload("bob", "bob-notes.txt", "Bob's notes about the acquisition.");
    const aliceRows = () =>
      sql`SELECT d.*, (SELECT count(*)::int FROM document_chunks c WHERE c.document_id = d.id) AS chunks
        FROM documents d WHERE owner_id = 'alice'`;
    const before = await aliceRows();

    for (const as of INTRUDERS) {
      await t.step(`${as} cannot read alice's document`, async () => {
        await tenants.attempt(`document(id) as ${as}`, {
          as,
          query: GET,
          variables: { id: aliceId },
          missing: { id: crypto.randomUUID() },
          transports: ["http", "sse", "ws"],
        });
      });

      await t.step(`${as} cannot delete alice's document`, async () => {
        await tenants.attempt(`deleteDocument as ${as}`, {
          as,
          query: DELETE,
          variables: { id: aliceId },
          missing: { id: crypto.randomUUID() },
          unchanged: { as: "alice", query: GET, variables: { id: aliceId } },
        });
      });

      await t.step(`${as}'s lists and searches hold nothing of alice's`, async () => {
        await tenants.invisible(`documents as ${as}`, { as, query: LIST, markers: [aliceId] });
        for (const query of [marker, "Alice's merger plan", "acquisition of Initech in March"]) {
          await tenants.invisible(`searchDocuments "${query}" as ${as}`, {
            as,
            query: SEARCH,
            variables: { query },
            markers: [aliceId, "Initech"],
          });
        }
      });
    }

    await t.step("bob still sees his own, and alice hers, unchanged", async () => {
      const bobs = await tenants.http("bob", LIST);
      const edges = (bobs.data?.documents as { edges: { node: { id: string } }[] }).edges;
      assert.deepEqual(edges.map((e) => e.node.id), [bobId]);
      const alices = await tenants.http("alice", SEARCH, { query: "acquisition of Initech" });
      const hits = alices.data?.searchDocuments as { document: { id: string } }[];
      assert.deepEqual([...new Set(hits.map((h) => h.document.id))], [aliceId]);
      assert.deepEqual(await aliceRows(), before);
    });
  } finally {
    await tenants.close();
  }
});
