import { arch, cpus } from "node:os";
import { create } from "@bufbuild/protobuf";
import si from "systeminformation";
import { type HostInfo, HostInfoSchema } from "../../gen/pulsar/v1/host_pb.js";

/**
 * readHostInfo describes the machine: OS name and release ("Debian GNU/Linux 12"), kernel,
 * architecture, CPU model and logical cores. It changes rarely and is read once per sampler.
 */
export async function readHostInfo(): Promise<HostInfo> {
  const [osInfo, cpu] = await Promise.all([si.osInfo(), si.cpu()]);
  const model = [cpu.manufacturer, cpu.brand].filter((s) => s !== "").join(" ");
  return create(HostInfoSchema, {
    os: [osInfo.distro, osInfo.release].filter((s) => s !== "" && s !== "unknown").join(" "),
    kernel: osInfo.kernel,
    arch: osInfo.arch || arch(),
    cpuModel: model || (cpus()[0]?.model ?? ""),
    cores: cpus().length,
  });
}
