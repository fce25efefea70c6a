import { BADGE_KINDS, BADGE_LABELS, type BadgeKind } from "../../../../shared/badge-kinds";

/** BadgeSnippet is one badge of a monitor: its absolute URL and what to paste where. */
export interface BadgeSnippet {
  kind: BadgeKind;
  /** The badge's name for people, and its image's alt text. */
  title: string;
  url: string;
  markdown: string;
  html: string;
}

/**
 * badgeSnippets lists a monitor's badges with their URLs at origin (the dashboard's own, where
 * the API serves them). A public id is 32 hex digits and the titles are fixed, so nothing here
 * needs escaping beyond what the origin could hold.
 */
export function badgeSnippets(origin: string, publicId: string): BadgeSnippet[] {
  return BADGE_KINDS.map((kind) => {
    const url = `${origin}/badge/${encodeURIComponent(publicId)}/${kind}.svg`;
    const title = BADGE_LABELS[kind];
    return {
      kind,
      title,
      url,
      markdown: `![${title}](${url})`,
      html: `<img src="${escapeAttribute(url)}" alt="${title}">`,
    };
  });
}

function escapeAttribute(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;");
}
