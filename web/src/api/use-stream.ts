import { createContext, useContext, useEffect, useRef, useState } from "react";
import type { StreamEvent } from "../../../gen/pulsar/v1/stream_pb";
import type { LiveStream, StreamStatus } from "./stream";

/** StreamContext holds the signed-in session's LiveStream. */
export const StreamContext = createContext<LiveStream | undefined>(undefined);

/**
 * useStreamTopic calls onEvent with every event of a topic while the component is mounted;
 * replay false asks for live events only.
 */
export function useStreamTopic(
  topic: string | undefined,
  onEvent: (event: StreamEvent) => void,
  options: { replay?: boolean } = {},
): void {
  const stream = useContext(StreamContext);
  const replay = options.replay ?? true;
  // The latest callback, without resubscribing (and replaying) on every render.
  const callback = useRef(onEvent);
  callback.current = onEvent;
  useEffect(() => {
    if (!stream || !topic) return;
    return stream.subscribe(topic, (event) => callback.current(event), { replay });
  }, [stream, topic, replay]);
}

/** useStreamStatus is the live connection's status, for the "live / reconnecting" badge. */
export function useStreamStatus(): StreamStatus {
  const stream = useContext(StreamContext);
  const [status, setStatus] = useState<StreamStatus>(stream?.status ?? "connecting");
  useEffect(() => {
    if (!stream) return;
    setStatus(stream.status);
    return stream.onStatus(setStatus);
  }, [stream]);
  return status;
}
