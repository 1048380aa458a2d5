// Bundled for the browser by cross-origin-page.ts: what a web app on another origin does with @trpc/client.
import type { AppRouter } from "@cadence/api";
import { createTRPCClient, httpBatchStreamLink } from "@trpc/client";

async function callTrpc(url: string, token: string): Promise<{ username: string; status: string }> {
  const client = createTRPCClient<AppRouter>({
    // The streaming link sends trpc-accept; x-trpc-source is the tag apps commonly add: both need the preflight.
    links: [httpBatchStreamLink({ url, headers: { authorization: `Bearer ${token}`, "x-trpc-source": "cors-test" } })],
  });
  const [me, live] = await Promise.all([client.users.me.query(), client.health.live.query()]);
  return { username: me.username, status: live.status };
}

Object.assign(globalThis, { callTrpc });
