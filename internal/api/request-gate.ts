import type { ConnectError, HandlerContext } from "@connectrpc/connect";
import type { Logger } from "../core/logger.js";
import type { ApiMetrics } from "../metrics/api-metrics.js";
import { codeLabel } from "../metrics/rpc-interceptor.js";
import { toConnectError } from "./errors.js";

/** GateStep is one check a request must pass before Connect reads its body. */
export type GateStep = (ctx: HandlerContext) => void | Promise<void>;

/** RequestGateDeps are where a refusal is logged (internal errors) and counted. */
export interface RequestGateDeps {
  log: Logger;
  metrics?: Pick<ApiMetrics, "observeRpc">;
}

/**
 * requestGate runs `steps` in order as Connect's requestGate: after the request headers are in
 * and before any byte of the body is read, decompressed or parsed, so a caller who is not
 * authenticated or is over a rate costs no more than its headers. A refusal is mapped to its
 * Connect code here (interceptors, errorInterceptor included, do not see it) and counted in the
 * RPC metrics like any other answer.
 */
export function requestGate(
  steps: readonly GateStep[],
  deps: RequestGateDeps,
): (ctx: HandlerContext) => Promise<void> {
  return async (ctx) => {
    const started = performance.now();
    try {
      for (const step of steps) await step(ctx);
    } catch (error) {
      const refused: ConnectError = toConnectError(error, deps.log, ctx.method.name);
      deps.metrics?.observeRpc(
        `${ctx.service.typeName}/${ctx.method.name}`,
        codeLabel(refused.code),
        (performance.now() - started) / 1000,
      );
      throw refused;
    }
  };
}
