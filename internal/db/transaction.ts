import type pg from "pg";

/**
 * SendCommit sends COMMIT at once, behind the statements the transaction has sent: on a
 * pipelined client it travels with the last of them instead of a round trip after their
 * answers (a lone ping's transaction: three round trips to two). Call it only once every
 * statement has been sent (their promises made) and nothing but awaiting them is left. Should one
 * of them fail, Postgres answers that COMMIT with ROLLBACK: nothing is stored and
 * withTransaction throws, as it would without it.
 */
export type SendCommit = () => void;

/**
 * withTransaction runs `fn` between BEGIN and COMMIT on one pooled client, and rolls back when
 * it throws. A client that cannot even roll back is unusable: it is discarded, not pooled, and
 * the original error is the one reported. On a pipelined client (internal/db/pool.ts) BEGIN is
 * not waited for: it goes out with fn's first statement, one round trip fewer; fn may send
 * COMMIT with its last statements too (SendCommit). Should BEGIN itself fail (only a broken
 * connection makes it), so does every statement after it on that connection, and nothing is
 * committed.
 */
export async function withTransaction<T>(
  pool: Pick<pg.Pool, "connect">,
  fn: (client: pg.PoolClient, sendCommit: SendCommit) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  let commit: Promise<pg.QueryResult> | undefined;
  const sendCommit = () => {
    if (commit) return;
    commit = client.query("COMMIT");
    // Awaited below once fn has settled; a failing fn leaves it to the ROLLBACK path.
    commit.catch(() => {});
  };
  try {
    const value = client.pipeline
      ? (await Promise.all([client.query("BEGIN"), fn(client, sendCommit)]))[1]
      : await client.query("BEGIN").then(() => fn(client, sendCommit));
    const committed = await (commit ?? client.query("COMMIT"));
    // Postgres ends a transaction a statement failed in with ROLLBACK, not an error.
    if (committed.command !== "COMMIT") throw new Error("transaction rolled back at COMMIT");
    return value;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
