import type { AlertEvent } from "../../gen/pulsar/v1/alert_pb.js";

/**
 * CreatedAlert is an alert event just recorded in Postgres, with the organization it belongs
 * to: what the stream publishes (publishAlertEvents) and what the delivery queue is handed
 * (event.id and event.deliveries, one job per channel).
 */
export interface CreatedAlert {
  orgId: string;
  event: AlertEvent;
}
