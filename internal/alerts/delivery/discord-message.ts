import type { AlertEvent } from "../../../gen/pulsar/v1/alert_pb.js";
import { AlertKind } from "../../../gen/pulsar/v1/alert_pb.js";
import { formatDuration } from "../alert-format.js";

/**
 * MonitorContext is what an embed says about the monitor an event is about: its current name.
 * What it checks is in the event's message ("Check: …"), worded for its kind when it alerted.
 */
export interface MonitorContext {
  name: string;
}

/** DiscordContext is what a Discord message needs beyond the event itself. */
export interface DiscordContext {
  monitor?: MonitorContext;
  /** PUBLIC_URL: where the dashboard is; without it the message has no link. */
  publicUrl?: string;
}

/**
 * Embed colours by kind: red down, green recovered, amber reminders, hosts firing and
 * certificates expiring, blue tests.
 */
export const EMBED_COLOURS: Record<AlertKind, number> = {
  [AlertKind.UNSPECIFIED]: 0x5865f2,
  [AlertKind.MONITOR_DOWN]: 0xe53935,
  [AlertKind.MONITOR_RECOVERED]: 0x43a047,
  [AlertKind.MONITOR_REMINDER]: 0xffb300,
  [AlertKind.HOST_FIRING]: 0xffb300,
  [AlertKind.HOST_RESOLVED]: 0x43a047,
  [AlertKind.TEST]: 0x1e88e5,
  [AlertKind.TLS_EXPIRY]: 0xffb300,
};

// Discord rejects embeds past these lengths (400 Bad Request) rather than cutting them.
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4096;
const FIELD_MAX = 1024;

const cut = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

/** monitorLink is the dashboard page of the event's monitor, when PUBLIC_URL is set. */
export function monitorLink(event: AlertEvent, publicUrl: string | undefined): string | undefined {
  if (!publicUrl || !event.monitorId) return undefined;
  return `${publicUrl.replace(/\/+$/, "")}/monitors/${encodeURIComponent(event.monitorId)}`;
}

/**
 * discordMessage builds the body of a Discord webhook POST: one rich embed coloured by kind,
 * titled with the event's title (a link to the monitor at PUBLIC_URL), the event's message
 * (what is checked, error, waterfall, downtime or certificate expiry in words) and the
 * monitor's name as a field. Mentions are disabled: an error text containing "@everyone" must
 * not ping a whole server.
 */
export function discordMessage(event: AlertEvent, context: DiscordContext): object {
  const fields: EmbedField[] = [];
  if (context.monitor) {
    fields.push({ name: "Monitor", value: cut(context.monitor.name, FIELD_MAX), inline: true });
  }
  if (event.kind === AlertKind.MONITOR_RECOVERED) {
    fields.push({ name: "Downtime", value: formatDuration(event.downtimeSeconds), inline: true });
  }
  const link = monitorLink(event, context.publicUrl);
  if (link) fields.push({ name: "Details", value: `[Open in Pulsar](${link})` });
  const createdAt = event.createdAt
    ? new Date(Number(event.createdAt.seconds) * 1000).toISOString()
    : new Date().toISOString();
  return {
    username: "Pulsar",
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(event.title, TITLE_MAX),
        ...(link ? { url: link } : {}),
        ...(event.message ? { description: cut(event.message, DESCRIPTION_MAX) } : {}),
        color: EMBED_COLOURS[event.kind] ?? EMBED_COLOURS[AlertKind.UNSPECIFIED],
        fields,
        timestamp: createdAt,
        footer: { text: "Pulsar" },
      },
    ],
  };
}
