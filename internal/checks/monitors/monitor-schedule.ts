import { create } from "@bufbuild/protobuf";
import { CheckTargetSchema } from "../../../gen/pulsar/v1/check_pb.js";
import type { Monitor } from "../../../gen/pulsar/v1/monitor_pb.js";
import type { MonitorSchedule } from "../queue/check-queue.js";

/**
 * scheduleOf builds what the scheduler carries in each job from a stored monitor of the
 * organization orgId.
 */
export function scheduleOf(monitor: Monitor, orgId: string): MonitorSchedule {
  return {
    monitorId: monitor.id,
    orgId,
    intervalSeconds: monitor.intervalSeconds,
    target: create(CheckTargetSchema, {
      url: monitor.url,
      method: monitor.method,
      headers: monitor.headers,
      body: monitor.body,
      timeoutMs: monitor.timeoutMs,
      expectedStatus: monitor.expectedStatus,
      keyword: monitor.keyword,
      invertKeyword: monitor.invertKeyword,
      followRedirects: monitor.followRedirects,
      ignoreTlsErrors: monitor.ignoreTlsErrors,
    }),
  };
}
