import { create, fromJson, type JsonObject, toJson } from "@bufbuild/protobuf";
import type { ConnectionOptions, JobsOptions } from "bullmq";
import { Queue } from "bullmq";
import { AlertDeliveryJobSchema } from "../../../gen/pulsar/v1/alert_pb.js";
import type { DeliveryKey } from "../alerts-db.js";

/** ALERT_QUEUE is the BullMQ queue of alert deliveries (same prefix as the checks). */
export const ALERT_QUEUE = "alerts";

/** ALERT_JOB_NAME names delivery jobs. */
export const ALERT_JOB_NAME = "deliver";

/** AlertQueue holds delivery jobs; their data is the JSON form of pulsar.v1.AlertDeliveryJob. */
export type AlertQueue = Queue<JsonObject, void, string>;

/**
 * ALERT_JOB_OPTIONS: 8 attempts with exponential backoff from 2 s (2, 4, … 128 s: about four
 * minutes in all) for network errors and 5xx answers. Finished jobs are removed: the outcome
 * lives in alert_deliveries, which is also what makes a re-queued delivery a no-op.
 */
export const ALERT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 2000 },
  removeOnComplete: true,
  removeOnFail: true,
};

/** createAlertQueue opens the alert queue on the given connection and key prefix. */
export function createAlertQueue(connection: ConnectionOptions, prefix: string): AlertQueue {
  return new Queue<JsonObject, void, string>(ALERT_QUEUE, { connection, prefix });
}

/**
 * deliveryJobId is "<event id>_<channel id>": one job per event and channel at a time. (BullMQ
 * refuses custom ids with a single ':', so not the ':' alert.proto's comment names.)
 */
export function deliveryJobId(key: DeliveryKey): string {
  return `${key.eventId}_${key.channelId}`;
}

/**
 * enqueueDeliveries adds one job per delivery, in one round trip. A delivery whose job is still
 * queued is not added twice; one added again after its job finished finds the delivery settled
 * and sends nothing.
 */
export async function enqueueDeliveries(
  queue: Pick<AlertQueue, "addBulk">,
  keys: readonly DeliveryKey[],
): Promise<void> {
  if (keys.length === 0) return;
  await queue.addBulk(
    keys.map((key) => ({
      name: ALERT_JOB_NAME,
      data: toJson(AlertDeliveryJobSchema, create(AlertDeliveryJobSchema, key)) as JsonObject,
      opts: { ...ALERT_JOB_OPTIONS, jobId: deliveryJobId(key) },
    })),
  );
}

/** decodeDeliveryJob reads job data; it throws on data that is not an AlertDeliveryJob. */
export function decodeDeliveryJob(data: JsonObject): DeliveryKey {
  const job = fromJson(AlertDeliveryJobSchema, data, { ignoreUnknownFields: true });
  return { eventId: job.eventId, channelId: job.channelId };
}
