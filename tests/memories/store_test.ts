import { startTestApp } from "../support/app.ts";
import { createThrowawayDatabase, localPostgres } from "../support/local_postgres.ts";
import { storeContract } from "./store_contract.ts";

const local = await localPostgres();

Deno.test("memory store contract on embedded PGlite", async (t) => {
  const app = await startTestApp();
  try {
    await storeContract(t, app);
  } finally {
    await app.close();
  }
});

Deno.test({
  name: "memory store contract on the local PostgreSQL server",
  ignore: local.ignore,
  async fn(t) {
    const db = await createThrowawayDatabase();
    const app = await startTestApp({ DATABASE_URL: db.url, DB_POOL_SIZE: "4" });
    try {
      await storeContract(t, app);
    } finally {
      await app.close();
      await db.drop();
    }
  },
});
