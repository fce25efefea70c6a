import { xmlText as x } from "./escape.js";
import type { PublicIncident, PublicMaintenance, PublicPage } from "./model.js";

// The page's incidents (open and resolved in the last 14 days, with their updates) and its
// maintenance windows as an Atom 1.0 feed. Ids are tag: URIs, the same at every address the
// page is served at; every text is escaped (and stripped of characters XML forbids).

/** renderAtom is the feed; url is the page's public address (absolute, or a path). */
export function renderAtom(page: PublicPage, url: string): string {
  const entries = [
    ...[...page.activeIncidents, ...page.resolvedIncidents].map((i) => incidentEntry(page, i, url)),
    ...page.maintenances.map((m) => maintenanceEntry(page, m, url)),
  ];
  const updated = latest([
    page.updatedAt,
    ...page.activeIncidents.map(updatedOf),
    ...page.resolvedIncidents.map(updatedOf),
    ...page.maintenances.map((m) => m.updatedAt),
  ]);
  return [
    `<?xml version="1.0" encoding="utf-8"?>\n`,
    `<feed xmlns="http://www.w3.org/2005/Atom">`,
    `<id>${x(tag(page, "feed"))}</id>`,
    `<title>${x(page.title)} status</title>`,
    page.description ? `<subtitle>${x(page.description)}</subtitle>` : "",
    `<updated>${updated.toISOString()}</updated>`,
    `<author><name>${x(page.title)}</name></author>`,
    `<link rel="alternate" type="text/html" href="${x(url)}"/>`,
    `<link rel="self" type="application/atom+xml" href="${x(join(url, "feed.atom"))}"/>`,
    ...entries,
    `</feed>\n`,
  ].join("");
}

function incidentEntry(page: PublicPage, i: PublicIncident, url: string): string {
  const lines = i.updates.map((u) => `${u.createdAt.toISOString()} — ${u.status}: ${u.message}`);
  const affected = i.affected.length ? `Affects: ${i.affected.join(", ")}\n` : "";
  const state = i.resolvedAt ? "Resolved" : capital(i.status);
  return [
    `<entry><id>${x(tag(page, `incident:${i.id}`))}</id>`,
    `<title>${x(`[${state}] ${i.title}`)}</title>`,
    `<published>${i.createdAt.toISOString()}</published>`,
    `<updated>${updatedOf(i).toISOString()}</updated>`,
    `<link rel="alternate" type="text/html" href="${x(url)}"/>`,
    `<category term="incident"/>`,
    `<content type="text">${x(`Impact: ${i.impact.replace("_", " ")}\n${affected}${lines.join("\n")}`)}</content>`,
    `</entry>`,
  ].join("");
}

function maintenanceEntry(page: PublicPage, m: PublicMaintenance, url: string): string {
  const until = m.endsAt ? m.endsAt.toISOString() : "further notice";
  const affected = m.affected.length ? `\nAffects: ${m.affected.join(", ")}` : "";
  return [
    `<entry><id>${x(tag(page, `maintenance:${m.id}:${m.startsAt.toISOString()}`))}</id>`,
    `<title>${x(`[Maintenance${m.active ? ", in progress" : ""}] ${m.title}`)}</title>`,
    `<published>${m.updatedAt.toISOString()}</published>`,
    `<updated>${m.updatedAt.toISOString()}</updated>`,
    `<link rel="alternate" type="text/html" href="${x(url)}"/>`,
    `<category term="maintenance"/>`,
    `<content type="text">${x(`From ${m.startsAt.toISOString()} until ${until}${affected}${m.description ? `\n${m.description}` : ""}`)}</content>`,
    `</entry>`,
  ].join("");
}

function tag(page: PublicPage, what: string): string {
  return `tag:pulsar.status,2026:${page.slug}:${what}`;
}

function updatedOf(i: PublicIncident): Date {
  return latest([i.createdAt, i.resolvedAt ?? i.createdAt, ...i.updates.map((u) => u.createdAt)]);
}

function latest(dates: readonly Date[]): Date {
  return new Date(Math.max(...dates.map((d) => d.getTime())));
}

function join(url: string, path: string): string {
  return url.endsWith("/") ? url + path : `${url}/${path}`;
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
