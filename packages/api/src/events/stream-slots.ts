import { TRPCError } from "@trpc/server";

/** Per-user cap on concurrent event streams in this process (STREAM_MAX_PER_USER). */
export interface StreamSlots {
  /** Takes one of the user's slots (429 TOO_MANY_REQUESTS when all are taken); returns its release, idempotent. */
  acquire(userId: string): () => void;
}

export const DEFAULT_STREAM_MAX_PER_USER = 5;

export function createStreamSlots(maxPerUser: number): StreamSlots {
  const taken = new Map<string, number>();
  return {
    acquire(userId) {
      const count = taken.get(userId) ?? 0;
      if (count >= maxPerUser) {
        throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `At most ${maxPerUser} concurrent event streams per user; close one first` });
      }
      taken.set(userId, count + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (taken.get(userId) ?? 1) - 1;
        if (left <= 0) taken.delete(userId);
        else taken.set(userId, left);
      };
    },
  };
}
