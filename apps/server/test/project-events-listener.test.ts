import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signUp } from "./support/auth.js";
import { createProject, createTask } from "./support/domain.js";
import { openEventStream } from "./support/event-stream.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const onPostgres = process.env.DATABASE_URL?.startsWith("postgres") ?? false;

// The embedded database notifies within the process: there is no listener connection that could drop.
describe.skipIf(!onPostgres)("the LISTEN connection on PostgreSQL", () => {
  it("reconnects after being cut and replays the changes committed while it was away", async () => {
    const owner = await signUp(server);
    const token = owner.tokens.accessToken;
    const project = await createProject(server, token);
    const stream = await openEventStream(server, project.id, token);
    // postgres.js answers rows as an array (this test runs on PostgreSQL only).
    const [cut] = (await server.running.database.db.execute(
      sql`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where query ilike 'listen %' and datname = current_database()`,
    )) as unknown as { n: number }[];
    expect(cut?.n).toBe(1);
    // Committed while the listener is down: its NOTIFY reaches nobody, so only the replay can deliver it.
    const missed = await createTask(server, token, project.id, { title: "while cut" });
    const first = await stream.next();
    expect(first && (JSON.parse(first.data) as { entityId: string }).entityId).toBe(missed.id);
    const later = await createTask(server, token, project.id, { title: "after" });
    const second = await stream.next();
    stream.close();
    expect(second && (JSON.parse(second.data) as { entityId: string }).entityId).toBe(later.id);
  });
});
