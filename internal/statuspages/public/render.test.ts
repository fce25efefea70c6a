import { describe, expect, it } from "vitest";
import type { PublicPage } from "./model.js";
import { renderAtom } from "./render-atom.js";
import { renderPageHtml } from "./render-html.js";
import { renderSummary } from "./render-summary.js";
import { dayCells } from "./uptime-days.js";

const now = new Date("2026-12-06T17:00:00Z");
const hostile = `<script>alert("x")</script> & 'quotes'`;

function page(overrides: Partial<PublicPage> = {}): PublicPage {
  return {
    slug: "acme",
    title: hostile,
    description: hostile,
    logoUrl: `https://example.test/logo.png?a=1&b="><script>`,
    theme: "dark",
    showResponseTimes: true,
    updatedAt: now,
    renderedAt: now,
    banner: "partial_outage",
    groups: [
      {
        id: "g1",
        name: hostile,
        monitors: [
          {
            id: "m1",
            name: hostile,
            url: "https://api.example.test/health?x=<y>",
            state: "down",
            component: "major_outage",
            days: dayCells(
              [{ day: "2026-12-06", checks: 10, failures: 1, maintenanceChecks: 0 }],
              now,
            ),
            uptime: 90,
            responseTimes: [...new Array(23).fill(null), 120],
          },
          {
            id: "m2",
            name: "Website",
            state: "up",
            component: "operational",
            days: dayCells([], now),
            uptime: null,
          },
        ],
      },
    ],
    activeIncidents: [
      {
        id: "i1",
        title: hostile,
        impact: "partial_outage",
        status: "identified",
        createdAt: now,
        resolvedAt: null,
        updates: [{ id: "u1", status: "identified", message: `${hostile}\u0001`, createdAt: now }],
        affected: [hostile],
        affectedIds: ["m1"],
      },
    ],
    resolvedIncidents: [],
    maintenances: [
      {
        id: "w1",
        title: hostile,
        description: hostile,
        startsAt: new Date("2026-12-07T02:00:00Z"),
        endsAt: null,
        active: false,
        recurring: true,
        affected: ["Website"],
        affectedIds: ["m2"],
        updatedAt: now,
      },
    ],
    ...overrides,
  };
}

describe("the page's HTML", () => {
  const html = renderPageHtml(page(), "/status/acme");

  it("escapes every text a writer chose, so a title of <script> stays text", () => {
    expect(html).not.toContain("<script>alert");
    expect(html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;",
    );
    expect(html).toContain(
      'src="https://example.test/logo.png?a=1&amp;b=&quot;&gt;&lt;script&gt;"',
    );
    // The only script is the external refresh script.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toMatch(
      /<script src="\/status\/assets\/refresh\.js\?v=[0-9a-f]+" defer><\/script>/,
    );
  });

  it("shows the theme, banner, states, shown URL, bars, sparkline and incidents", () => {
    expect(html).toContain('<html lang="en" data-theme="dark">');
    expect(html).toContain('class="banner b-partial_outage" role="status">Partial outage<');
    expect(html).toContain('class="state s-down">Down<');
    expect(html).toContain("https://api.example.test/health?x=&lt;y&gt;");
    expect(html.match(/<li class=u/g)).toHaveLength(180);
    expect(html).toContain('<svg class="spark"');
    expect(html).toContain("<h2>Active incidents</h2>");
    expect(html).toContain("Scheduled 2026-12-07 02:00 UTC until further notice");
    expect(html).toContain('<noscript><meta http-equiv="refresh" content="60"></noscript>');
  });

  it("leaves out a logo that is not https", () => {
    expect(renderPageHtml(page({ logoUrl: "javascript:alert(1)" }), "")).not.toContain("<img");
  });
});

describe("summary.json", () => {
  const summary = JSON.parse(renderSummary(page(), "https://status.example.test/"));

  it("has Statuspage's shape with the page's words", () => {
    expect(summary.page).toMatchObject({
      id: "acme",
      name: hostile,
      url: "https://status.example.test/",
    });
    expect(summary.status).toEqual({ indicator: "major", description: "Partial outage" });
    expect(
      summary.components.map((c: { id: string; status: string; group_id: string | null }) => [
        c.id,
        c.status,
        c.group_id,
      ]),
    ).toEqual([
      ["g1", "major_outage", null],
      ["m1", "major_outage", "g1"],
      ["m2", "operational", "g1"],
    ]);
    expect(summary.incidents[0]).toMatchObject({ id: "i1", status: "identified", impact: "major" });
    expect(summary.incidents[0].incident_updates[0].body).toBe(`${hostile}\u0001`);
    expect(summary.scheduled_maintenances[0]).toMatchObject({
      status: "scheduled",
      scheduled_for: "2026-12-07T02:00:00.000Z",
      scheduled_until: null,
    });
  });
});

describe("the Atom feed", () => {
  const atom = renderAtom(page(), "https://status.example.test/");

  it("escapes texts and drops characters XML forbids", () => {
    expect(atom).not.toContain("<script>");
    expect(atom).not.toContain("\u0001");
    expect(atom).toContain("<title>[Identified] &lt;script&gt;");
    expect(
      atom.startsWith(
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
      ),
    ).toBe(true);
    expect(atom.match(/<entry>/g)).toHaveLength(2);
    expect(atom).toContain(
      '<link rel="self" type="application/atom+xml" href="https://status.example.test/feed.atom"/>',
    );
  });
});
