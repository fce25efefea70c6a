import type Systeminformation from "systeminformation";

/**
 * systeminformation loads the library on first use. On Linux the sampler reads /proc, statfs
 * and os itself and never calls it, and its 700 KB of code would cost every process that
 * samples (the agent above all) about 5 MiB of resident memory for nothing; elsewhere it reads
 * everything. (import() caches the module: later calls are cheap.)
 */
export async function systeminformation(): Promise<typeof Systeminformation> {
  return (await import("systeminformation")).default;
}
