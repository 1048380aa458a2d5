import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataDirInUseError, openDatabase } from "../src/index.js";
import { LOCK_FILE, lockDataDir } from "../src/data-dir-lock.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cadence-lock-"));
  dirs.push(dir);
  return dir;
}

/** The PID of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid;
}

describe("the data directory lock", () => {
  it("creates the directory and a lock file holding this process's PID and host, removed on release", () => {
    const dir = join(freshDir(), "nested", "data");
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a directory a live process holds, naming the directory and the PID", () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    expect(() => lockDataDir(dir)).toThrow(new DataDirInUseError(dir, process.ppid));
    expect(() => lockDataDir(dir)).toThrow(`the embedded database in ${dir} is in use by PID ${process.ppid}`);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.ppid}\n`);
  });

  it("refuses a second lock on the same directory in the same process", () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(`is in use by PID ${process.pid}`);
    release();
    lockDataDir(dir)();
  });

  it("takes over a lock whose process is gone", () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.pid}\n${hostname()}\n`);
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("never takes over a lock written on another host (a second container on a shared volume), even with a dead or equal PID", () => {
    const dir = freshDir();
    for (const pid of [deadPid(), process.pid]) {
      writeFileSync(join(dir, LOCK_FILE), `${pid}\nother-container\n`);
      expect(() => lockDataDir(dir)).toThrow(`is in use by PID ${pid} on host other-container (remove ${join(dir, LOCK_FILE)} if that process is gone)`);
      expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${pid}\nother-container\n`);
    }
  });

  it("leaves a lock alone on release once another process has taken it", () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    release();
    expect(readFileSync(join(dir, LOCK_FILE), "utf8")).toBe(`${process.ppid}\n`);
  });

  it("makes openDatabase refuse a held directory before opening anything", async () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(DataDirInUseError);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });
});
