/**
 * The TCP check: a pure function of its target and the network. It connects (through TLS when
 * asked), writes `send`, reads the answer for `expect`, and returns a measured CheckResult;
 * persisting, publishing and scheduling happen around it.
 */

export { KEPT_ANSWER_BYTES, MAX_ANSWER_BYTES } from "./answer-reader.js";
export { decodeEscapes } from "./escapes.js";
export { MAX_EXPECT_BYTES, MAX_SEND_BYTES } from "./tcp-plan.js";
export { runTcpCheck } from "./tcp-run.js";
