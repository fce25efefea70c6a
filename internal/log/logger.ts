/** Logger writes structured log lines; passed into every component that reports. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/** LogLevel is the minimum level a logger writes. */
export type LogLevel = keyof typeof levels;

/** createLogger writes one JSON object per line to stderr, at or above `level`. */
export function createLogger(name: string, level: LogLevel = "info"): Logger {
  const min = levels[level];
  const write = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (levels[lvl] < min) return;
    const line = { time: new Date().toISOString(), level: lvl, name, msg: message, ...fields };
    process.stderr.write(`${JSON.stringify(line, errorReplacer)}\n`);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
  };
}

/** silentLogger discards everything; for tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error)
    return { type: value.name, message: value.message, stack: value.stack };
  return value;
}
