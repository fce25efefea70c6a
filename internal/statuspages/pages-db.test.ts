import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestOrg } from "../../test/support/accounts.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { AlreadyExistsError } from "../core/errors.js";
import type { ResolvedPageSpec } from "./page-input.js";
import { getPageByDomain, getPageBySlug, insertPage } from "./pages-db.js";

// Two transactions racing for one slug or domain: neither sees the other's uncommitted row when
// it checks, so the unique index decides, and the loser's violation is the same
// already_exists as the check's (not an opaque internal error).

let db: TestDatabase;
let orgA: string;
let orgB: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgA = (await createTestOrg(db.pool, "A")).orgId;
  orgB = (await createTestOrg(db.pool, "B")).orgId;
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE status_pages CASCADE");
});

const spec = (slug: string, domains: string[]): ResolvedPageSpec => ({
  slug,
  title: slug,
  description: "",
  logoUrl: "",
  theme: "auto",
  showResponseTimes: false,
  groups: [],
  domains,
});

/** race runs two inserts in concurrent transactions; the first commits while the second waits. */
async function race(first: ResolvedPageSpec, second: ResolvedPageSpec): Promise<unknown> {
  const a = await db.pool.connect();
  const b = await db.pool.connect();
  try {
    await a.query("BEGIN");
    await b.query("BEGIN");
    await insertPage(a, orgA, first);
    // b's checks pass (a's row is not committed); its insert then waits on the unique index.
    const losing = insertPage(b, orgB, second).then(
      () => undefined,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await a.query("COMMIT");
    const error = await losing;
    await b.query("ROLLBACK");
    return error;
  } finally {
    a.release();
    b.release();
  }
}

describe("insertPage racing another transaction", () => {
  it("answers AlreadyExistsError naming page.slug when the slug was taken meanwhile", async () => {
    const error = await race(spec("acme", []), spec("acme", []));
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as AlreadyExistsError).field).toBe("page.slug");
    expect((await getPageBySlug(db.pool, "acme"))?.orgId).toBe(orgA);
  });

  it("answers AlreadyExistsError naming page.domains when a domain was taken meanwhile", async () => {
    const error = await race(
      spec("acme", ["status.acme.test"]),
      spec("other", ["status.acme.test"]),
    );
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as AlreadyExistsError).field).toBe("page.domains");
    expect((await getPageByDomain(db.pool, "status.acme.test"))?.orgId).toBe(orgA);
    expect(await getPageBySlug(db.pool, "other")).toBeUndefined();
  });
});
