import type pg from "pg";

/**
 * withTransaction runs `fn` between BEGIN and COMMIT on one pooled client, and rolls back when
 * it throws. A client that cannot even roll back is unusable: it is discarded, not pooled, and
 * the original error is the one reported.
 */
export async function withTransaction<T>(
  pool: Pick<pg.Pool, "connect">,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const value = await fn(client);
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
