import type { AlertEvent, HostRule } from "../../gen/pulsar/v1/alert_pb.js";
import { connection } from "../db/connection.js";
import type { Queryable } from "../db/pool.js";
import * as q from "./alert-admin.queries.js";
import {
  alertEventFromRow,
  type ComparisonOpName,
  deliveryFromRow,
  type HostMetricName,
  ruleFromRow,
} from "./alert-rows.js";
import type { EventCursor } from "./event-cursor.js";

// Every function here takes the caller's organization: another organization's channel, rule or
// event is exactly as absent as one that does not exist.

/** ChannelKind is alert_channels.kind. */
export type ChannelKind = "discord" | "webhook";

/** StoredChannel is an alert channel as stored: its URL in full, and the secret when asked for. */
export interface StoredChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  url: string;
  /** Only from getChannel, for sending; a Discord channel has none. */
  secret?: string;
  createdAt: Date;
}

/** NewChannel is what insertChannel stores. */
export interface NewChannel {
  name: string;
  kind: ChannelKind;
  url: string;
  secret?: string;
}

/**
 * NewRule is a validated host rule; hostId '' watches every host, or those whose labels match
 * hostSelector when it is not '' (never both).
 */
export interface NewRule {
  name: string;
  hostId: string;
  hostSelector: string;
  metric: HostMetricName;
  mount: string;
  op: ComparisonOpName;
  threshold: number;
  forSeconds: number;
  channelIds: string[];
}

/** EventFilter selects alert history; empty strings and undefined select everything. */
export interface EventFilter {
  monitorId?: string;
  hostId?: string;
  since?: Date;
  /** Only events after this position (newest first): the previous page's last. */
  after?: EventCursor;
  limit: number;
}

/** EventPage is a page of alert history and, when more follow, where the next page starts. */
export interface EventPage {
  events: AlertEvent[];
  next: EventCursor | undefined;
}

/** StoredIncident is a row of incidents. */
export interface StoredIncident {
  id: string;
  monitorId: string;
  startedAt: Date;
  endedAt: Date | undefined;
  cause: string;
}

const channelOf = (row: Omit<q.GetChannelResult, "secret"> & { secret?: string | null }) => ({
  id: row.id,
  name: row.name,
  kind: row.kind as ChannelKind,
  url: row.url,
  ...(row.secret ? { secret: row.secret } : {}),
  createdAt: row.created_at,
});

/** insertChannel stores a new channel of an organization (the URL without its secret). */
export async function insertChannel(
  db: Queryable,
  orgId: string,
  channel: NewChannel,
): Promise<StoredChannel> {
  const [row] = await q.insertChannel.run(
    { orgId, ...channel, secret: channel.secret ?? "" },
    connection(db),
  );
  if (!row) throw new Error("insertChannel returned no row");
  return channelOf(row);
}

/** listChannels lists an organization's channels in creation order, without secrets. */
export async function listChannels(db: Queryable, orgId: string): Promise<StoredChannel[]> {
  return (await q.listChannels.run({ orgId }, connection(db))).map(channelOf);
}

/** getChannel reads one channel with its secret (to send to it); undefined when absent. */
export async function getChannel(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<StoredChannel | undefined> {
  const [row] = await q.getChannel.run({ id, orgId }, connection(db));
  return row && channelOf(row);
}

/**
 * deleteChannel deletes a channel and removes it from the organization's monitors and host
 * rules; false when there was no such channel.
 */
export async function deleteChannel(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const [row] = await q.deleteChannel.run({ id, orgId }, connection(db));
  return row?.deleted ?? false;
}

/** filterOrgChannelIds returns those of the ids that are channels of the organization. */
export async function filterOrgChannelIds(
  db: Queryable,
  orgId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await q.filterOrgChannelIds.run({ orgId, ids: [...ids] }, connection(db));
  return new Set(rows.map((row) => row.id));
}

/** insertRule stores a host rule of an organization. */
export async function insertRule(db: Queryable, orgId: string, rule: NewRule): Promise<HostRule> {
  const [row] = await q.insertRule.run({ orgId, ...rule }, connection(db));
  if (!row) throw new Error("insertRule returned no row");
  return ruleFromRow(row);
}

/** listRules lists an organization's host rules in creation order. */
export async function listRules(db: Queryable, orgId: string): Promise<HostRule[]> {
  return (await q.listRules.run({ orgId }, connection(db))).map(ruleFromRow);
}

/** deleteRule deletes a host rule and its state; false when there was no such rule. */
export async function deleteRule(db: Queryable, orgId: string, id: string): Promise<boolean> {
  return (await q.deleteRule.run({ id, orgId }, connection(db))).length > 0;
}

/**
 * insertTestEvent records a TEST event for a channel with its one delivery, marked as being
 * sent (the caller sends it itself); answers the event's id and time.
 */
export async function insertTestEvent(
  db: Queryable,
  orgId: string,
  event: { title: string; message: string; channelId: string; channelName: string },
): Promise<{ id: string; createdAt: Date }> {
  const [row] = await q.insertTestEvent.run({ orgId, ...event }, connection(db));
  if (!row) throw new Error("insertTestEvent returned no row");
  return { id: row.id, createdAt: row.created_at };
}

/** listAlertEvents reads an organization's alert history, newest first, with deliveries. */
export async function listAlertEvents(
  db: Queryable,
  orgId: string,
  filter: EventFilter,
): Promise<AlertEvent[]> {
  return (await readAlertEvents(db, orgId, filter)).map((row) => row.event);
}

/**
 * listAlertEventsPage reads up to filter.limit events of an organization's history, newest
 * first, after filter.after; `next` is where the following page starts, undefined on the last.
 */
export async function listAlertEventsPage(
  db: Queryable,
  orgId: string,
  filter: EventFilter,
): Promise<EventPage> {
  // One extra row tells whether another page exists, so the last page has no cursor.
  const rows = await readAlertEvents(db, orgId, { ...filter, limit: filter.limit + 1 });
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  return { events: page.map((row) => row.event), next: more ? page.at(-1)?.cursor : undefined };
}

async function readAlertEvents(
  db: Queryable,
  orgId: string,
  filter: EventFilter,
): Promise<{ event: AlertEvent; cursor: EventCursor }[]> {
  const rows = await q.listAlertEvents.run(
    {
      orgId,
      monitorId: filter.monitorId ?? "",
      hostId: filter.hostId ?? "",
      since: filter.since ? filter.since.toISOString() : "",
      afterUs: filter.after?.createdUs ?? "",
      afterId: filter.after?.id ?? "",
      limit: filter.limit,
    },
    connection(db),
  );
  if (rows.length === 0) return [];
  const deliveries = await q.listDeliveries.run(
    { eventIds: rows.map((row) => row.id) },
    connection(db),
  );
  const byEvent = new Map<string, ReturnType<typeof deliveryFromRow>[]>();
  for (const delivery of deliveries) {
    const list = byEvent.get(delivery.event_id) ?? [];
    list.push(deliveryFromRow(delivery));
    byEvent.set(delivery.event_id, list);
  }
  return rows.map((row) => ({
    event: alertEventFromRow(row, byEvent.get(row.id) ?? []),
    cursor: { createdUs: row.created_us, id: row.id },
  }));
}

/** listIncidents reads a monitor's incidents, newest first; none for another organization's. */
export async function listIncidents(
  db: Queryable,
  orgId: string,
  monitorId: string,
  limit: number,
): Promise<StoredIncident[]> {
  const rows = await q.listIncidents.run({ orgId, monitorId, limit }, connection(db));
  return rows.map((row) => ({
    id: row.id,
    monitorId: row.monitor_id,
    startedAt: row.started_at,
    endedAt: row.ended_at ?? undefined,
    cause: row.cause,
  }));
}
