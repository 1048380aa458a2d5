import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, json, signUp } from "./support/auth.js";
import { createProject } from "./support/domain.js";
import { pollJob, type JobJson } from "./support/jobs.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  // About 1.1 s: a finished job is purged within seconds (the purge runs every half retention, at least every second).
  server = await startTestServer({ JOB_RETENTION_HOURS: "0.0003" });
});
afterAll(() => server.close());

describe("job retention", () => {
  it("purges a finished job and its file after JOB_RETENTION_HOURS: both answer 404", async () => {
    const { tokens } = await signUp(server);
    const project = await createProject(server, tokens.accessToken);
    const job = (await (await server.rest(`/projects/${project.id}/exports`, json("POST", { format: "json" }, tokens.accessToken))).json()) as JobJson;
    expect((await pollJob(server, tokens.accessToken, job.id)).status).toBe("succeeded");
    const deadline = Date.now() + 30_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await server.rest(`/jobs/${job.id}`, bearer(tokens.accessToken))).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(404);
    expect((await server.rest(`/jobs/${job.id}/result`, bearer(tokens.accessToken))).status).toBe(404);
  });
});
