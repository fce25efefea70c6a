import dgram from "node:dgram";
import type { AddressInfo } from "node:net";

/** DnsQuery is one question a {@link TestDnsServer} received. */
export interface DnsQuery {
  /** The name asked for, lowercase, without the trailing dot. */
  name: string;
  /** "A", "AAAA", or the numeric type of anything else. */
  type: string;
}

/** DnsRecords maps a lowercase name to its addresses; a name listed nowhere is NXDOMAIN. */
export interface DnsRecords {
  [name: string]: { A?: string[]; AAAA?: string[] };
}

/**
 * TestDnsServer is a DNS server over UDP on 127.0.0.1 for check tests and benchmarks: it
 * answers A and AAAA questions from its records (NXDOMAIN for names it does not know, an empty
 * answer for a type a known name lacks), and stays silent, reading and never answering, for
 * names under a silent suffix or of a silent type — or for everything, when started silent.
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

const TYPE_A = 1;
const TYPE_AAAA = 28;

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
    socket.send(answer(message, question, records), peer.port, peer.address);
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

function typeName(type: number): string {
  return type === TYPE_A ? "A" : type === TYPE_AAAA ? "AAAA" : String(type);
}

/** answer builds the response: the query's header and question, then the records. */
function answer(query: Buffer, question: Question, records: DnsRecords): Buffer {
  const known = records[question.name];
  const addresses =
    known === undefined
      ? []
      : question.type === TYPE_A
        ? (known.A ?? [])
        : question.type === TYPE_AAAA
          ? (known.AAAA ?? [])
          : [];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // the id
  const rd = (query[2] ?? 0) & 0x01;
  header[2] = 0x80 | 0x04 | rd; // QR, AA, RD copied
  header[3] = 0x80 | (known === undefined ? 3 : 0); // RA; NXDOMAIN for unknown names
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(addresses.length, 6);
  const answers = addresses.map((address) => {
    const rdata = question.type === TYPE_A ? ipv4Bytes(address) : ipv6Bytes(address);
    const record = Buffer.alloc(12);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(question.type, 2);
    record.writeUInt16BE(1, 4); // class IN
    record.writeUInt32BE(30, 6); // TTL
    record.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([record, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...answers]);
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split(".").map(Number));
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail = ""] = address.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = address.includes("::") ? groups(tail) : [];
  const middle = new Array<string>(8 - left.length - right.length).fill("0");
  const bytes = Buffer.alloc(16);
  [...left, ...middle, ...right].forEach((group, i) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2);
  });
  return bytes;
}
