import type { Logger } from "../core/logger.js";

/**
 * onShutdown runs `close` once on SIGTERM or SIGINT, then exits: 0 when it finished, 1 when it
 * failed or passed `deadlineMs` (a stuck close must not keep a container from stopping).
 */
export function onShutdown(close: () => Promise<void>, log: Logger, deadlineMs = 30_000): void {
  let closing = false;
  const handle = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info("shutting down", { signal });
    const deadline = setTimeout(() => {
      log.error("shutdown passed its deadline; exiting", { deadlineMs });
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    close().then(
      () => {
        log.info("stopped");
        process.exit(0);
      },
      (error: unknown) => {
        log.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
