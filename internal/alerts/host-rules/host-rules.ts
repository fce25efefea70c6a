import { timestampMs } from "@bufbuild/protobuf/wkt";
import type pg from "pg";
import type { HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import type { Logger } from "../../core/logger.js";
import { withTransaction } from "../../db/transaction.js";
import type { OwnedAlertEvent } from "../alert-event.js";
import {
  describeTransition,
  describeUnmatched,
  holds,
  metricValue,
  type Point,
  stepRule,
} from "./host-rule-logic.js";
import {
  ensureRuleStates,
  lockRuleStates,
  type MatchedRule,
  matchHostRules,
  type RuleState,
  ruleHostKey,
  updateRuleStates,
} from "./host-rule-state.js";
import { recordHostEvent } from "./record-host-event.js";

/** RuleSample is a stored host sample and the organization its host belongs to. */
export interface RuleSample {
  sample: HostSample;
  /** undefined: a shared host. */
  ownerOrgId: string | undefined;
}

/** HostRuleEvaluatorDeps are what evaluation uses. */
export interface HostRuleEvaluatorDeps {
  pool: Pick<pg.Pool, "connect" | "query">;
  log: Logger;
  /**
   * onEvents receives the events each evaluation created (committed, with their pending
   * deliveries): the caller publishes them on the stream and queues their deliveries. A
   * failure is logged; the events stay recorded (and pending) in Postgres.
   */
  onEvents?: (events: readonly OwnedAlertEvent[]) => Promise<void>;
  /** PULSAR_SHARED_HOSTS: shared hosts are watched by every organization's rules. true. */
  sharedHosts?: boolean;
  /** Samples older than this (vs now) are history catching up, not news: ignored. 10 min. */
  maxSampleAgeMs?: number;
  now?: () => Date;
}

/** HostRuleEvaluator decides host rules on batches of stored samples. */
export interface HostRuleEvaluator {
  /**
   * evaluate runs every rule watching the samples' hosts over them and returns the events it
   * created (a rule firing or resolving). Safe to call from several processes at once: each
   * (rule, host) state is changed under a row lock, in the transaction that records its event.
   */
  evaluate(samples: readonly RuleSample[]): Promise<OwnedAlertEvent[]>;
}

/** HostBatch is one host's samples of a batch, oldest first. */
interface HostBatch {
  owner: string | undefined;
  hostLabel: string;
  samples: HostSample[];
}

/** Pair is one rule on one host, with the metric's points in the batch. */
interface Pair {
  rule: MatchedRule;
  hostLabel: string;
  points: Point[];
}

/**
 * createHostRuleEvaluator builds the evaluator. Time is the samples' own (sampledAt): a rule
 * fires when samples forSeconds apart both hold, however late the batch is written. A sample
 * without a time, or older than maxSampleAgeMs, is skipped.
 */
export function createHostRuleEvaluator(deps: HostRuleEvaluatorDeps): HostRuleEvaluator {
  const { pool, log } = deps;
  const now = deps.now ?? (() => new Date());
  const maxAgeMs = deps.maxSampleAgeMs ?? 10 * 60_000;

  const byHost = (samples: readonly RuleSample[]): Map<string, HostBatch> => {
    const oldest = now().getTime() - maxAgeMs;
    const hosts = new Map<string, HostBatch>();
    for (const { sample, ownerOrgId } of samples) {
      if (!sample.sampledAt || sample.hostId === "") continue;
      if (timestampMs(sample.sampledAt) < oldest) continue;
      const host = hosts.get(sample.hostId);
      // The store writes a host's samples under one owner only (the one that claimed it).
      if (!host) hosts.set(sample.hostId, { owner: ownerOrgId, hostLabel: "", samples: [sample] });
      else if (host.owner === ownerOrgId) host.samples.push(sample);
    }
    for (const [hostId, host] of hosts) {
      host.samples.sort((a, b) => at(a) - at(b));
      host.hostLabel = host.samples.at(-1)?.hostname || hostId;
    }
    return hosts;
  };

  const decide = async (
    pairs: Pair[],
    leaving: readonly { rule: MatchedRule; hostLabel: string }[],
  ): Promise<OwnedAlertEvent[]> => {
    // Rows for the pairs that may change, committed before the transaction locks them all.
    await ensureRuleStates(
      pool,
      pairs
        .filter((p) => p.points.some((pt) => holds(p.rule.op, pt.value, p.rule.threshold)))
        .map((p) => p.rule),
    );
    return withTransaction(pool, async (client) => {
      const states = await lockRuleStates(client, [
        ...pairs.map((p) => p.rule),
        ...leaving.map((l) => l.rule),
      ]);
      const changed: RuleState[] = [];
      const created: OwnedAlertEvent[] = [];
      for (const { rule, hostLabel, points } of pairs) {
        const state = states.get(ruleHostKey(rule));
        // No row: not holding and not firing, and nothing in the batch holds (else ensured).
        if (!state) continue;
        const next = stepRule(state, rule, points);
        if (
          next.state.firing !== state.firing ||
          next.state.holdingSinceMs !== state.holdingSinceMs
        ) {
          changed.push({ ...state, ...next.state });
        }
        for (const transition of next.transitions) {
          const words = describeTransition(rule, hostLabel, transition);
          created.push(
            await recordHostEvent(client, {
              orgId: rule.orgId,
              kind: transition.kind,
              hostId: rule.hostId,
              ruleId: rule.ruleId,
              title: words.title,
              message: words.message,
              value: transition.value,
              channelIds: rule.channelIds,
            }),
          );
        }
      }
      // A host whose labels no longer match a selector rule: the rule lets go of it, resolving
      // an alert that fired (the state checked again under its lock).
      for (const { rule, hostLabel } of leaving) {
        const state = states.get(ruleHostKey(rule));
        if (!state || (!state.firing && state.holdingSinceMs === undefined)) continue;
        changed.push({ ...state, holdingSinceMs: undefined, firing: false });
        if (!state.firing) continue;
        const words = describeUnmatched(rule, hostLabel);
        created.push(
          await recordHostEvent(client, {
            orgId: rule.orgId,
            kind: "host_resolved",
            hostId: rule.hostId,
            ruleId: rule.ruleId,
            title: words.title,
            message: words.message,
            value: null,
            channelIds: rule.channelIds,
          }),
        );
      }
      await updateRuleStates(client, changed);
      return created;
    });
  };

  return {
    async evaluate(samples) {
      const hosts = byHost(samples);
      if (hosts.size === 0) return [];
      const { watching: rules, leaving } = await matchHostRules(
        pool,
        [...hosts].map(([hostId, host]) => ({ hostId, owner: host.owner })),
        deps.sharedHosts ?? true,
      );
      const pairs: Pair[] = [];
      for (const rule of rules) {
        const host = hosts.get(rule.hostId);
        if (!host) continue;
        const points: Point[] = [];
        for (const sample of host.samples) {
          const value = metricValue(sample, rule.metric, rule.mount);
          if (value !== undefined && Number.isFinite(value))
            points.push({ atMs: at(sample), value });
        }
        if (points.length > 0) pairs.push({ rule, hostLabel: host.hostLabel, points });
      }
      if (pairs.length === 0 && leaving.length === 0) return [];
      const created = await decide(
        pairs,
        leaving.map((rule) => ({
          rule,
          hostLabel: hosts.get(rule.hostId)?.hostLabel || rule.hostId,
        })),
      );
      if (created.length > 0 && deps.onEvents) {
        await deps.onEvents(created).catch((error: unknown) =>
          log.warn("handing out host alert events failed; they stay recorded as pending", {
            error,
            eventIds: created.map((c) => c.event.id),
          }),
        );
      }
      return created;
    },
  };
}

function at(sample: HostSample): number {
  return sample.sampledAt ? timestampMs(sample.sampledAt) : 0;
}
