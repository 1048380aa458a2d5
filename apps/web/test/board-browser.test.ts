import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { seriousViolations } from "./support/axe.js";
import { CHROMIUM, card, hasChromium, openDemoBoard, screenshot, signIn } from "./support/browser.js";
import { openEditor, startHarness, type Harness } from "./support/harness.js";

let harness: Harness;
const skipReason = hasChromium ? "" : `: skipped because ${CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)`;

describe.skipIf(!hasChromium)(`the task board in a real browser${skipReason}`, () => {
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterEach(async () => {
    await harness.closePages();
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it("signs in as the demo user, creates a task and edits it", async () => {
    const page = await harness.newPage();
    await signIn(page, harness.url);
    await openDemoBoard(page);
    await card(page, "Read the API reference at /docs").waitFor();

    await page.getByRole("button", { name: "New task" }).click();
    const create = page.getByRole("dialog", { name: "New task" });
    await create.getByLabel("Title").fill("Write the release notes");
    await create.getByLabel("Priority").selectOption("high");
    await create.getByLabel("Tags").fill("docs, Release");
    await create.getByRole("button", { name: "Create task" }).click();
    await create.waitFor({ state: "detached" });
    const created = card(page, "Write the release notes");
    await created.waitFor();
    expect(await created.locator(".tags li").allInnerTexts()).toEqual(["docs", "release"]);
    expect(await page.locator('[data-status="pending"]').filter({ has: created }).count()).toBe(1);

    await openEditor(page, "Write the release notes");
    const edit = page.getByRole("dialog", { name: "Edit task" });
    await edit.getByLabel("Title").fill("Write the 1.0 release notes");
    await edit.getByLabel("Status").selectOption("in_progress");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "detached" });
    const edited = card(page, "Write the 1.0 release notes");
    await edited.waitFor();
    expect(await page.locator('[data-status="in_progress"]').filter({ has: edited }).count()).toBe(1);
    await page.locator(".timeline").getByText("title: Write the release notes → Write the 1.0 release notes").waitFor();
    await screenshot(page, "board");
  });

  it("has no serious or critical accessibility violations on the board, on desktop and phone widths", async () => {
    for (const [name, viewport] of [["board-desktop", { width: 1280, height: 900 }], ["board-phone", { width: 390, height: 844 }]] as const) {
      const page = await harness.newPage(viewport);
      await signIn(page, harness.url);
      await openDemoBoard(page);
      await card(page, "Read the API reference at /docs").waitFor();
      await page.locator(".timeline .events").waitFor();
      expect(await seriousViolations(page), name).toEqual([]);
      // Readable at phone width: nothing wider than the screen.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(viewport.width);
      await screenshot(page, name);
    }
  });

  it("narrows the board by tag, text and status", async () => {
    const page = await harness.newPage();
    await signIn(page, harness.url);
    await openDemoBoard(page);
    await card(page, "Ship the first release").waitFor();
    await page.getByLabel("Tag", { exact: true }).fill("onboarding");
    await card(page, "Ship the first release").waitFor({ state: "detached" });
    await card(page, "Read the API reference at /docs").waitFor();
    for (const tags of await page.locator(".task-card .tags").allInnerTexts()) expect(tags).toContain("onboarding");

    await page.getByLabel("Search", { exact: true }).fill("reference");
    await page.waitForFunction(() => document.querySelectorAll(".task-card").length === 1);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("search").getByLabel("Status").selectOption("completed");
    await page.locator('[data-status="pending"]').waitFor({ state: "detached" });
    expect(await page.locator(".column h2").allInnerTexts()).toEqual([expect.stringMatching(/^Done/)]);
    await card(page, "Ship the first release").waitFor();
  });

  it("creates a task and opens it with the keyboard alone", async () => {
    const page = await harness.newPage();
    await signIn(page, harness.url);
    await openDemoBoard(page);
    await page.getByRole("button", { name: "New task" }).focus();
    await page.keyboard.press("Enter");
    // The modal dialog moves focus to its first field; Enter in a field submits the form.
    await page.getByRole("dialog", { name: "New task" }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("title");
    await page.keyboard.type("Typed without a mouse");
    await page.keyboard.press("Enter");
    const created = card(page, "Typed without a mouse");
    await created.waitFor();
    await created.getByRole("button").focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Edit task" }).waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
  });

  it("lets the owner add a member, assign them a task, and delete a task", async () => {
    const registered = await fetch(`${harness.url}/api/v1/auth/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "bob@example.com", username: "bob", password: "bob-password", name: "Bob Builder" }),
    });
    expect(registered.status).toBe(201);
    const bob = (await registered.json()) as { id: string };

    const page = await harness.newPage();
    await signIn(page, harness.url);
    await openDemoBoard(page);
    const members = page.getByRole("region", { name: "Members" });
    await members.getByLabel("User id").fill(bob.id);
    await members.getByRole("button", { name: "Add member" }).click();
    await members.getByRole("button", { name: "Remove Bob Builder" }).waitFor();

    await openEditor(page, "Ship the first release");
    const edit = page.getByRole("dialog", { name: "Edit task" });
    await edit.getByLabel("Assignee").selectOption({ label: "Bob Builder" });
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "detached" });
    await card(page, "Ship the first release").getByText("Bob Builder").waitFor();

    await openEditor(page, "Ship the first release");
    await edit.getByRole("button", { name: "Delete" }).click();
    await edit.getByRole("button", { name: "Yes, delete" }).click();
    await edit.waitFor({ state: "detached" });
    await card(page, "Ship the first release").waitFor({ state: "detached" });
    await page.locator(".timeline").getByText("deleted the task").first().waitFor();
  });

  it("keeps the session across a reload, signs out back to the sign-in form, and loaded nothing from another origin", async () => {
    const page = await harness.newPage();
    await signIn(page, harness.url);
    // Only the refresh token survives a reload (parked in the tab's sessionStorage): the app refreshes and carries on.
    await page.reload();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByText("Signed in as Demo User").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Cadence" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/signin");
    // A reload stays signed out: the session is gone from memory and from the tab's storage.
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to Cadence" }).waitFor();
    expect(harness.offsite).toEqual([]);
    expect(harness.pageErrors).toEqual([]);
  });
});
