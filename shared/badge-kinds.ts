// The badges a monitor with public badges has, named as in their URLs
// (/badge/<publicId>/<kind>.svg): the server serves exactly these and the dashboard offers
// exactly these. Nothing here may import anything.

/** BADGE_KINDS are the badges of a monitor, by the file name of their URL (without .svg). */
export const BADGE_KINDS = [
  "status",
  "uptime-24h",
  "uptime-7d",
  "uptime-30d",
  "response-time",
] as const;

/** BadgeKind is one of BADGE_KINDS. */
export type BadgeKind = (typeof BADGE_KINDS)[number];

/** BADGE_LABELS are each badge's default label: its left half, and its name for people. */
export const BADGE_LABELS: Readonly<Record<BadgeKind, string>> = {
  status: "status",
  "uptime-24h": "uptime 24h",
  "uptime-7d": "uptime 7d",
  "uptime-30d": "uptime 30d",
  "response-time": "response time",
};
