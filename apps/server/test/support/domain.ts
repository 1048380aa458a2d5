import { bearer, json } from "./auth.js";
import type { TestServer } from "./server.js";

export interface ProjectJson {
  id: string;
  name: string;
  description: string | null;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export interface TaskJson {
  id: string;
  projectId: string;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  dueDate: string | null;
  assigneeId: string | null;
  tags: string[];
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

async function expectStatus<T>(res: Response, status: number, what: string): Promise<T> {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function createProject(server: TestServer, token: string, body: { name?: string; description?: string | null } = {}) {
  const res = await server.rest("/projects", json("POST", { name: "Project", ...body }, token));
  return expectStatus<ProjectJson>(res, 201, "create project");
}

export async function addMember(server: TestServer, token: string, projectId: string, userId: string, role: "owner" | "member" = "member") {
  const res = await server.rest(`/projects/${projectId}/members`, json("POST", { userId, role }, token));
  return expectStatus<{ userId: string; role: string }>(res, 201, "add member");
}

export async function createTask(server: TestServer, token: string, projectId: string, body: Record<string, unknown> = {}) {
  const res = await server.rest(`/projects/${projectId}/tasks`, json("POST", { title: "Task", ...body }, token));
  return expectStatus<TaskJson>(res, 201, "create task");
}

export async function getTask(server: TestServer, token: string, id: string) {
  return expectStatus<TaskJson>(await server.rest(`/tasks/${id}`, bearer(token)), 200, "get task");
}
