import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { type LabelSelector, parseLabelSelector } from "../../hosts/labels/label-selector.js";
import { labelsOf } from "../../hosts/server/host-rows.js";
import type { ComparisonOpName, HostMetricName } from "../alert-rows.js";
import * as q from "./host-rule-state.queries.js";

/** WatchedHost is a host of a batch of samples and its owner (undefined: a shared host). */
export interface WatchedHost {
  hostId: string;
  owner: string | undefined;
}

/** MatchedRule is a host rule that watches one host of a batch. */
export interface MatchedRule {
  ruleId: string;
  orgId: string;
  name: string;
  metric: HostMetricName;
  mount: string;
  op: ComparisonOpName;
  threshold: number;
  forSeconds: number;
  channelIds: string[];
  /** The watched host (the rule may watch every host). */
  hostId: string;
}

/** RuleColumns are a host rule's columns as MatchHostRules and LockSilentRuleStates read them. */
interface RuleColumns {
  org_id: string;
  name: string;
  metric: string;
  mount: string;
  op: string;
  threshold: number;
  for_seconds: number;
  channel_ids: string[];
  host_id: string;
}

/** matchedRuleOf reads a rule row; metric and op hold what the rules table's checks allow. */
function matchedRuleOf(ruleId: string, row: RuleColumns): MatchedRule {
  return {
    ruleId,
    orgId: row.org_id,
    name: row.name,
    metric: row.metric as HostMetricName,
    mount: row.mount,
    op: row.op as ComparisonOpName,
    threshold: row.threshold,
    forSeconds: row.for_seconds,
    channelIds: row.channel_ids,
    hostId: row.host_id,
  };
}

/** RuleHostKey names the state of one rule on one host. */
export interface RuleHostKey {
  ruleId: string;
  hostId: string;
}

/** RuleState is a rule's state on one host. */
export interface RuleState extends RuleHostKey {
  /**
   * When the condition began to hold without a break (a sample's time, in ms); undefined: it
   * does not hold.
   */
  holdingSinceMs: number | undefined;
  firing: boolean;
}

/** HostEvent is a host rule firing or resolving on a host, to record with its deliveries. */
export interface HostEvent {
  orgId: string;
  kind: "host_firing" | "host_resolved";
  hostId: string;
  ruleId: string;
  title: string;
  message: string;
  /** The metric's value that decided it; null when no sample did (a silent host). */
  value: number | null;
  channelIds: string[];
}

/** StoredHostEvent is what insertHostEvent recorded. */
export interface StoredHostEvent {
  id: string;
  createdAt: Date;
  /** The channels a delivery was queued for: those of the rule that still exist. */
  deliveries: { channelId: string; channelName: string }[];
}

/** ruleHostKey is a map key for a (rule, host) pair. */
export const ruleHostKey = (k: RuleHostKey): string => `${k.ruleId}/${k.hostId}`;

/** RuleMatches are the rules watching a batch's hosts, and those that stopped watching one. */
export interface RuleMatches {
  watching: MatchedRule[];
  /**
   * Rules with a label selector that no longer matches a host's labels while their state on
   * it holds or fires: the caller resolves them (the labels changed, not the metric).
   */
  leaving: MatchedRule[];
}

/**
 * matchHostRules finds the rules watching each host: the host owner's rules naming it or every
 * host, those whose label selector matches the host's labels in force now, and for a shared
 * host every organization's (when includeShared).
 */
export async function matchHostRules(
  db: Queryable,
  hosts: readonly WatchedHost[],
  includeShared: boolean,
): Promise<RuleMatches> {
  if (hosts.length === 0) return { watching: [], leaving: [] };
  const rows = await q.matchHostRules.run(
    {
      hostIds: hosts.map((h) => h.hostId),
      owners: hosts.map((h) => h.owner ?? ""),
      includeShared,
    },
    connection(db),
  );
  const selectors = new Map<string, LabelSelector | undefined>();
  const selectorOf = (text: string) => {
    if (!selectors.has(text)) {
      // Validated when the rule was created; one that no longer parses matches nothing.
      try {
        selectors.set(text, parseLabelSelector(text));
      } catch {
        selectors.set(text, undefined);
      }
    }
    return selectors.get(text);
  };
  const matches: RuleMatches = { watching: [], leaving: [] };
  for (const row of rows) {
    const watching =
      row.host_selector === "" ||
      (selectorOf(row.host_selector)?.matches(labelsOf(row.host_labels) ?? {}) ?? false);
    if (watching) matches.watching.push(matchedRuleOf(row.id, row));
    else if (row.active) matches.leaving.push(matchedRuleOf(row.id, row));
  }
  return matches;
}

const sorted = (keys: readonly RuleHostKey[]) =>
  [...keys].sort((a, b) => (ruleHostKey(a) < ruleHostKey(b) ? -1 : 1));

/**
 * ensureRuleStates creates the missing state rows of some pairs (as not holding, not firing).
 * Call it outside the transaction that locks them (see LockRuleStates).
 */
export async function ensureRuleStates(db: Queryable, keys: readonly RuleHostKey[]): Promise<void> {
  if (keys.length === 0) return;
  const rows = sorted(keys);
  await q.ensureRuleStates.run(
    { ruleIds: rows.map((k) => k.ruleId), hostIds: rows.map((k) => k.hostId) },
    connection(db),
  );
}

/**
 * lockRuleStates reads and locks (FOR UPDATE, in key order) the states of some pairs until the
 * end of the caller's transaction; a pair without a row is absent from the answer.
 */
export async function lockRuleStates(
  db: Queryable,
  keys: readonly RuleHostKey[],
): Promise<Map<string, RuleState>> {
  if (keys.length === 0) return new Map();
  const rows = await q.lockRuleStates.run(
    { ruleIds: keys.map((k) => k.ruleId), hostIds: keys.map((k) => k.hostId) },
    connection(db),
  );
  return new Map(
    rows.map((row) => {
      const state: RuleState = {
        ruleId: row.rule_id,
        hostId: row.host_id,
        holdingSinceMs: row.holding_since?.getTime(),
        firing: row.firing,
      };
      return [ruleHostKey(state), state];
    }),
  );
}

/** SilentRuleState is a firing or holding state on a silent host, with its rule. */
export interface SilentRuleState extends RuleState {
  rule: MatchedRule;
  /** The host's name ('' when unknown). */
  hostname: string;
  /** The host's newest sample's time; undefined when the host's row is gone. */
  lastSeen: Date | undefined;
}

/**
 * lockSilentRuleStates reads and locks (FOR UPDATE SKIP LOCKED, in key order, until the end of
 * the caller's transaction) up to limit states that fire or hold on hosts with no sample since
 * silentBefore. States someone else holds locked are left out: they are being decided.
 */
export async function lockSilentRuleStates(
  db: Queryable,
  silentBefore: Date,
  limit: number,
): Promise<SilentRuleState[]> {
  const rows = await q.lockSilentRuleStates.run({ silentBefore, limit }, connection(db));
  return rows.map((row) => ({
    ruleId: row.rule_id,
    hostId: row.host_id,
    holdingSinceMs: row.holding_since?.getTime(),
    firing: row.firing,
    rule: matchedRuleOf(row.rule_id, row),
    hostname: row.hostname ?? "",
    lastSeen: row.last_seen ?? undefined,
  }));
}

/** updateRuleStates writes states back (in the transaction that locked them). */
export async function updateRuleStates(db: Queryable, states: readonly RuleState[]): Promise<void> {
  if (states.length === 0) return;
  await q.updateRuleStates.run(
    {
      ruleIds: states.map((s) => s.ruleId),
      hostIds: states.map((s) => s.hostId),
      holdingSinces: states.map((s) =>
        s.holdingSinceMs === undefined ? "" : new Date(s.holdingSinceMs).toISOString(),
      ),
      firings: states.map((s) => s.firing),
    },
    connection(db),
  );
}

/**
 * insertHostEvent records a host event with a pending delivery to each of its channels that
 * still exists in the organization. Run it in the transaction that changed the rule's state.
 */
export async function insertHostEvent(db: Queryable, event: HostEvent): Promise<StoredHostEvent> {
  const [row] = await q.insertHostEvent.run(event, connection(db));
  if (!row) throw new Error("insertHostEvent returned no row");
  return {
    id: row.id,
    createdAt: row.created_at,
    deliveries: row.channel_ids.map((channelId, i) => ({
      channelId,
      channelName: row.channel_names[i] ?? "",
    })),
  };
}

/**
 * deleteHostRuleStates removes orgId's rules' states on a host; run it in the transaction that
 * deletes the host (HostService.DeleteHost).
 */
export async function deleteHostRuleStates(
  db: Queryable,
  orgId: string,
  hostId: string,
): Promise<void> {
  await q.deleteHostRuleStates.run({ orgId, hostId }, connection(db));
}
