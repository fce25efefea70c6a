import type { IDatabaseConnection } from "@pgtyped/runtime";
import type { Queryable } from "./pool.js";

/**
 * connection adapts a pool or a client to what pgtyped's PreparedQuery.run expects. pg reports
 * rowCount as null for statements without one, where pgtyped wants a number.
 */
export function connection(db: Queryable): IDatabaseConnection {
  return {
    async query(text, values) {
      const result = await db.query(text, values);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  };
}
