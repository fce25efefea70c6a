import { describe, expect, it } from "vitest";
import { selectDisks } from "./read-disks.js";
import { parseProcNetDev } from "./read-network.js";

const GiB = 2 ** 30;

describe("selectDisks", () => {
  it("keeps real filesystems once each and skips virtual, memory-backed and empty ones", () => {
    const disks = selectDisks([
      { fs: "/dev/sda1", type: "ext4", size: 100 * GiB, used: 40 * GiB, mount: "/" },
      { fs: "/dev/sda1", type: "ext4", size: 100 * GiB, used: 40 * GiB, mount: "/etc/hosts" },
      { fs: "/dev/sdb1", type: "xfs", size: 500 * GiB, used: 10 * GiB, mount: "/data" },
      { fs: "tmpfs", type: "tmpfs", size: 8 * GiB, used: 0, mount: "/dev/shm" },
      { fs: "overlay", type: "overlay", size: 100 * GiB, used: 40 * GiB, mount: "/var/lib/x" },
      { fs: "/dev/loop3", type: "squashfs", size: GiB, used: GiB, mount: "/snap/core/1" },
      { fs: "/dev/sdc", type: "ext4", size: 0, used: 0, mount: "/empty" },
    ]);
    expect(disks.map((d) => [d.mount, d.fsType])).toEqual([
      ["/", "ext4"],
      ["/data", "xfs"],
    ]);
    expect(disks[0]?.usedBytes).toBe(40 * GiB);
  });

  it("falls back to the root mount when only an overlay is left, as in a container", () => {
    const disks = selectDisks([
      { fs: "overlay", type: "overlay", size: 100 * GiB, used: 40 * GiB, mount: "/" },
      { fs: "tmpfs", type: "tmpfs", size: GiB, used: 0, mount: "/dev" },
    ]);
    expect(disks.map((d) => d.mount)).toEqual(["/"]);
  });
});

describe("parseProcNetDev", () => {
  it("reads the receive and transmit byte counters of each interface", () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 7487326853 1000    0    0    0     0          0         0 7487326853 1000    0    0    0     0       0          0
  eth0: 1191980775  900    0    0    0     0          0         0  2327370  800    0    0    0     0       0          0
`;
    expect(parseProcNetDev(text)).toEqual([
      { name: "lo", rxBytes: 7487326853, txBytes: 7487326853 },
      { name: "eth0", rxBytes: 1191980775, txBytes: 2327370 },
    ]);
  });
});
