import type { CheckTiming } from "../../../../gen/pulsar/v1/check_pb";
import type { KindName } from "../../lib/monitor-kind";
import { PHASES, type PhaseField, visiblePhases } from "./phases";

/** Timing is what CheckTiming and TimingPoint share: the phases and their total. */
export type Timing = Pick<CheckTiming, PhaseField | "totalMs">;

/** KindPhase is one phase of a kind's waterfall: its name, colour, and how to read it. */
export interface KindPhase {
  label: string;
  color: string;
  value: (timing: Timing) => number;
}

const color = (field: PhaseField) => PHASES.find((p) => p.field === field)?.color ?? "#64748b";

/**
 * A TCP check's waterfall: DNS, connect, TLS, then the answer (to its first byte and on until
 * the expected text came or the peer closed).
 */
const TCP_PHASES: readonly KindPhase[] = [
  { label: "DNS", color: color("dnsMs"), value: (t) => t.dnsMs },
  { label: "Connect", color: color("connectMs"), value: (t) => t.connectMs },
  { label: "TLS", color: color("tlsMs"), value: (t) => t.tlsMs },
  { label: "Answer", color: color("ttfbMs"), value: (t) => t.ttfbMs + t.downloadMs },
];

/** A DNS check is one query, resolving the server's name included: one phase. */
const DNS_PHASES: readonly KindPhase[] = [
  { label: "Query", color: color("dnsMs"), value: (t) => t.totalMs },
];

/**
 * phasesFor are the phases a kind's checks are shown in, for these timings: HTTP's own (see
 * visiblePhases); for TCP, those some timing spent time on (TLS only with TLS, Answer only
 * when something is sent or expected), DNS and Connect always; DNS one phase; a heartbeat
 * none, as it is not checked but pinged.
 */
export function phasesFor(kind: KindName, timings: readonly Timing[]): KindPhase[] {
  switch (kind) {
    case "tcp":
      return TCP_PHASES.filter(
        (phase, i) => i < 2 || timings.some((timing) => phase.value(timing) > 0),
      );
    case "dns":
      return [...DNS_PHASES];
    case "heartbeat":
      return [];
    default:
      return visiblePhases(timings).map((phase) => ({
        label: phase.label,
        color: phase.color,
        value: (timing: Timing) => timing[phase.field],
      }));
  }
}
