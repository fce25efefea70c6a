import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { booleansLiteral, numbersLiteral, textsLiteral } from "./array-literal.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

/** readBack sends a literal as text, casts it as the statements do, and reads the array back. */
const readBack = async (literal: string, type: string): Promise<unknown[]> =>
  (await db.pool.query<{ a: unknown[] }>(`SELECT $1::text::${type}[] AS a`, [literal])).rows[0]
    ?.a ?? [];

describe("array literals", () => {
  it("carry every text exactly, whatever it holds", async () => {
    const texts = [
      "",
      "plain",
      'a "quoted" word',
      "back\\slash\\",
      "comma, {braces} and spaces",
      "NULL",
      "null",
      " leading and trailing ",
      "new\nline\ttab",
      "ünïcødé ✓",
    ];
    expect(await readBack(textsLiteral(texts), "text")).toEqual(texts);
    expect(await readBack(textsLiteral([]), "text")).toEqual([]);
  });

  it("carry numbers and booleans as the typed columns read them", async () => {
    const floats = [0, 1.5, -2.25, 1e-7, 123456.789, 0.1 + 0.2];
    expect(await readBack(numbersLiteral(floats), "float8")).toEqual(floats);
    expect(await readBack(numbersLiteral([0, 200, -1, 2147483647]), "integer")).toEqual([
      0, 200, -1, 2147483647,
    ]);
    expect(await readBack(booleansLiteral([true, false, true]), "boolean")).toEqual([
      true,
      false,
      true,
    ]);
  });

  it("carry uuids, timestamps and bigints as text", async () => {
    const ids = ["3f1c1b9e-8a4e-4c7b-9f3e-0c6a1d2b3c4d", "00000000-0000-0000-0000-000000000000"];
    expect(await readBack(textsLiteral(ids), "uuid")).toEqual(ids);
    const [at] = (await readBack(textsLiteral(["2026-12-07T21:00:00.123456Z"]), "timestamptz")) as [
      Date,
    ];
    expect(at.toISOString()).toBe("2026-12-07T21:00:00.123Z");
    expect(await readBack(textsLiteral(["9007199254740993"]), "bigint")).toEqual([
      "9007199254740993",
    ]);
  });

  it("keeps an element that looks like a separator inside its element", async () => {
    // Were elements unquoted, this one would split in two and shift every column after it.
    expect(await readBack(textsLiteral(['x","y', "z"]), "text")).toEqual(['x","y', "z"]);
  });
});
