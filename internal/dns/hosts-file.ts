import { readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import net from "node:net";

/** HostAddresses are a name's addresses by family, in the order the source listed them. */
export interface HostAddresses {
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

/**
 * parseHosts reads hosts(5) text: an address, then names (canonical name first, then aliases),
 * `#` to the end of a line a comment. Names are matched case-insensitively, so they are kept in
 * lowercase; lines whose first field is not an IP address are skipped, as glibc skips them.
 */
export function parseHosts(text: string): Map<string, HostAddresses> {
  const table = new Map<string, { v4: string[]; v6: string[] }>();
  for (const raw of text.split("\n")) {
    const hash = raw.indexOf("#");
    const fields = (hash === -1 ? raw : raw.slice(0, hash)).trim().split(/\s+/);
    const [address, ...names] = fields;
    if (address === undefined || names.length === 0) continue;
    const family = net.isIP(address);
    if (family === 0) continue;
    for (const name of names) {
      const key = name.toLowerCase().replace(/\.$/, "");
      let entry = table.get(key);
      if (entry === undefined) {
        entry = { v4: [], v6: [] };
        table.set(key, entry);
      }
      const list = family === 4 ? entry.v4 : entry.v6;
      if (!list.includes(address)) list.push(address);
    }
  }
  return table;
}

const GONE = "gone";

/** versionOf tells two states of a file apart: replaced (inode), rewritten (mtime, size). */
function versionOf(info: { mtimeMs: number; size: number; ino: number }): string {
  return `${info.mtimeMs}:${info.size}:${info.ino}`;
}

/** HostsFileOptions say where the file is and how often to look for changes. */
export interface HostsFileOptions {
  /** Default /etc/hosts. */
  path?: string;
  /** A lookup at most this long after the last look at the file's mtime looks again. */
  recheckMs?: number;
  now?: () => number;
}

/**
 * HostsFile answers names from the hosts file, as getaddrinfo does before DNS. It reads the file
 * once at start, and again when a lookup finds its mtime or size changed (looked at in the
 * background, at most once per `recheckMs`, so no lookup ever waits on the disk). A file that
 * cannot be read counts as empty: DNS still answers.
 */
export class HostsFile {
  readonly #path: string;
  readonly #recheckMs: number;
  readonly #now: () => number;
  #table: Map<string, HostAddresses>;
  #version = "";
  #checkedAt: number;
  #checking = false;

  constructor(options: HostsFileOptions = {}) {
    this.#path = options.path ?? "/etc/hosts";
    this.#recheckMs = options.recheckMs ?? 2000;
    this.#now = options.now ?? Date.now;
    this.#checkedAt = this.#now();
    let text = "";
    try {
      this.#version = versionOf(statSync(this.#path));
      text = readFileSync(this.#path, "utf8");
    } catch {
      // No hosts file: every name goes to DNS.
      this.#version = GONE;
    }
    this.#table = parseHosts(text);
  }

  /** find returns the name's addresses, or undefined when the file does not list it. */
  find(name: string): HostAddresses | undefined {
    this.#maybeRecheck();
    return this.#table.get(name.toLowerCase().replace(/\.$/, ""));
  }

  /** reload reads the file again now if it changed; resolves once done (tests await it). */
  async reload(): Promise<void> {
    this.#checkedAt = this.#now();
    try {
      const version = versionOf(await stat(this.#path));
      if (version === this.#version) return;
      const text = await readFile(this.#path, "utf8");
      this.#version = version;
      this.#table = parseHosts(text);
    } catch {
      this.#version = GONE;
      this.#table = new Map();
    }
  }

  #maybeRecheck(): void {
    if (this.#checking || this.#now() - this.#checkedAt < this.#recheckMs) return;
    this.#checking = true;
    void this.reload().finally(() => {
      this.#checking = false;
    });
  }
}
