import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, card, hasChromium, openDemoBoard, screenshot, signIn } from "./support/browser.js";
import { openEditor, startHarness, type Harness } from "./support/harness.js";

let harness: Harness;
const skipReason = hasChromium ? "" : `: skipped because ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

describe.skipIf(!hasChromium)(`two people on one board, in real browsers${skipReason}`, () => {
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.closePages();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("shows what changed when two browsers edit the same task, and the user's choice is saved", async () => {
    const [alice, bob] = [await harness.newPage(), await harness.newPage()];
    for (const page of [alice, bob]) {
      await signIn(page, harness.url);
      await openDemoBoard(page);
    }
    const task = "Call the API over tRPC";
    await openEditor(alice, task);
    await openEditor(bob, task);

    const bobEdit = bob.getByRole("dialog", { name: "Edit task" });
    await bobEdit.getByLabel("Title").fill("Call the API over tRPC from the web app");
    await bobEdit.getByRole("button", { name: "Save" }).click();
    await bobEdit.waitFor({ state: "detached" });

    // Alice still edits the version she opened: her save answers 409 and she sees Bob's title beside hers.
    const aliceEdit = alice.getByRole("dialog", { name: "Edit task" });
    await aliceEdit.getByLabel("Description").fill("Use @cadence/client's typed links.");
    await aliceEdit.getByRole("button", { name: "Save" }).click();
    const conflict = aliceEdit.getByRole("alert").filter({ hasText: "Someone else changed this task" });
    await conflict.waitFor();
    const row = conflict.getByRole("row", { name: /Title/ });
    expect(await row.getByRole("cell").allInnerTexts()).toEqual([task, "Call the API over tRPC from the web app", task]);
    await screenshot(alice, "conflict");

    await conflict.getByRole("button", { name: "Keep my changes" }).click();
    await aliceEdit.waitFor({ state: "detached" });
    // Her PATCH carried only her field: Bob's title stands, her description is saved on top of it.
    await openEditor(alice, "Call the API over tRPC from the web app");
    expect(await alice.getByRole("dialog", { name: "Edit task" }).getByLabel("Description").inputValue()).toBe("Use @cadence/client's typed links.");
    await alice.keyboard.press("Escape");
    await alice.getByRole("dialog").waitFor({ state: "detached" });
  });

  it("shows a change made in one browser live in the other, without reload", async () => {
    const [writer, watcher] = [await harness.newPage(), await harness.newPage()];
    for (const page of [writer, watcher]) {
      await signIn(page, harness.url);
      await openDemoBoard(page);
    }
    await card(watcher, "Create an API key").waitFor();
    await openEditor(writer, "Create an API key");
    const edit = writer.getByRole("dialog", { name: "Edit task" });
    await edit.getByLabel("Title").fill("Create an API key for CI");
    const [saved] = await Promise.all([
      writer.waitForResponse((res) => res.url().includes("/trpc/tasks.update")),
      edit.getByRole("button", { name: "Save" }).click(),
    ]);
    expect(saved.status()).toBe(200);
    const savedAt = Date.now();
    await card(watcher, "Create an API key for CI").waitFor({ timeout: 10_000 });
    const latencyMs = Date.now() - savedAt;
    console.log(`live update reached the other browser ${latencyMs} ms after the save answered`);
    await card(watcher, "Create an API key").waitFor({ state: "detached" });
    expect(harness.offsite).toEqual([]);
    expect(harness.pageErrors).toEqual([]);
  });
});
