/** One user, `projects` projects and `tasksPerProject` tasks in each, through the REST API of `url`. */
export async function seed(url: string, projects: number, tasksPerProject: number): Promise<{ token: string; projectIds: string[]; taskIds: string[] }> {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  const username = `bench_${Date.now()}`;
  await post("/auth/register", { email: `${username}@example.com`, username, password: "bench-password-1" });
  const token = (await post("/auth/login", { username, password: "bench-password-1" })).accessToken as string;
  const projectIds: string[] = [];
  const taskIds: string[] = [];
  for (let p = 0; p < projects; p++) {
    const projectId = (await post("/projects", { name: `realtime ${p}` }, token)).id as string;
    projectIds.push(projectId);
    for (let t = 0; t < tasksPerProject; t++) taskIds.push((await post(`/projects/${projectId}/tasks`, { title: `task ${t}` }, token)).id as string);
  }
  return { token, projectIds, taskIds };
}
