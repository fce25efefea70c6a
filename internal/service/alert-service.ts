import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type pg from "pg";
import {
  AlertDeliverySchema,
  type AlertEvent,
  AlertEventSchema,
  AlertKind,
  type AlertService,
  DeliveryStatus,
  IncidentSchema,
} from "../../gen/pulsar/v1/alert_pb.js";
import * as alerts from "../alerts/alert-admin.js";
import { settleDelivery } from "../alerts/alerts-db.js";
import {
  type ChannelRules,
  channelOf,
  resolveChannelSpec,
} from "../alerts/channels/channel-input.js";
import { requireOrgChannels } from "../alerts/channels/org-channels.js";
import type { ChannelTarget, SendOutcome } from "../alerts/delivery/send.js";
import { decodeEventCursor, encodeEventCursor } from "../alerts/event-cursor.js";
import { resolveRuleSpec } from "../alerts/host-rules/rule-input.js";
import { getCaller } from "../auth/caller.js";
import * as monitors from "../checks/monitors/monitors.js";
import { InvalidArgumentError, NotFoundError } from "../core/errors.js";
import { HOST_ID_PATTERN } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import { pageSize, requireUuid } from "../core/validate.js";
import { getHost } from "../hosts/server/hosts-db.js";
import { DEFAULT_ORG_QUOTAS, insertWithinQuota, type OrgQuotas } from "../quota/org-quotas.js";
import type { StreamPublisher } from "../stream/publisher.js";

/** AlertServiceDeps are what the alert RPCs use. */
export interface AlertServiceDeps {
  pool: pg.Pool;
  log: Logger;
  /** PULSAR_SHARED_HOSTS: a rule may watch a shared host. */
  sharedHosts: boolean;
  /** Which channel URLs are accepted (see ChannelRules). */
  channelRules: ChannelRules;
  /** Sends one event to one channel once (internal/alerts/delivery/send.ts, with its options bound). */
  sendToChannel: (channel: ChannelTarget, event: AlertEvent) => Promise<SendOutcome>;
  /** Publishes TestChannel's event on the `alerts` stream; absent: not published. */
  publisher?: Pick<StreamPublisher, "publishAlertEvents">;
  /** How many channels and host rules an organization may hold; DEFAULT_ORG_QUOTAS when absent. */
  quotas?: Pick<OrgQuotas, "channels" | "hostRules">;
  now?: () => Date;
}

/** ALERT_EVENTS_MAX and INCIDENTS_MAX bound one page of history. */
const ALERT_EVENTS_MAX = 500;
const INCIDENTS_MAX = 500;

/**
 * createAlertService implements pulsar.v1.AlertService: channels (stored in full, answered
 * masked), host rules, and the alert history and incidents. Everything is scoped to the
 * caller's organization; another organization's id answers not_found like an unknown one, and
 * a reference to another organization's channel or host is invalid like a missing one.
 */
export function createAlertService(deps: AlertServiceDeps): ServiceImpl<typeof AlertService> {
  const { pool, log } = deps;
  const now = deps.now ?? (() => new Date());
  const quotas = { ...DEFAULT_ORG_QUOTAS, ...deps.quotas };

  return {
    async createChannel(req, ctx) {
      const channel = resolveChannelSpec(req.channel, deps.channelRules);
      const orgId = getCaller(ctx).orgId;
      const stored = await insertWithinQuota(
        pool,
        { orgId, kind: "channels", limit: quotas.channels },
        (tx) => alerts.insertChannel(tx, orgId, channel),
      );
      return { channel: channelOf(stored) };
    },
    async listChannels(_req, ctx) {
      return { channels: (await alerts.listChannels(pool, getCaller(ctx).orgId)).map(channelOf) };
    },
    async deleteChannel(req, ctx) {
      const id = requireUuid("id", req.id);
      if (!(await alerts.deleteChannel(pool, getCaller(ctx).orgId, id)))
        throw new NotFoundError(`channel ${id} not found`);
      return {};
    },
    async testChannel(req, ctx) {
      const id = requireUuid("id", req.id);
      const orgId = getCaller(ctx).orgId;
      const channel = await alerts.getChannel(pool, orgId, id);
      if (!channel) throw new NotFoundError(`channel ${id} not found`);
      const title = "Test alert from Pulsar";
      const message = `This is a test of the channel "${channel.name}". If you can read it, alerts will arrive here.`;
      const recorded = await alerts.insertTestEvent(pool, orgId, {
        title,
        message,
        channelId: channel.id,
        channelName: channel.name,
      });
      const event = create(AlertEventSchema, {
        id: recorded.id,
        kind: AlertKind.TEST,
        createdAt: timestampFromDate(recorded.createdAt),
        title,
        message,
      });
      const outcome = await deps.sendToChannel(
        { kind: channel.kind, url: channel.url, secret: channel.secret ?? null },
        event,
      );
      // The same settle the delivery worker makes: from 'sending', where insertTestEvent put it.
      await settleDelivery(
        pool,
        { eventId: recorded.id, channelId: channel.id },
        outcome.delivered ? "delivered" : "failed",
        outcome.error,
      );
      event.deliveries = [
        create(AlertDeliverySchema, {
          channelId: channel.id,
          channelName: channel.name,
          status: outcome.delivered ? DeliveryStatus.DELIVERED : DeliveryStatus.FAILED,
          attempts: 1,
          error: outcome.error,
          deliveredAt: outcome.delivered ? timestampFromDate(now()) : undefined,
        }),
      ];
      await deps.publisher
        ?.publishAlertEvents([{ orgId, event }])
        .catch((error: unknown) => log.warn("publishing a test alert failed", { error }));
      return {
        delivered: outcome.delivered,
        statusCode: outcome.statusCode,
        error: outcome.error,
      };
    },
    async createRule(req, ctx) {
      const orgId = getCaller(ctx).orgId;
      const rule = resolveRuleSpec(req.rule);
      if (rule.hostId !== "") {
        const host = await getHost(pool, { orgId, includeShared: deps.sharedHosts }, rule.hostId, {
          onlineWithinMs: 0,
        });
        if (!host)
          throw new InvalidArgumentError("rule.hostId", "names no host of this organization");
      }
      await requireOrgChannels(pool, orgId, "rule.channelIds", req.rule?.channelIds ?? []);
      const stored = await insertWithinQuota(
        pool,
        { orgId, kind: "hostRules", limit: quotas.hostRules },
        (tx) => alerts.insertRule(tx, orgId, rule),
      );
      return { rule: stored };
    },
    async listRules(_req, ctx) {
      return { rules: await alerts.listRules(pool, getCaller(ctx).orgId) };
    },
    async deleteRule(req, ctx) {
      const id = requireUuid("id", req.id);
      if (!(await alerts.deleteRule(pool, getCaller(ctx).orgId, id)))
        throw new NotFoundError(`rule ${id} not found`);
      return {};
    },
    async listAlertEvents(req, ctx) {
      const monitorId = req.monitorId === "" ? "" : requireUuid("monitorId", req.monitorId);
      if (req.hostId !== "" && !HOST_ID_PATTERN.test(req.hostId)) {
        throw new InvalidArgumentError("hostId", "must be a host id");
      }
      // page_size is the paging clients' size; limit, older clients' (one page, since-bounded).
      const limit =
        req.pageSize !== 0
          ? pageSize("pageSize", req.pageSize, 100, ALERT_EVENTS_MAX)
          : pageSize("limit", req.limit, 100, ALERT_EVENTS_MAX);
      const after = decodeEventCursor("pageToken", req.pageToken);
      // Events outlive their monitor (the history stays), so a monitor id only filters.
      const page = await alerts.listAlertEventsPage(pool, getCaller(ctx).orgId, {
        monitorId,
        hostId: req.hostId,
        since: req.since ? timestampDate(req.since) : undefined,
        after,
        limit,
      });
      return {
        events: page.events,
        nextPageToken: page.next ? encodeEventCursor(page.next) : "",
      };
    },
    async listIncidents(req, ctx) {
      const monitorId = requireUuid("monitorId", req.monitorId);
      const limit = pageSize("limit", req.limit, 50, INCIDENTS_MAX);
      const orgId = getCaller(ctx).orgId;
      if ((await monitors.filterOwnedMonitorIds(pool, orgId, [monitorId])).length === 0)
        throw new NotFoundError(`monitor ${monitorId} not found`);
      const at = now().getTime();
      const incidents = await alerts.listIncidents(pool, orgId, monitorId, limit);
      return {
        incidents: incidents.map((incident) =>
          create(IncidentSchema, {
            id: incident.id,
            monitorId: incident.monitorId,
            startedAt: timestampFromDate(incident.startedAt),
            endedAt: incident.endedAt ? timestampFromDate(incident.endedAt) : undefined,
            durationSeconds:
              Math.max(0, (incident.endedAt?.getTime() ?? at) - incident.startedAt.getTime()) /
              1000,
            cause: incident.cause,
          }),
        ),
      };
    },
  };
}
