import { timestampMs } from "@bufbuild/protobuf/wkt";
import type pg from "pg";
import type { AgentSettings, Host, HostSample } from "../../../gen/pulsar/v1/host_pb.js";
import { connection } from "../../db/connection.js";
import type { Queryable } from "../../db/pool.js";
import { timestampText } from "../../db/timestamp-text.js";
import { withTransaction } from "../../db/transaction.js";
import type { LabelSelector } from "../labels/label-selector.js";
import { agentSettingsJson, agentSettingsOf, hostFromRow } from "./host-rows.js";
import { insertHostSamples } from "./host-samples-db.js";
import * as q from "./hosts.queries.js";

/**
 * HostScope is what one caller may see: its organization's hosts, plus the shared hosts
 * (org_id NULL) when includeShared (PULSAR_SHARED_HOSTS) is on. Another organization's host is
 * invisible, exactly like one that does not exist.
 */
export interface HostScope {
  orgId: string;
  includeShared: boolean;
}

/**
 * OwnedHostSample is a sample with the organization its host reports to; orgId undefined is a
 * shared host (a worker without PULSAR_WORKER_TOKEN).
 */
export interface OwnedHostSample {
  orgId: string | undefined;
  sample: HostSample;
}

/**
 * UpsertedHost is a host a batch recorded: its owner, whether the batch created its row (a new
 * host, or one back after DeleteHost), and the agent settings the dashboard set for it.
 */
export interface UpsertedHost {
  orgId: string | undefined;
  created: boolean;
  agentSettings: AgentSettings | undefined;
}

const sampledAtMs = (s: HostSample): number => (s.sampledAt ? timestampMs(s.sampledAt) : 0);

/**
 * upsertHosts records each host of a batch once: its owner, newest description (with its
 * address, sampler version and agent labels), first and last seen. A host already claimed by
 * another owner is left alone; the answer holds the hosts this batch may write samples of (new
 * hosts, and existing ones of the same owner). When a batch holds one host id under two owners,
 * the first owner seen speaks for it.
 */
export async function upsertHosts(
  db: Queryable,
  samples: readonly OwnedHostSample[],
): Promise<Map<string, UpsertedHost>> {
  const byHost = new Map<
    string,
    { orgId: string | undefined; first: HostSample; last: HostSample }
  >();
  for (const { orgId, sample: s } of samples) {
    const seen = byHost.get(s.hostId);
    if (!seen) byHost.set(s.hostId, { orgId, first: s, last: s });
    else if (seen.orgId === orgId) {
      if (sampledAtMs(s) < sampledAtMs(seen.first)) seen.first = s;
      if (sampledAtMs(s) >= sampledAtMs(seen.last)) seen.last = s;
    }
  }
  if (byHost.size === 0) return new Map();
  const hosts = [...byHost.values()];
  const rows = await q.upsertHosts.run(
    {
      ids: hosts.map((h) => h.last.hostId),
      orgIds: hosts.map((h) => h.orgId ?? ""),
      hostnames: hosts.map((h) => h.last.hostname),
      oses: hosts.map((h) => h.last.info?.os ?? ""),
      kernels: hosts.map((h) => h.last.info?.kernel ?? ""),
      arches: hosts.map((h) => h.last.info?.arch ?? ""),
      cpuModels: hosts.map((h) => h.last.info?.cpuModel ?? ""),
      cores: hosts.map((h) => h.last.info?.cores ?? 0),
      memoryBytes: hosts.map((h) => h.last.memory?.totalBytes ?? 0),
      ipAddresses: hosts.map((h) => h.last.info?.ipAddress ?? ""),
      agentVersions: hosts.map((h) => h.last.info?.agentVersion ?? ""),
      agentLabels: hosts.map((h) => JSON.stringify(h.last.info?.labels ?? {})),
      firstSeens: hosts.map((h) => timestampText(h.first.sampledAt)),
      lastSeens: hosts.map((h) => timestampText(h.last.sampledAt)),
    },
    connection(db),
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        orgId: byHost.get(row.id)?.orgId,
        created: row.created,
        agentSettings: agentSettingsOf(row.agent_settings),
      },
    ]),
  );
}

/**
 * findHostOwner says who has claimed a host: `{ orgId }` (undefined for a shared host), or
 * undefined when no sample of it was ever stored.
 */
export async function findHostOwner(
  db: Queryable,
  hostId: string,
): Promise<{ orgId: string | undefined } | undefined> {
  const [row] = await q.findHostOwner.run({ id: hostId }, connection(db));
  return row && { orgId: row.org_id ?? undefined };
}

/**
 * findHostOwners says who has claimed each of hostIds that someone has: id → organization
 * (undefined for a shared host). A host id absent from the answer is unclaimed.
 */
export async function findHostOwners(
  db: Queryable,
  hostIds: readonly string[],
): Promise<Map<string, string | undefined>> {
  if (hostIds.length === 0) return new Map();
  const rows = await q.findHostOwners.run({ ids: [...hostIds] }, connection(db));
  return new Map(rows.map((row) => [row.id, row.org_id ?? undefined]));
}

/** RefusedHost is a host whose samples a batch did not store for one owner: another owns it. */
export interface RefusedHost {
  orgId: string | undefined;
  hostId: string;
}

/**
 * writeHostSampleBatch stores a batch of samples and records their hosts in one transaction:
 * two statements plus BEGIN and COMMIT, whatever the batch size. Samples of a host claimed by
 * another owner are skipped (a host id is not proof of ownership: anyone can configure
 * HOST_ID); the answer lists each (owner, host) so skipped. A batch may carry several owners
 * (the API's store holds every organization's agents); a host id that appears under two of
 * them is looked up after the upsert, so its real owner's samples are stored whichever owner
 * the batch saw first. onUpserted, when given, hears the hosts recorded (before COMMIT: the
 * caller keeps them only once the call resolves).
 */
export async function writeHostSampleBatch(
  pool: Pick<pg.Pool, "connect">,
  samples: readonly OwnedHostSample[],
  onUpserted?: (hosts: ReadonlyMap<string, UpsertedHost>) => void,
): Promise<RefusedHost[]> {
  if (samples.length === 0) return [];
  return withTransaction(pool, async (client) => {
    const writable = await upsertHosts(client, samples);
    const ownersOf = new Map<string, Set<string | undefined>>();
    for (const { orgId, sample } of samples) {
      const owners = ownersOf.get(sample.hostId) ?? new Set();
      ownersOf.set(sample.hostId, owners.add(orgId));
    }
    for (const [hostId, owners] of ownersOf) {
      if (owners.size < 2) continue;
      // Rare (two owners racing for a new id, in one batch): ask who won.
      const owner = await findHostOwner(client, hostId);
      // The upsert spoke for the first owner seen; if that was not the real one, the row
      // existed already (not created) and its settings are read on the next push.
      const upserted = writable.get(hostId);
      if (!owner) writable.delete(hostId);
      else if (upserted?.orgId !== owner.orgId) {
        writable.set(hostId, { orgId: owner.orgId, created: false, agentSettings: undefined });
      }
    }
    const accepted: HostSample[] = [];
    const refused = new Map<string, RefusedHost>();
    for (const { orgId, sample } of samples) {
      if (writable.has(sample.hostId) && writable.get(sample.hostId)?.orgId === orgId) {
        accepted.push(sample);
      } else {
        refused.set(`${orgId ?? ""}/${sample.hostId}`, { orgId, hostId: sample.hostId });
      }
    }
    await insertHostSamples(client, accepted);
    onUpserted?.(writable);
    return [...refused.values()];
  });
}

/**
 * listHosts lists the hosts of a scope by hostname, those whose effective labels match the
 * selector when one is given; online means a sample within onlineWithinMs. The selector is
 * applied here, not in SQL: the scope is at most the organization's host quota (1000 by
 * default) plus the shared hosts, read whole anyway when no selector is given, and host rules
 * match with the same function (LabelSelector.matches), so a list and a rule never disagree on
 * which hosts a selector means.
 */
export async function listHosts(
  db: Queryable,
  scope: HostScope,
  options: { onlineWithinMs: number; now?: Date; selector?: LabelSelector },
): Promise<Host[]> {
  const onlineSince = (options.now ?? new Date()).getTime() - options.onlineWithinMs;
  const rows = await q.listHosts.run(scope, connection(db));
  const hosts = rows.map((row) => hostFromRow(row, onlineSince));
  const selector = options.selector;
  return selector ? hosts.filter((host) => selector.matches(host.labels)) : hosts;
}

/**
 * getHost reads one host of a scope, or undefined when no sample of it was ever stored or it
 * is outside the scope (the two are indistinguishable on purpose).
 */
export async function getHost(
  db: Queryable,
  scope: HostScope,
  id: string,
  options: { onlineWithinMs: number; now?: Date },
): Promise<Host | undefined> {
  const [row] = await q.getHost.run({ ...scope, id }, connection(db));
  const onlineSince = (options.now ?? new Date()).getTime() - options.onlineWithinMs;
  return row ? hostFromRow(row, onlineSince) : undefined;
}

/** HostChanges are what UpdateHost sets; an absent field stays as it is. */
export interface HostChanges {
  name?: string;
  /** A set replaces the labels set here; null drops them (the agent's apply again). */
  labels?: Readonly<Record<string, string>> | null;
  /** Settings that ask nothing are stored as none (the agent's own). */
  agentSettings?: AgentSettings;
}

/**
 * updateHost applies changes to one of orgId's own hosts and answers it as it is now, or
 * undefined when orgId has no such host (a shared host is nobody's: never updated here).
 */
export async function updateHost(
  db: Queryable,
  orgId: string,
  id: string,
  changes: HostChanges,
  options: { onlineWithinMs: number; now?: Date },
): Promise<Host | undefined> {
  const [row] = await q.updateHost.run(
    {
      id,
      orgId,
      setName: changes.name !== undefined,
      name: changes.name ?? "",
      setLabels: changes.labels !== undefined,
      labels: changes.labels ? JSON.stringify(changes.labels) : "",
      setAgentSettings: changes.agentSettings !== undefined,
      agentSettings: changes.agentSettings ? agentSettingsJson(changes.agentSettings) : "",
    },
    connection(db),
  );
  const onlineSince = (options.now ?? new Date()).getTime() - options.onlineWithinMs;
  return row ? hostFromRow(row, onlineSince) : undefined;
}

/**
 * deleteHost removes one of orgId's own hosts and all its stored samples, and answers whether
 * there was one. Run it in a transaction with whatever else describes the host (its rule
 * states: alerts' deleteHostRuleStates), so that a failure leaves it whole. A push of the host
 * afterwards records it again, as new.
 */
export async function deleteHost(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const deleted = await q.deleteHost.run({ id, orgId }, connection(db));
  if (deleted.length === 0) return false;
  await q.deleteHostSamples.run({ hostId: id }, connection(db));
  return true;
}
