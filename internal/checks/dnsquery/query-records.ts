import type dns from "node:dns";
import { formatCaa, formatMx, formatSoa, formatSrv, formatTxt } from "./format-records.js";
import type { DnsRecordType } from "./record-types.js";

/**
 * queryRecords asks `resolver` for the `type` records of `name` and writes each as one line
 * (see formatRecords). It rejects with c-ares' codes: ENOTFOUND for NXDOMAIN, ENODATA for an
 * empty answer, ETIMEOUT, ESERVFAIL, ECANCELLED…
 */
export async function queryRecords(
  resolver: dns.promises.Resolver,
  name: string,
  type: DnsRecordType,
): Promise<string[]> {
  switch (type) {
    case "A":
      return resolver.resolve4(name);
    case "AAAA":
      return resolver.resolve6(name);
    case "CNAME":
      return resolver.resolveCname(name);
    case "NS":
      return resolver.resolveNs(name);
    case "MX":
      return (await resolver.resolveMx(name)).map(formatMx);
    case "TXT":
      return (await resolver.resolveTxt(name)).map(formatTxt);
    case "SOA":
      return [formatSoa(await resolver.resolveSoa(name))];
    case "CAA":
      return (await resolver.resolveCaa(name)).map(formatCaa);
    case "SRV":
      return (await resolver.resolveSrv(name)).map(formatSrv);
  }
}
