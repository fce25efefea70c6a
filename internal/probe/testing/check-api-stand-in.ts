// For tests only (nothing in production imports it): a stand-in for the API's side of
// ProbeCheckService, so the probe's own tests need neither Postgres, Redis nor the API. The
// real API is exercised by test/regions (the end-to-end test).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { type CheckJob, CheckJobSchema } from "../../../gen/pulsar/v1/check_pb.js";
import {
  CheckLeaseSchema,
  type ExtendLeasesRequest,
  ProbeCheckService,
  type ReportResultsRequest,
  type TakeChecksRequest,
} from "../../../gen/pulsar/v1/probe_pb.js";

/** How each method answers: normally, or with an error of that code. */
export interface StandInFaults {
  takeChecks?: Code;
  extendLeases?: Code;
  reportResults?: Code;
}

/** CheckApiStandIn serves ProbeCheckService on 127.0.0.1 and records what it was sent. */
export interface CheckApiStandIn {
  baseUrl: string;
  /** The token it accepts (any other answers unauthenticated). */
  token: string;
  /** The region it names in TakeChecksResponse. */
  region: string;
  /** lease_ms it answers; ExtendLeases extends nothing, it only counts. */
  leaseMs: number;
  /** Added to this machine's clock for server_time (a probe with a clock off). */
  clockOffsetMs: number;
  /** Errors to answer instead, per method; set and cleared by the test. */
  faults: StandInFaults;
  /** Leases ExtendLeases answers as lost. */
  lostLeases: Set<string>;
  takes: TakeChecksRequest[];
  extensions: ExtendLeasesRequest[];
  /** ReportResults calls answered with success, in order. */
  reports: ReportResultsRequest[];
  /** Every ReportResults call received, answered or not. */
  reportCalls(): number;
  /** offer makes a lease available to the next TakeChecks. */
  offer(id: string, checks: MessageInitShape<typeof CheckJobSchema>[]): void;
  /** serverNow is the stand-in's clock (this machine's plus clockOffsetMs). */
  serverNow(): number;
  /** stop closes the listener and every connection: clients get "connection refused". */
  stop(): Promise<void>;
  /** start listens again, on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** startCheckApiStandIn serves a CheckApiStandIn on a free port of 127.0.0.1. */
export async function startCheckApiStandIn(
  options: { token?: string; region?: string; leaseMs?: number } = {},
): Promise<CheckApiStandIn> {
  const offered: { id: string; checks: CheckJob[] }[] = [];
  let wakeTakers: (() => void)[] = [];
  let reportCalls = 0;
  const token = options.token ?? `pulsar_probe_${"T".repeat(43)}`;

  const authorize = (ctx: HandlerContext, method: keyof StandInFaults) => {
    if (ctx.requestHeader.get("authorization") !== `Bearer ${token}`) {
      throw new ConnectError("unknown or revoked token", Code.Unauthenticated);
    }
    const fault = standIn.faults[method];
    if (fault !== undefined) throw new ConnectError(`stand-in fault for ${method}`, fault);
  };

  const standIn: CheckApiStandIn = {
    baseUrl: "",
    token,
    region: options.region ?? "d",
    leaseMs: options.leaseMs ?? 30_000,
    clockOffsetMs: 0,
    faults: {},
    lostLeases: new Set(),
    takes: [],
    extensions: [],
    reports: [],
    reportCalls: () => reportCalls,
    offer(id, checks) {
      offered.push({ id, checks: checks.map((check) => create(CheckJobSchema, check)) });
      const woken = wakeTakers;
      wakeTakers = [];
      for (const wake of woken) wake();
    },
    serverNow: () => Date.now() + standIn.clockOffsetMs,
    stop: async () => {},
    start: async () => {},
    close: async () => {},
  };

  const adapter = connectNodeAdapter({
    routes: (router) =>
      router.service(ProbeCheckService, {
        async takeChecks(request, ctx) {
          authorize(ctx, "takeChecks");
          standIn.takes.push(request);
          const deadline = Date.now() + request.waitMs;
          while (offered.length === 0 && Date.now() < deadline && !ctx.signal.aborted) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, deadline - Date.now());
              wakeTakers.push(() => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
          const leases = [];
          let count = 0;
          while (
            offered.length > 0 &&
            count + (offered[0]?.checks.length ?? 0) <= request.maxChecks
          ) {
            const lease = offered.shift();
            if (!lease) break;
            count += lease.checks.length;
            leases.push(create(CheckLeaseSchema, lease));
          }
          return {
            leases,
            leaseMs: standIn.leaseMs,
            region: standIn.region,
            serverTime: timestampFromMs(standIn.serverNow()),
          };
        },
        async extendLeases(request, ctx) {
          authorize(ctx, "extendLeases");
          standIn.extensions.push(request);
          return { lostLeaseIds: request.leaseIds.filter((id) => standIn.lostLeases.has(id)) };
        },
        async reportResults(request, ctx) {
          reportCalls++;
          authorize(ctx, "reportResults");
          standIn.reports.push(request);
          return { accepted: request.results.length, skipped: 0, lostLeaseIds: [] };
        },
      }),
  });

  let server: Server = createServer(adapter);
  let port = 0;
  const listen = async () => {
    server = createServer(adapter);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  standIn.baseUrl = `http://127.0.0.1:${port}`;
  standIn.stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  standIn.start = listen;
  standIn.close = async () => {
    if (server.listening) await standIn.stop();
    const woken = wakeTakers;
    wakeTakers = [];
    for (const wake of woken) wake();
  };
  return standIn;
}
