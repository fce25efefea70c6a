import { assetPath } from "./assets.js";
import { escapeHtml as e } from "./escape.js";
import type { PublicIncident, PublicMaintenance, PublicMonitor, PublicPage } from "./model.js";
import { BANNER_TEXT, STATE_TEXT } from "./page-status.js";
import { renderBar, renderSparkline } from "./render-bars.js";
import { formatPercent } from "./uptime-days.js";

/** How often a reader without JavaScript reloads the page (refresh.js swaps it every 30 s). */
const NOSCRIPT_REFRESH_SECONDS = 60;

/**
 * renderPageHtml is a page as one HTML document: readable without JavaScript, styled by one
 * cached stylesheet, refreshed by one small script. base is the page's path ("/status/<slug>",
 * or "" at a custom domain's root) for its links.
 */
export function renderPageHtml(page: PublicPage, base: string): string {
  const logo = page.logoUrl.startsWith("https://")
    ? `<img src="${e(page.logoUrl)}" alt="${e(page.title)} logo" referrerpolicy="no-referrer">`
    : "";
  const parts = [
    `<!doctype html><html lang="en" data-theme="${page.theme}"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${e(page.title)} status</title>`,
    // No icon of its own: this keeps browsers from asking for /favicon.ico (the dashboard's).
    `<link rel="icon" href="data:,">`,
    `<link rel="stylesheet" href="${assetPath("status.css")}">`,
    `<link rel="alternate" type="application/atom+xml" title="${e(page.title)} incidents" href="${e(base)}/feed.atom">`,
    `<script src="${assetPath("refresh.js")}" defer></script>`,
    `<noscript><meta http-equiv="refresh" content="${NOSCRIPT_REFRESH_SECONDS}"></noscript>`,
    `</head><body><div class="wrap">`,
    `<header>${logo}<div><h1>${e(page.title)}</h1>`,
    page.description ? `<p class="desc">${e(page.description)}</p>` : "",
    `</div></header><main>`,
    `<div class="banner b-${page.banner}" role="status">${BANNER_TEXT[page.banner]}</div>`,
    renderIncidents("Active incidents", page.activeIncidents),
    renderMaintenances(page.maintenances),
    ...page.groups.map(
      (g) =>
        `<section class="group" aria-labelledby="g-${g.id}"><h2 id="g-${g.id}">${e(g.name)}</h2>${g.monitors.map(renderMonitor).join("")}</section>`,
    ),
    renderIncidents("Resolved in the last 14 days", page.resolvedIncidents),
    `<p class="meta">Updated <time datetime="${page.renderedAt.toISOString()}">${when(page.renderedAt)}</time></p>`,
    `</main><footer><a href="${e(base)}/feed.atom">Atom feed</a><a href="${e(base)}/summary.json">JSON summary</a><span>Powered by Pulsar</span></footer>`,
    `</div></body></html>`,
  ];
  return parts.join("");
}

function renderMonitor(m: PublicMonitor): string {
  const uptime =
    m.uptime === null
      ? `<span class="meta">no data</span>`
      : `<span class="meta"><strong>${formatPercent(m.uptime)}%</strong> uptime, 90 days</span>`;
  return [
    `<div class="monitor"><div class="row"><div><span class="name">${e(m.name)}</span>`,
    m.url ? ` <span class="url">${e(m.url)}</span>` : "",
    `</div><span class="state s-${m.state}">${STATE_TEXT[m.state]}</span></div>`,
    renderBar(m.days, m.name),
    `<div class="legend"><span>90 days ago</span>${uptime}<span>Today</span></div>`,
    m.responseTimes ? renderSparkline(m.responseTimes, m.name) : "",
    `</div>`,
  ].join("");
}

function renderIncidents(heading: string, incidents: readonly PublicIncident[]): string {
  if (incidents.length === 0) return "";
  const items = incidents.map((i) => {
    const updates = i.updates
      .map(
        (u) =>
          `<li><span class="ustatus">${e(u.status)}</span> — ${e(u.message)} <span class="meta"><time datetime="${u.createdAt.toISOString()}">${when(u.createdAt)}</time></span></li>`,
      )
      .join("");
    const affected = i.affected.length ? `Affects ${e(i.affected.join(", "))}. ` : "";
    const resolved = i.resolvedAt ? ` Resolved ${when(i.resolvedAt)}.` : "";
    return `<article class="incident i-${i.impact}"><h3>${e(i.title)}</h3><p class="meta">${affected}Impact: ${e(i.impact.replace("_", " "))}. Started ${when(i.createdAt)}.${resolved}</p><ol class="updates">${updates}</ol></article>`;
  });
  return `<h2>${heading}</h2>${items.join("")}`;
}

function renderMaintenances(maintenances: readonly PublicMaintenance[]): string {
  if (maintenances.length === 0) return "";
  const items = maintenances.map((m) => {
    const until = m.endsAt ? ` until ${when(m.endsAt)}` : " until further notice";
    const timing = m.active ? `In progress${until}` : `Scheduled ${when(m.startsAt)}${until}`;
    const affected = m.affected.length ? ` Affects ${e(m.affected.join(", "))}.` : "";
    return `<article class="maintenance"><h3>${e(m.title)} <span class="tag">${m.active ? "in progress" : "upcoming"}${m.recurring ? ", recurring" : ""}</span></h3><p class="meta">${timing}.${affected} Checks during maintenance are not counted in uptime.</p>${m.description ? `<p>${e(m.description)}</p>` : ""}</article>`;
  });
  return `<h2>Maintenance</h2>${items.join("")}`;
}

/** when writes a time in UTC, the same for every reader and every cached copy. */
function when(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** renderNotFoundHtml is the answer for a slug or domain without a page. */
export function renderNotFoundHtml(): string {
  return `<!doctype html><html lang="en" data-theme="auto"><head><meta charset="utf-8"><title>Status page not found</title><link rel="stylesheet" href="${assetPath("status.css")}"></head><body><div class="wrap"><main><h1>Status page not found</h1><p class="desc">There is no status page here.</p></main></div></body></html>`;
}
