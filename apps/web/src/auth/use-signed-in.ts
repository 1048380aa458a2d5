import { useSyncExternalStore } from "react";
import { session } from "./session.js";

/** Re-renders when the user signs in or out. */
export function useSignedIn(): boolean {
  return useSyncExternalStore(session.subscribe, session.signedIn);
}
