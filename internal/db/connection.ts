import { createHash } from "node:crypto";
import type { IDatabaseConnection } from "@pgtyped/runtime";
import type pg from "pg";
import type { Queryable } from "./pool.js";

/**
 * connection adapts a pool or a client to what pgtyped's PreparedQuery.run expects. pg reports
 * rowCount as null for statements without one, where pgtyped wants a number.
 */
export function connection(db: Queryable): IDatabaseConnection {
  return {
    async query(text, values) {
      const result = await db.query(text, values);
      return { rows: unhinted(result), rowCount: result.rowCount ?? 0 };
    },
  };
}

/**
 * preparedConnection is connection for the statements run per check or per ping: each is a
 * named prepared statement, parsed once per connection, so Postgres skips parsing and analysing
 * it on every run (a lone ping's transaction took ~1.5 ms less, bench/README.md). Only for
 * statements whose text is fixed (pgtyped's are: lists travel as one array parameter) and
 * whose result columns are named, not `*`: a connection keeps each statement it prepared, and a
 * column added by a newer init.sql would change a `*` statement's result, which Postgres
 * refuses to a prepared statement.
 */
export function preparedConnection(db: Queryable): IDatabaseConnection {
  return {
    async query(text, values) {
      const result = await db.query({ name: statementName(text), text, values });
      return { rows: unhinted(result), rowCount: result.rowCount ?? 0 };
    },
  };
}

/** Statement names by text; bounded by the statements the code holds. */
const names = new Map<string, string>();

/** statementName names a statement by its text: equal texts share one prepared statement. */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `pulsar_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** isHinted: pgtyped reads a column's nullability from a last `!` or `?` of its name. */
const isHinted = (name: string) => name.endsWith("!") || name.endsWith("?");

/**
 * unhinted returns the result's rows with pgtyped's hints taken off their column names
 * (`"closed!"` → `closed`), as pgtyped's run() would: it renames them in place with `delete`,
 * which turns every row into a slow dictionary object, and its renaming loop deoptimized over
 * and over in a worker (once a second, ~1 ms of compiling each time). Rows come back new and
 * built in column order, so rows of one statement share one shape; pgtyped then finds nothing
 * to rename.
 */
function unhinted(result: pg.QueryResult): pg.QueryResult["rows"] {
  const { fields, rows } = result;
  if (!fields?.some((field) => isHinted(field.name))) return rows;
  const names = fields.map(
    ({ name }) => [name, isHinted(name) ? name.slice(0, -1) : name] as const,
  );
  return rows.map((row: Record<string, unknown>) => {
    const renamed: Record<string, unknown> = {};
    for (const [from, to] of names) renamed[to] = row[from];
    return renamed;
  });
}
