import { BADGE_KINDS, type BadgeKind } from "../../shared/badge-kinds.js";

/** BADGE_STYLES are the styles ?style= accepts (badge-maker's, but "social", which needs a link). */
export const BADGE_STYLES = ["flat", "flat-square", "plastic", "for-the-badge"] as const;

/** BadgeStyle is one of BADGE_STYLES. */
export type BadgeStyle = (typeof BADGE_STYLES)[number];

/** MAX_LABEL is the longest ?label= in characters: a badge is a word or two. */
export const MAX_LABEL = 64;

/** BADGE_PATH_PREFIX is where badges are served. */
export const BADGE_PATH_PREFIX = "/badge/";

/** BadgeRequest is a well-formed request for a badge. */
export interface BadgeRequest {
  publicId: string;
  kind: BadgeKind;
  style: BadgeStyle;
  /** Undefined: the kind's default label. */
  label?: string;
}

/**
 * BadgeRequestResult is a parsed request, a path that names no badge (answered with the same
 * 404 as an unknown id), or a bad query parameter (400 naming it).
 */
export type BadgeRequestResult =
  | { ok: true; request: BadgeRequest }
  | { ok: false; notFound: true }
  | { ok: false; notFound: false; field: string; message: string };

// Monitor.public_id: 32 lower-case hex digits (init.sql). Anything else cannot be one, and
// is refused without a query.
const PUBLIC_ID = /^[0-9a-f]{32}$/;
const KINDS: ReadonlySet<string> = new Set(BADGE_KINDS);
const STYLES: ReadonlySet<string> = new Set(BADGE_STYLES);
const isKind = (name: string): name is BadgeKind => KINDS.has(name);
const isStyle = (name: string): name is BadgeStyle => STYLES.has(name);
// C0 and C1 controls and DEL: XML 1.0 cannot carry most of them even escaped, so a label
// holding one would make the SVG unreadable.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * parseBadgeRequest reads /badge/<publicId>/<kind>.svg?style=…&label=… (a URL already known to
 * start with BADGE_PATH_PREFIX).
 */
export function parseBadgeRequest(url: URL): BadgeRequestResult {
  const parts = url.pathname.slice(BADGE_PATH_PREFIX.length).split("/");
  const [publicId, file] = parts;
  if (parts.length !== 2 || publicId === undefined || file === undefined)
    return { ok: false, notFound: true };
  const kind = file.endsWith(".svg") ? file.slice(0, -".svg".length) : "";
  if (!PUBLIC_ID.test(publicId) || !isKind(kind)) return { ok: false, notFound: true };

  const style = url.searchParams.get("style") ?? "flat";
  if (!isStyle(style)) {
    return {
      ok: false,
      notFound: false,
      field: "style",
      message: `must be one of ${BADGE_STYLES.join(", ")}`,
    };
  }
  const label = url.searchParams.get("label") ?? undefined;
  if (label !== undefined) {
    if ([...label].length > MAX_LABEL)
      return {
        ok: false,
        notFound: false,
        field: "label",
        message: `must be at most ${MAX_LABEL} characters`,
      };
    if (CONTROL.test(label))
      return {
        ok: false,
        notFound: false,
        field: "label",
        message: "must not contain control characters",
      };
  }
  return {
    ok: true,
    request: {
      publicId,
      kind,
      style,
      ...(label !== undefined && { label }),
    },
  };
}
