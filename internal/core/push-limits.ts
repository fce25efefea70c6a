// The bounds of one PushSamples call, which the agent keeps to and the API enforces or sizes its
// read limit by. Here, in core, so that both sides import one number and the agent bundle pulls
// no server code in to get it.

/** MAX_BATCH is how many samples one PushSamples call may carry; the agent sends no more. */
export const MAX_BATCH = 500;

/**
 * AGENT_BATCH_BYTES is the most binary sample bytes the agent puts in one PushSamples call
 * (internal/agent/sender.ts); MAX_BATCH samples of an ordinary host are far less. The API's
 * read limit (MAX_PUSH_BYTES) is sized so that such a batch fits in either encoding.
 */
export const AGENT_BATCH_BYTES = 1024 * 1024;
