import { Code } from "@connectrpc/connect";
import type { ApiProblem } from "../../api/errors";
import type { ConditionField, MonitorFormField } from "./form-values";

const FIELD_OF_PATH: [prefix: string, field: MonitorFormField][] = [
  ["monitor.name", "name"],
  ["monitor.url", "url"],
  ["monitor.intervalSeconds", "interval"],
  ["monitor.timeoutMs", "timeout"],
  ["monitor.method", "method"],
  ["monitor.expectedStatus", "expectedStatus"],
  ["monitor.keyword", "keyword"],
  ["monitor.invertKeyword", "keyword"],
  ["monitor.confirmations", "confirmations"],
  ["monitor.recoveryConfirmations", "recoveryConfirmations"],
  ["monitor.reminderMinutes", "reminderMinutes"],
  ["monitor.alertChannelIds", "alertChannelIds"],
  ["monitor.tlsExpiryAlertDays", "tlsExpiryDays"],
  ["monitor.tcp.host", "tcpHost"],
  ["monitor.tcp.port", "tcpPort"],
  ["monitor.tcp.send", "tcpSend"],
  ["monitor.tcp.expect", "tcpExpect"],
  ["monitor.tcp", "tcpHost"],
  ["monitor.dns.name", "dnsName"],
  ["monitor.dns.recordType", "dnsRecordType"],
  ["monitor.dns.server", "dnsServer"],
  ["monitor.dns.expect", "dnsExpect"],
  ["monitor.dns.expectExact", "dnsExpect"],
  ["monitor.dns", "dnsName"],
  ["monitor.heartbeat.periodSeconds", "heartbeatPeriod"],
  ["monitor.heartbeat.graceSeconds", "heartbeatGrace"],
  ["monitor.heartbeat.cron", "heartbeatCron"],
  ["monitor.heartbeat.timezone", "heartbeatTimezone"],
  ["monitor.heartbeat", "heartbeatPeriod"],
  ["monitor.regions", "regions"],
  ["monitor.regionRule", "regionRule"],
];

/**
 * fieldOfPath maps the request field a server error names ("monitor.expectedStatus[0].min",
 * "monitor.conditions[2]") to the form field it is about, a condition to its own line;
 * undefined for one the form does not show (headers, body).
 */
export function fieldOfPath(
  path: string | undefined,
): MonitorFormField | ConditionField | undefined {
  if (!path) return undefined;
  const condition = /^monitor\.conditions(?:\[(\d{1,3})\])?$/.exec(path);
  if (condition)
    return condition[1] === undefined ? "conditions" : `conditions[${Number(condition[1])}]`;
  for (const [prefix, field] of FIELD_OF_PATH) {
    const next = path.charAt(prefix.length);
    if (path.startsWith(prefix) && (next === "" || next === "." || next === "[")) return field;
  }
  return undefined;
}

/**
 * pathOfProblem is the request field a refusal is about. The server names it first, followed
 * by a space ("monitor.url must …") or, for an expression it could not read, by a colon
 * ("monitor.conditions[2]: unexpected token at position 7"), which problemOf leaves alone.
 */
export function pathOfProblem(problem: ApiProblem): string | undefined {
  if (problem.field || problem.code !== Code.InvalidArgument) return problem.field;
  return /^(monitor\.[\w.[\]]+):/.exec(problem.message)?.[1];
}
