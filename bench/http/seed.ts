// Seeds through Cadence's own REST API, so the data is exactly what a client would create and the bench never
// depends on the schema: one user and its access token, a project to list (tasks in every status, with due dates
// and priorities) and an empty project that the create rows write to, so the list does not grow under the bench.

export interface Seed {
  token: string;
  listProjectId: string;
  writeProjectId: string;
}

const STATUSES = ["pending", "in_progress", "completed"] as const;
const PRIORITIES = ["low", "medium", "high"] as const;
const LIST_TASKS = 150;

async function call<T>(url: string, method: string, path: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/api/v1${path}`, { method, headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`seed: ${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Registers a user and logs in: the access token of a fresh session. */
export async function seedUser(url: string, username: string): Promise<string> {
  const password = "bench-password-1";
  await call(url, "POST", "/auth/register", { email: `${username}@example.com`, username, password });
  const { accessToken } = await call<{ accessToken: string }>(url, "POST", "/auth/login", { username, password });
  return accessToken;
}

export async function seedProjects(url: string, token: string): Promise<Seed> {
  const project = (name: string) => call<{ id: string }>(url, "POST", "/projects", { name }, token);
  const [list, write] = [await project("bench list"), await project("bench writes")];
  for (let start = 0; start < LIST_TASKS; start += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, LIST_TASKS - start) }, (_, offset) => {
        const i = start + offset;
        const day = String((i % 28) + 1).padStart(2, "0");
        return call(url, "POST", `/projects/${list.id}/tasks`, {
          title: `Task ${i}`,
          description: `Seeded task number ${i}`,
          status: STATUSES[i % STATUSES.length],
          priority: PRIORITIES[i % PRIORITIES.length],
          dueDate: i % 5 === 0 ? null : `2027-03-${day}`,
          tags: i % 2 === 0 ? ["bench"] : [],
        }, token);
      }),
    );
  }
  return { token, listProjectId: list.id, writeProjectId: write.id };
}
