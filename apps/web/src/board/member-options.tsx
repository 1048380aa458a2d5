import type { Member } from "./task-types.js";

/** One `<option>` per project member, labelled by name (or username), valued by user id. */
export function MemberOptions({ members }: { members: readonly Member[] }) {
  return (
    <>
      {members.map((member) => (
        <option key={member.userId} value={member.userId}>
          {member.name ?? member.username}
        </option>
      ))}
    </>
  );
}
