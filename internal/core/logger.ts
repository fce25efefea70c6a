import { destination, pino, stdSerializers } from "pino";

/** Logger writes structured log lines; passed into every component that reports. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** LogLevel is the minimum level a logger writes. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** LogSink is where lines go; stderr unless a test collects them. */
export interface LogSink {
  write(line: string): unknown;
}

/**
 * createLogger writes one JSON object per line (pino) at or above `level`:
 * `{"level":"info","time":"…","pid":…,"hostname":"…","name":"api","msg":"…",…fields}`.
 * Levels are written as words so `docker compose logs` and log shippers need no mapping table.
 *
 * Lines go to stderr synchronously: our processes log a few lines a minute, and a synchronous
 * write is never lost when a process exits right after logging why (a bad token, a failed
 * start), which an asynchronous one can be.
 */
export function createLogger(
  name: string,
  level: LogLevel = "info",
  sink: LogSink = destination({ fd: 2, sync: true }),
): Logger {
  const root = pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Our components put errors under `error`; pino's serializer keeps type, message, stack
      // and causes.
      serializers: { error: stdSerializers.err, err: stdSerializers.err },
    },
    sink,
  );
  const at =
    (lvl: LogLevel) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields) root[lvl](fields, message);
      else root[lvl](message);
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** silentLogger discards everything; for tests. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
