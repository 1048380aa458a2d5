import { PGlite, protocol } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { openPglite } from "../src/drivers/pglite.js";
import { bindExecuteSync, type WireValue } from "../src/drivers/pglite-messages.js";

const { serialize } = protocol;

/** What PGlite's own serializer sends for the same run: the bytes the backend has always been given. */
function expected(prefix: Uint8Array[], statement: string, values: WireValue[]): Buffer {
  return Buffer.concat([...prefix, serialize.bind({ statement, values: values as never }), serialize.execute(), serialize.sync()]);
}

describe("a prepared statement's run as one message", () => {
  const cases: [string, WireValue[]][] = [
    ["no values", []],
    ["text, empty text and NULL", ["plain", "", null, "42"]],
    ["multi-byte text", ["héllo wörld", "日本語のテキスト", "emoji 🎉 ok"]],
    ["raw bytes, sent in binary format", [Uint8Array.from([0, 1, 2, 255]), "text after bytes", null]],
    ["a value longer than a pooled buffer", ["x".repeat(10_000)]],
  ];

  for (const [name, values] of cases) {
    it(`is byte for byte what PGlite's serializer sends: ${name}`, () => {
      expect(Buffer.from(bindExecuteSync([], "cadence_7", values))).toEqual(expected([], "cadence_7", values));
    });
  }

  it("carries the Close messages due before it, and a statement name with multi-byte characters", () => {
    const closes = [serialize.close({ type: "S", name: "cadence_1" }), serialize.close({ type: "S", name: "cadence_2" })];
    expect(Buffer.from(bindExecuteSync(closes, "naïve_1", ["a", null]))).toEqual(expected(closes, "naïve_1", ["a", null]));
  });
});

describe("values bound through the embedded database", () => {
  it("come back as PGlite's own query returns them: multi-byte text, bytes, NULL and numbers", async () => {
    const handle = await openPglite({});
    const plain = await PGlite.create();
    try {
      const text = "select $1::text as t, $2::bytea as b, $3::int as n, $4::text as missing, length($1::text) as chars";
      const params = ["héllo 日本 🎉", Uint8Array.from([0, 7, 255]), 42, null];
      const client = (handle.db as unknown as { $client: PGlite }).$client;
      const [ours, theirs] = [await client.query(text, params), await plain.query(text, params)];
      expect(ours.rows).toEqual(theirs.rows);
      expect(ours.rows[0]).toMatchObject({ t: "héllo 日本 🎉", n: 42, missing: null, chars: 10 });
    } finally {
      await handle.close();
      await plain.close();
    }
  });
});
