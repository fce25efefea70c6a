// Started by sampler.test.ts in a child process: takes one sample, stops the sampler and then
// does nothing more. The process must exit by itself: a timer or handle left behind keeps it up.
import { silentLogger } from "../../internal/core/logger.js";
import { createSampler } from "../../internal/hosts/reading/sampler.js";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
const timersBefore = timers();
let taken = 0;
const sampler = createSampler({
  intervalMs: 500,
  version: "0.0.0-test",
  onSample: () => {
    taken++;
  },
  log: silentLogger,
});
sampler.start();
await new Promise((resolve) => setTimeout(resolve, 1500));
await sampler.stop();
process.stdout.write(`samples ${taken}, timers left ${timers() - timersBefore}\n`);
