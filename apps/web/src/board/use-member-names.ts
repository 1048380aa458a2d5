import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useTRPC } from "../trpc.js";
import type { Member } from "./task-types.js";

export interface ProjectMembers {
  members: readonly Member[];
  /** A member's display name by user id, or a short id for someone no longer a member. */
  nameOf(userId: string | null): string;
}

export function useProjectMembers(projectId: string): ProjectMembers {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.projects.members.list.queryOptions({ id: projectId }));
  return useMemo(() => {
    const members = data ?? [];
    const names = new Map(members.map((member) => [member.userId, member.name ?? member.username]));
    return { members, nameOf: (userId) => (userId === null ? "nobody" : (names.get(userId) ?? `user ${userId.slice(0, 8)}`)) };
  }, [data]);
}
