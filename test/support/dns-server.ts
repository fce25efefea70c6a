import dgram from "node:dgram";
import type { AddressInfo } from "node:net";
import { type DnsRecords, recordData, typeName, u16, u32 } from "./dns-records.js";

export type { DnsRecordSet, DnsRecords, DnsType } from "./dns-records.js";

/** DnsQuery is one question a {@link TestDnsServer} received. */
export interface DnsQuery {
  /** The name asked for, lowercase, without the trailing dot. */
  name: string;
  /** "A", "MX", … (dns-records.ts), or the numeric type of one not served. */
  type: string;
}

/**
 * TestDnsServer is a DNS server over UDP on 127.0.0.1 for check tests and benchmarks: it
 * answers questions of nine types (A, AAAA, CNAME, MX, TXT, NS, SOA, CAA, SRV) from its records
 * (NXDOMAIN for names it does not know, an empty answer for a type a known name lacks, an
 * error code for names given one), and stays silent, reading and never answering, for names
 * under a silent suffix or of a silent type — or for everything, when started silent.
 */
export interface TestDnsServer {
  /** "127.0.0.1:<port>", as CHECK_DNS_SERVERS and dns.Resolver#setServers take it. */
  readonly server: string;
  readonly port: number;
  /** Every question received so far, oldest first. */
  queries(): DnsQuery[];
  close(): Promise<void>;
}

/** TestDnsOptions say what the server knows and what it ignores. */
export interface TestDnsOptions {
  records?: DnsRecords;
  /** Names answered with an error instead of their records: the server failed or refused. */
  failures?: Record<string, "SERVFAIL" | "REFUSED">;
  /** Questions for these names, or names ending in "." + one of them, are never answered. */
  silentSuffixes?: string[];
  /** Never answer anything. */
  silent?: boolean;
  /** Never answer questions of these types ("AAAA"): a server that drops them. */
  silentTypes?: string[];
  /** Address to listen on; default 127.0.0.1. Port 0 picks a free one. */
  host?: string;
  port?: number;
}

const RCODES = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 } as const;

/** startDnsServer starts a {@link TestDnsServer}; close() stops it. */
export async function startDnsServer(options: TestDnsOptions = {}): Promise<TestDnsServer> {
  const socket = dgram.createSocket("udp4");
  const received: DnsQuery[] = [];
  const records = options.records ?? {};
  const silentSuffixes = options.silentSuffixes ?? [];
  socket.on("message", (message, peer) => {
    const question = parseQuestion(message);
    if (question === undefined) return;
    received.push({ name: question.name, type: typeName(question.type) });
    const silent =
      options.silent === true ||
      (options.silentTypes ?? []).includes(typeName(question.type)) ||
      silentSuffixes.some((s) => question.name === s || question.name.endsWith(`.${s}`));
    if (silent) return;
    socket.send(answer(message, question, records, options.failures), peer.port, peer.address);
  });
  await new Promise<void>((resolve) =>
    socket.bind(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { address, port } = socket.address() as AddressInfo;
  return {
    server: `${address}:${port}`,
    port,
    queries: () => [...received],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

interface Question {
  name: string;
  type: number;
  /** Offset just past the question section. */
  end: number;
}

/** parseQuestion reads the first question of a query; undefined for anything malformed. */
function parseQuestion(message: Buffer): Question | undefined {
  if (message.length < 12 || message.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let at = 12;
  for (;;) {
    const length = message[at];
    if (length === undefined || length > 63) return undefined;
    at += 1;
    if (length === 0) break;
    labels.push(message.toString("latin1", at, at + length));
    at += length;
  }
  if (at + 4 > message.length) return undefined;
  return { name: labels.join(".").toLowerCase(), type: message.readUInt16BE(at), end: at + 4 };
}

/** answer builds the response: the query's header and question, then the records. */
function answer(
  query: Buffer,
  question: Question,
  records: DnsRecords,
  failures: TestDnsOptions["failures"] = {},
): Buffer {
  const known = records[question.name];
  const failure = failures[question.name];
  const rcode = failure ? RCODES[failure] : known === undefined ? RCODES.NXDOMAIN : RCODES.NOERROR;
  const data = rcode === RCODES.NOERROR && known ? recordData(known, typeName(question.type)) : [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  header[2] = 0x80 | 0x04 | ((query[2] ?? 0) & 0x01); // QR, AA, RD copied
  header[3] = 0x80 | rcode; // RA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(data.length, 6);
  const answers = data.map((rdata) =>
    // The owner is a pointer to the question's name; class IN, TTL 30.
    Buffer.concat([u16(0xc00c, question.type, 1), u32(30), u16(rdata.length), rdata]),
  );
  return Buffer.concat([header, query.subarray(12, question.end), ...answers]);
}
