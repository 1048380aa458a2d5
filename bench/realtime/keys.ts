/**
 * `count` API keys of the seeded user, each with `projects:read`, created through the REST API of `url`: with one
 * per subscriber every stream has its own credential, so the server re-checks `count` grants instead of one.
 */
export async function createKeys(url: string, token: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  const create = async (n: number) => {
    const res = await fetch(`${url}/api/v1/api-keys`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: `subscriber ${n}`, scopes: ["projects:read"] }),
    });
    if (!res.ok) throw new Error(`POST /api-keys: ${res.status} ${await res.text()}`);
    keys[n] = (await res.json() as { key: string }).key;
  };
  for (let start = 0; start < count; start += 20) {
    await Promise.all(Array.from({ length: Math.min(20, count - start) }, (_, i) => create(start + i)));
  }
  return keys;
}
