import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { AlertEventSchema, AlertKind, DeliveryStatus } from "../../../gen/pulsar/v1/alert_pb.js";
import type { Queryable } from "../../db/pool.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import { type HostEvent, insertHostEvent } from "./host-rule-state.js";

/**
 * recordHostEvent records a host rule firing or resolving with its pending deliveries and
 * answers it as the hand-out takes it. Both deciders of host rules (the evaluator over samples,
 * the silent-host sweep) record through it, in the transaction that changed the rule's state.
 */
export async function recordHostEvent(db: Queryable, event: HostEvent): Promise<OwnedAlertEvent> {
  const stored = await insertHostEvent(db, event);
  return {
    orgId: event.orgId,
    event: create(AlertEventSchema, {
      id: stored.id,
      kind: event.kind === "host_firing" ? AlertKind.HOST_FIRING : AlertKind.HOST_RESOLVED,
      createdAt: timestampFromDate(stored.createdAt),
      hostId: event.hostId,
      ruleId: event.ruleId,
      title: event.title,
      message: event.message,
      // The stored NULL reads back as 0 (alertEventFromRow): the same here.
      value: event.value ?? 0,
      deliveries: stored.deliveries.map((d) => ({ ...d, status: DeliveryStatus.PENDING })),
    }),
  };
}
