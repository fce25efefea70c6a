import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import type { HandlerContext } from "@connectrpc/connect";
import { callerKey } from "../auth/caller.js";
import type { WriteRateLimiter } from "../quota/write-rate-limiter.js";
import type { GateStep } from "./request-gate.js";

/**
 * meterWrites is the request-gate step that counts every write RPC against its caller's
 * organization and refuses those over PULSAR_ORG_WRITES_PER_MINUTE (resource_exhausted, with a
 * retry-after) before their bodies are read. It goes after authenticateCaller: public RPCs
 * (SignUp, SignIn) have no caller and are not counted; they have limits of their own. A write
 * is any method the proto does not mark `idempotency_level = NO_SIDE_EFFECTS`, so a new RPC is
 * counted unless it says it only reads.
 */
export function meterWrites(limiter: WriteRateLimiter): GateStep {
  return async (ctx: HandlerContext) => {
    if (ctx.method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return;
    const caller = ctx.values.get(callerKey);
    if (caller) await limiter.consume(caller.orgId);
  };
}
