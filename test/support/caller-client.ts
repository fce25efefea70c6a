import type { DescService } from "@bufbuild/protobuf";
import {
  type Client,
  createClient,
  createRouterTransport,
  type ServiceImpl,
} from "@connectrpc/connect";
import { errorInterceptor } from "../../internal/api/errors.js";
import { type Caller, callerKey } from "../../internal/auth/caller.js";
import { silentLogger } from "../../internal/core/logger.js";

/**
 * callerClient is a Connect client of a service implementation, in memory (no port), whose
 * every call comes from `caller`, as if the API's authentication had resolved it, with the
 * API's error mapping: the service's own tests go through the same Connect codes a client sees.
 */
export function callerClient<T extends DescService>(
  service: T,
  impl: Partial<ServiceImpl<T>>,
  caller: Caller,
): Client<T> {
  return createClient(
    service,
    createRouterTransport((router) =>
      router.service(service, impl, {
        interceptors: [
          errorInterceptor(silentLogger),
          (next) => (req) => {
            req.contextValues.set(callerKey, caller);
            return next(req);
          },
        ],
      }),
    ),
  );
}
