import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { ApiMetrics } from "./api-metrics.js";

/**
 * codeLabel spells a Connect code as it travels on the wire (Code.InvalidArgument →
 * "invalid_argument"), the spelling clients and the Connect docs use.
 */
export function codeLabel(code: Code): string {
  return (Code[code] ?? "unknown").replace(/(?<=[a-z])(?=[A-Z])/g, "_").toLowerCase();
}

/**
 * rpcMetricsInterceptor counts and times every RPC by method and code. It must be the
 * outermost interceptor: it then sees the code the client gets, after errorInterceptor has
 * mapped domain errors, and the time authentication took.
 */
export function rpcMetricsInterceptor(metrics: Pick<ApiMetrics, "observeRpc">): Interceptor {
  return (next) => async (req) => {
    const method = `${req.service.typeName}/${req.method.name}`;
    const started = performance.now();
    try {
      const res = await next(req);
      metrics.observeRpc(method, "ok", (performance.now() - started) / 1000);
      return res;
    } catch (error) {
      const code = codeLabel(ConnectError.from(error).code);
      metrics.observeRpc(method, code, (performance.now() - started) / 1000);
      throw error;
    }
  };
}
