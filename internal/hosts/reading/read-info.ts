import { readFile } from "node:fs/promises";
import { arch, cpus, release } from "node:os";
import { create } from "@bufbuild/protobuf";
import { type HostInfo, HostInfoSchema } from "../../../gen/pulsar/v1/host_pb.js";
import { systeminformation } from "./systeminformation.js";

/**
 * readHostInfo describes the machine: OS name and release ("Debian GNU/Linux 12"), kernel,
 * architecture, CPU model and logical cores. It changes rarely and is read once per sampler.
 * On Linux from /etc/os-release and the os module (as systeminformation does, without loading
 * it); elsewhere through systeminformation.
 */
export async function readHostInfo(): Promise<HostInfo> {
  const cores = cpus();
  if (process.platform === "linux") {
    const osRelease = await readFile("/etc/os-release", "utf8").catch(() => "");
    return create(HostInfoSchema, {
      os: linuxOsName(osRelease),
      kernel: release(),
      arch: arch(),
      cpuModel: cores[0]?.model.trim() ?? "",
      cores: cores.length,
    });
  }
  const si = await systeminformation();
  const [osInfo, cpu] = await Promise.all([si.osInfo(), si.cpu()]);
  const model = [cpu.manufacturer, cpu.brand].filter((s) => s !== "").join(" ");
  return create(HostInfoSchema, {
    os: [osInfo.distro, osInfo.release].filter((s) => s !== "" && s !== "unknown").join(" "),
    kernel: osInfo.kernel,
    arch: osInfo.arch || arch(),
    cpuModel: model || (cores[0]?.model ?? ""),
    cores: cores.length,
  });
}

/**
 * linuxOsName reads NAME and VERSION_ID of an os-release file ("Debian GNU/Linux 12",
 * "Ubuntu 24.04", "Alpine Linux 3.20.3"); "Linux" when it has none.
 */
export function linuxOsName(osRelease: string): string {
  const field = (key: string) => {
    const match = new RegExp(`^${key}=(.*)$`, "m").exec(osRelease);
    return match?.[1]?.trim().replace(/^(["'])(.*)\1$/, "$2") ?? "";
  };
  return [field("NAME"), field("VERSION_ID")].filter((s) => s !== "").join(" ") || "Linux";
}
