/** CHART_COLORS are the host charts' series colours, readable on light and dark backgrounds. */
export const CHART_COLORS = {
  cpu: "#6366f1",
  max: "#f59e0b",
  memory: "#0ea5e9",
  total: "#94a3b8",
  swap: "#f59e0b",
  rx: "#10b981",
  tx: "#8b5cf6",
  load: "#ec4899",
  disk: "#14b8a6",
  diskRead: "#0ea5e9",
  diskWrite: "#f97316",
  handles: "#64748b",
  running: "#10b981",
  sleeping: "#94a3b8",
  blocked: "#f59e0b",
  zombie: "#ef4444",
} as const;
