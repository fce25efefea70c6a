import {
  type AlertDelivery,
  type AlertEvent,
  AlertKind,
  DeliveryStatus,
} from "../../../../gen/pulsar/v1/alert_pb";
import { shortTime, timestampMs } from "../../lib/format";
import { ALERT_KIND, DELIVERY_STATUS, type KindTone } from "./describe";

const TONE: Record<KindTone, string> = {
  bad: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
  good: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  warn: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  neutral: "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
};

/** AlertEventListProps are the events to list, newest first, and the list's name. */
export interface AlertEventListProps {
  events: readonly AlertEvent[];
  /** Names the list for screen readers ("Alert history"). */
  label: string;
}

/**
 * AlertEventList lists alerts newest first: when, what kind (in a word, coloured), the title and
 * the message, and how the delivery to each channel went, with the reason when it failed. New
 * alerts put on top are announced politely (role="log").
 */
export function AlertEventList({ events, label }: AlertEventListProps) {
  return (
    <div role="log" aria-label={label}>
      <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
        {events.map((event) => {
          const at = timestampMs(event.createdAt);
          const kind = ALERT_KIND[event.kind] ?? ALERT_KIND[AlertKind.UNSPECIFIED];
          return (
            <li key={event.id} className="space-y-1 p-3">
              <p className="flex flex-wrap items-center gap-x-3 gap-y-1">
                <time
                  dateTime={new Date(at).toISOString()}
                  title={new Date(at).toLocaleString()}
                  className="text-xs whitespace-nowrap text-slate-500 tabular-nums dark:text-slate-400"
                >
                  {shortTime(at)}
                </time>
                <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${TONE[kind.tone]}`}>
                  {kind.label}
                </span>
                <span className="font-medium break-words">{event.title}</span>
              </p>
              {event.message && (
                <p className="text-sm break-words whitespace-pre-line text-slate-700 dark:text-slate-300">
                  {event.message}
                </p>
              )}
              <Deliveries deliveries={event.deliveries} />
            </li>
          );
        })}
      </ol>
    </div>
  );
}

const STATUS_TONE: Record<DeliveryStatus, string> = {
  [DeliveryStatus.UNSPECIFIED]: "text-slate-500 dark:text-slate-400",
  [DeliveryStatus.PENDING]: "text-slate-500 dark:text-slate-400",
  [DeliveryStatus.DELIVERED]: "text-emerald-700 dark:text-emerald-400",
  [DeliveryStatus.FAILED]: "text-red-700 dark:text-red-400",
};

/** Deliveries says how an event went out to each channel. */
function Deliveries({ deliveries }: { deliveries: readonly AlertDelivery[] }) {
  if (deliveries.length === 0) {
    return <p className="text-xs text-slate-500 dark:text-slate-400">Sent to no channel.</p>;
  }
  return (
    <ul aria-label="Deliveries" className="space-y-0.5 text-xs">
      {deliveries.map((delivery) => (
        <li key={delivery.channelId} className="break-words">
          <span className="font-medium">{delivery.channelName || "A removed channel"}</span>:{" "}
          <span className={STATUS_TONE[delivery.status] ?? ""}>
            {DELIVERY_STATUS[delivery.status] ?? "Pending"}
          </span>
          {delivery.status === DeliveryStatus.PENDING && delivery.attempts > 0 && (
            <span className="text-slate-500 dark:text-slate-400">
              {" "}
              (retrying, {delivery.attempts} {delivery.attempts === 1 ? "attempt" : "attempts"} so
              far)
            </span>
          )}
          {delivery.status === DeliveryStatus.FAILED && delivery.error && (
            <span className="text-red-700 dark:text-red-400"> — {delivery.error}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
