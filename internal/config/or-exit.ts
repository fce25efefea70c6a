import { createLogger } from "../core/logger.js";
import { ConfigError } from "./parse-environment.js";

/**
 * configOrExit runs `load` (a loadConfig of some process) and returns what it read; a
 * ConfigError is written as one log line naming every wrong variable, and the process exits 1
 * before it opens anything: a container with a typo stops at once with the reason, instead of
 * crash-looping on a stack trace or running half-configured.
 */
export function configOrExit<T>(processName: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    createLogger(processName).error(error.message);
    process.exit(1);
  }
}
