import type { MessageInitShape } from "@bufbuild/protobuf";
import { type CallOptions, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import {
  type ExtendLeasesRequestSchema,
  type ExtendLeasesResponse,
  ProbeCheckService,
  type ReportResultsRequestSchema,
  type ReportResultsResponse,
  type TakeChecksRequestSchema,
  type TakeChecksResponse,
} from "../../gen/pulsar/v1/probe_pb.js";

/** ProbeCheckClient is the part of a pulsar.v1.ProbeCheckService client the probe calls. */
export interface ProbeCheckClient {
  takeChecks(
    request: MessageInitShape<typeof TakeChecksRequestSchema>,
    options?: CallOptions,
  ): Promise<TakeChecksResponse>;
  extendLeases(
    request: MessageInitShape<typeof ExtendLeasesRequestSchema>,
    options?: CallOptions,
  ): Promise<ExtendLeasesResponse>;
  reportResults(
    request: MessageInitShape<typeof ReportResultsRequestSchema>,
    options?: CallOptions,
  ): Promise<ReportResultsResponse>;
}

/** ProbeClientOptions say where the API is and which token to send. */
export interface ProbeClientOptions {
  /** PULSAR_URL: the API's base URL. */
  url: string;
  /** PULSAR_PROBE_TOKEN. */
  token: string;
}

/**
 * createProbeClient makes the probe's client of the API: Connect's binary protocol over
 * HTTP/1.1 with keep-alive, so it passes any proxy or load balancer that passes HTTPS, and
 * every call carries the probe token. Deadlines are per call (the long poll of TakeChecks needs
 * a longer one than the others).
 */
export function createProbeClient(options: ProbeClientOptions): ProbeCheckClient {
  const bearer: Interceptor = (next) => (req) => {
    req.header.set("authorization", `Bearer ${options.token}`);
    return next(req);
  };
  const transport = createConnectTransport({
    baseUrl: options.url,
    httpVersion: "1.1",
    useBinaryFormat: true,
    interceptors: [bearer],
  });
  return createClient(ProbeCheckService, transport);
}
