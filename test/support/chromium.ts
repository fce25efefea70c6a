// Debian's Chromium, driven by playwright-core: the one way the tests and benchmarks start a
// browser. Never a downloaded one. Not imported by production code.
import { type Browser, chromium } from "playwright-core";

/** CHROMIUM is where Debian's package installs the browser. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * launchChromium starts headless Chromium as root on a machine without a way out: no sandbox
 * (root), no GPU, and none of the background traffic (updates, sync) that a closed network
 * would refuse, many times a second.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
