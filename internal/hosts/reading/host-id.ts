import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { HOST_ID_PATTERN } from "../../core/ids.js";
import { systeminformation } from "./systeminformation.js";

// machine-id is meant to stay private ("should be hashed with an application-specific key",
// machine-id(5)); the hash is as stable as the id and reveals nothing of it.
const hashed = (source: string): string =>
  createHash("sha256").update(`pulsar-host:${source}`).digest("hex").slice(0, 32);

async function machineId(): Promise<string> {
  for (const path of ["/etc/machine-id", "/var/lib/dbus/machine-id"]) {
    const id = await readFile(path, "utf8").then(
      (text) => text.trim(),
      () => "",
    );
    if (id !== "") return id;
  }
  return "";
}

/**
 * resolveHostId returns the explicit id when one is given (HOST_ID), else a hash of the
 * machine id (/etc/machine-id, else the OS or hardware uuid systeminformation finds), which
 * survives restarts of the sampler and of the host.
 */
export async function resolveHostId(explicit?: string): Promise<string> {
  if (explicit !== undefined && explicit !== "") {
    if (!HOST_ID_PATTERN.test(explicit)) throw new Error(`invalid host id ${explicit}`);
    return explicit;
  }
  const fromFile = await machineId();
  if (fromFile !== "") return hashed(fromFile);
  const uuid = await (await systeminformation()).uuid();
  const source = uuid.os || uuid.hardware || uuid.macs[0] || "";
  if (source === "") throw new Error("no machine id found; set HOST_ID");
  return hashed(source);
}
