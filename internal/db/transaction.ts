import type pg from "pg";

/**
 * withTransaction runs `fn` between BEGIN and COMMIT on one pooled client, and rolls back when
 * it throws. A client that cannot even roll back is unusable: it is discarded, not pooled, and
 * the original error is the one reported. On a pipelined client (internal/db/pool.ts) BEGIN is
 * not waited for: it goes out with fn's first statement, one round trip fewer. Should BEGIN
 * itself fail (only a broken connection makes it), so does every statement after it on that
 * connection, and nothing is committed.
 */
export async function withTransaction<T>(
  pool: Pick<pg.Pool, "connect">,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    const value = client.pipeline
      ? (await Promise.all([client.query("BEGIN"), fn(client)]))[1]
      : await client.query("BEGIN").then(() => fn(client));
    await client.query("COMMIT");
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
