import { describe, expectTypeOf, it } from "vitest";
import { createCadenceClient, type RouterInputs, type RouterOutputs } from "../src/index.js";

const client = createCadenceClient({ url: "http://localhost:3000" });

describe("types in-house apps get from AppRouter", () => {
  it("gives exact outputs", () => {
    expectTypeOf<RouterOutputs["users"]["me"]>().toEqualTypeOf<{
      id: string;
      email: string;
      username: string;
      name: string | null;
      role: "user" | "admin";
      disabled: boolean;
      createdAt: string;
      updatedAt: string;
    }>();
    expectTypeOf<RouterOutputs["auth"]["login"]>().toEqualTypeOf<{ accessToken: string; refreshToken: string; tokenType: "Bearer"; expiresIn: number }>();
    expectTypeOf<RouterOutputs["tasks"]["get"]["status"]>().toEqualTypeOf<"pending" | "in_progress" | "completed">();
    expectTypeOf<RouterOutputs["tasks"]["list"]["items"]>().toEqualTypeOf<RouterOutputs["tasks"]["get"][]>();
    expectTypeOf<RouterOutputs["health"]["ready"]["status"]>().toEqualTypeOf<"ok" | "unavailable">();
    expectTypeOf(client.projects.get.query).returns.resolves.toEqualTypeOf<RouterOutputs["projects"]["get"]>();
  });

  it("never shows a hash or secret field", () => {
    expectTypeOf<RouterOutputs["users"]["me"]>().not.toHaveProperty("passwordHash");
    expectTypeOf<RouterOutputs["users"]["list"]["items"][number]>().not.toHaveProperty("passwordHash");
    expectTypeOf<RouterOutputs["apiKeys"]["list"][number]>().not.toHaveProperty("keyHash");
    expectTypeOf<RouterOutputs["apiKeys"]["list"][number]>().not.toHaveProperty("key");
  });

  it("types inputs, and wrong inputs and unknown procedures fail to compile", () => {
    expectTypeOf<RouterInputs["tasks"]["create"]["title"]>().toEqualTypeOf<string>();
    // @ts-expect-error: status must be one of the enum values
    void client.tasks.create.mutate({ projectId: "p", title: "t", status: "done" });
    // @ts-expect-error: title is required
    void client.tasks.create.mutate({ projectId: "p" });
    // @ts-expect-error: page is a number
    void client.tasks.list.query({ projectId: "p", page: "2" });
    // @ts-expect-error: no such procedure
    void client.tasks.archive.mutate({ id: "x" });
    // @ts-expect-error: queries are not mutations
    void client.users.me.mutate();
  });
});
