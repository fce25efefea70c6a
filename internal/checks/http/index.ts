/**
 * The HTTP(S) check: a pure function of its target and the network. It measures and returns
 * a CheckResult; persisting, publishing and scheduling happen around it.
 */

export { KEYWORD_WINDOW_BYTES, MAX_BODY_BYTES } from "./body.js";
export { LoopDelaySampler } from "./loop-delay.js";
export { MAX_REDIRECTS, USER_AGENT, userAgentOf } from "./request.js";
export { type CheckOptions, DEFAULT_TIMEOUT_MS, runCheck } from "./run-check.js";
export { secureContextFor } from "./tls-info.js";
