import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import type { RawData } from "ws";
import type { MonitorStatus } from "../../../gen/pulsar/v1/monitor_pb.js";
import {
  StreamErrorSchema,
  type StreamEvent,
  StreamEventSchema,
  StreamRequestSchema,
} from "../../../gen/pulsar/v1/stream_pb.js";
import { isUuid } from "../../core/ids.js";
import { parseTopic, type Topic, topicName } from "../../stream/topics.js";

/**
 * StreamPayload is the oneof of a StreamEvent: a host sample, a check result, an alert event or
 * an error.
 */
export type StreamPayload = StreamEvent["payload"];

/** ParsedRequest is a client frame checked down to its topics, or what is wrong with it. */
export type ParsedRequest =
  | {
      ok: true;
      subscribe: Map<string, Topic>;
      unsubscribe: Map<string, Topic>;
      /** Names in subscribe that were asked for without a replay (subscribeLive). */
      live: Set<string>;
    }
  | { ok: false; message: string };

/**
 * parseRequest reads a client frame as the JSON form of pulsar.v1.StreamRequest. Topics come
 * back keyed by their canonical name (monitor ids lower-cased, as the worker publishes them),
 * so `monitor:ABC…` and `monitor:abc…` are one subscription. The whole frame is rejected when
 * any part of it is wrong: a client never has to guess what was applied.
 */
export function parseRequest(data: RawData, isBinary: boolean, maxBytes: number): ParsedRequest {
  if (isBinary) return fail("frames must be text: the JSON form of pulsar.v1.StreamRequest");
  const bytes = toBuffer(data);
  if (bytes.length > maxBytes) {
    return fail(`frame is ${bytes.length} bytes; the limit is ${maxBytes}`);
  }
  let json: JsonValue;
  try {
    json = JSON.parse(bytes.toString("utf8")) as JsonValue;
  } catch {
    return fail("frame is not JSON");
  }
  let request: ReturnType<typeof fromJson<typeof StreamRequestSchema>>;
  try {
    request = fromJson(StreamRequestSchema, json);
  } catch (error) {
    return fail(`frame is not a pulsar.v1.StreamRequest: ${(error as Error).message}`);
  }
  if (
    request.subscribe.length === 0 &&
    request.unsubscribe.length === 0 &&
    request.subscribeLive.length === 0
  ) {
    return fail("frame has neither subscribe nor unsubscribe topics");
  }
  const subscribe = new Map<string, Topic>();
  const unsubscribe = new Map<string, Topic>();
  const live = new Set<string>();
  for (const [texts, into, withoutReplay] of [
    [request.subscribe, subscribe, false],
    [request.subscribeLive, subscribe, true],
    [request.unsubscribe, unsubscribe, false],
  ] as const) {
    for (const text of texts) {
      const topic = canonicalTopic(text);
      if (typeof topic === "string") return fail(topic);
      into.set(topicName(topic), topic);
      if (withoutReplay) live.add(topicName(topic));
    }
  }
  return { ok: true, subscribe, unsubscribe, live };
}

/** canonicalTopic parses one topic, or returns the message explaining why it is not one. */
function canonicalTopic(text: string): Topic | string {
  const topic = parseTopic(text);
  const shown = JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
  if (!topic) {
    return `unknown topic ${shown}: expected hosts, monitors, alerts, host:<hostId> or monitor:<monitorId>`;
  }
  if (topic.kind !== "monitor") return topic;
  const id = topic.id.toLowerCase();
  // Lower case only: topics are published under the id as Postgres prints it.
  if (!isUuid(id) || id !== id.toLowerCase())
    return `topic ${shown}: the monitor id must be a UUID`;
  return { kind: "monitor", id };
}

/**
 * encodeFrame serialises one event for the wire (with the monitor's status decided with a live
 * check result, when the worker published one). `topic` and `replay` are written even when
 * empty or false (plain toJson omits defaults), so a client can test `frame.replay === false`. The result
 * is a Buffer so one serialisation can be written to many sockets without ws converting a
 * string per client.
 */
export function encodeFrame(
  topic: string,
  replay: boolean,
  payload: StreamPayload,
  monitorStatus?: MonitorStatus,
): Buffer {
  const json = toJson(
    StreamEventSchema,
    create(StreamEventSchema, { topic, replay, payload, monitorStatus }),
  );
  return Buffer.from(JSON.stringify({ topic, replay, ...(json as object) }));
}

/** errorFrame is an error event (topic empty unless it concerns one topic). */
export function errorFrame(code: string, message: string, topic = ""): Buffer {
  return encodeFrame(topic, false, {
    case: "error",
    value: create(StreamErrorSchema, { code, message }),
  });
}

function fail(message: string): ParsedRequest {
  return { ok: false, message };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
