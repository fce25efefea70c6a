import type { AlertEvent } from "../../gen/pulsar/v1/alert_pb.js";

/**
 * OwnedAlertEvent is a recorded alert event and the organization it belongs to: the stream
 * publishes it to that organization only, and its deliveries (one per channel, pending) are
 * what the hand-out queues.
 */
export interface OwnedAlertEvent {
  orgId: string;
  event: AlertEvent;
}
