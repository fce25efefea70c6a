import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

// The public page's two static files, served from memory at /status/assets/<name>?v=<hash>:
// a stylesheet (the page's policy allows no inline style) and the refresh script (no inline
// script either). The query string changes with the content, so both are cached for a year.

const STYLESHEET = `
:root{--bg:#f7f8fa;--card:#fff;--text:#1b1f24;--muted:#5b6472;--line:#e3e6ea;--u4:#2da44e;--u3:#8cc265;--u2:#e3b341;--u1:#d1453b;--u0:#c9cdd3;--maint:#4c7fd1;--ok:#2da44e;--warn:#d39e00;--bad:#d1453b}
@media (prefers-color-scheme:dark){html[data-theme=auto]{--bg:#0e1116;--card:#161b22;--text:#e6edf3;--muted:#9aa4b2;--line:#2b323b;--u0:#3a414b}}
html[data-theme=dark]{--bg:#0e1116;--card:#161b22;--text:#e6edf3;--muted:#9aa4b2;--line:#2b323b;--u0:#3a414b}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.wrap{max-width:860px;margin:0 auto;padding:24px 16px 48px}
header{display:flex;gap:16px;align-items:center;margin-bottom:16px}
header img{max-height:48px;max-width:160px}
h1{font-size:1.6rem;margin:0}h2{font-size:1.15rem;margin:28px 0 8px}h3{font-size:1rem;margin:0}
p.desc{color:var(--muted);margin:4px 0 0}
.banner{padding:16px 20px;border-radius:8px;color:#fff;font-weight:600;font-size:1.1rem;margin:16px 0}
.b-operational{background:var(--ok)}.b-degraded{background:var(--warn)}.b-partial_outage{background:#e0752d}.b-major_outage{background:var(--bad)}.b-maintenance{background:var(--maint)}
section.group,article{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
.monitor{padding:10px 0;border-top:1px solid var(--line)}.monitor:first-of-type{border-top:0}
.row{display:flex;justify-content:space-between;gap:12px;align-items:baseline;flex-wrap:wrap}
.name{font-weight:600}.url{color:var(--muted);font-size:.85rem;word-break:break-all}
.state{font-size:.9rem;font-weight:600}.s-up{color:var(--ok)}.s-down,.s-major_outage{color:var(--bad)}.s-partial_outage,.s-degraded{color:var(--warn)}.s-maintenance{color:var(--maint)}.s-no_data,.s-paused{color:var(--muted)}
.bar{display:flex;gap:2px;margin:8px 0 4px;height:28px;list-style:none;padding:0;position:relative}
.bar li{flex:1;border-radius:2px;min-width:2px;background:var(--u0)}
.bar li:focus{outline:2px solid var(--text);outline-offset:1px}
.bar li:focus::after{content:attr(title);position:absolute;left:0;top:32px;z-index:1;padding:2px 8px;border-radius:4px;background:var(--text);color:var(--card);font-size:.8rem;white-space:nowrap}
.u4{background:var(--u4)!important}.u3{background:var(--u3)!important}.u2{background:var(--u2)!important}.u1{background:var(--u1)!important}.u0{background:var(--u0)}
.legend{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
.spark{width:100%;height:36px;margin-top:4px}.spark polyline{fill:none;stroke:var(--maint);stroke-width:1.5}
.meta{color:var(--muted);font-size:.85rem}
ol.updates{list-style:none;padding:0;margin:8px 0 0}ol.updates li{margin:6px 0}
.ustatus{font-weight:600;text-transform:capitalize}
.tag{display:inline-block;font-size:.75rem;padding:1px 8px;border-radius:10px;border:1px solid var(--line);color:var(--muted)}
footer{margin-top:32px;color:var(--muted);font-size:.8rem;display:flex;gap:16px;flex-wrap:wrap}
a{color:inherit}
`;

const REFRESH_SCRIPT = `"use strict";
// Keeps an open status page current: every 30 s it asks for the page again (revalidating, so
// an unchanged page costs a 304 and no body) and swaps <main> when it changed. Without
// JavaScript the page's <noscript> meta refresh does the same, less gently.
(function () {
  var INTERVAL_MS = 30000;
  var lastTag = null;
  function refresh() {
    // A reader tabbing through the bars keeps their place: wait until focus leaves <main>.
    var main = document.querySelector("main");
    if (!main || (document.activeElement && document.activeElement !== document.body && main.contains(document.activeElement))) return;
    fetch(location.href, { cache: "no-cache", headers: { accept: "text/html" } })
      .then(function (res) {
        if (!res.ok) return;
        var tag = res.headers.get("etag");
        if (tag && tag === lastTag) return;
        return res.text().then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html").querySelector("main");
          var current = document.querySelector("main");
          if (!next || !current) return;
          current.replaceWith(document.adoptNode(next));
          lastTag = tag;
          document.documentElement.setAttribute("data-refreshed", String(Date.now()));
        });
      })
      .catch(function () {});
  }
  setInterval(refresh, INTERVAL_MS);
})();
`;

/** StaticAsset is one file served under /status/assets/. */
export interface StaticAsset {
  body: Buffer;
  gzipped: Buffer;
  contentType: string;
  /** The content's hash: the ?v= of its URL and its ETag. */
  version: string;
}

function asset(text: string, contentType: string): StaticAsset {
  const body = Buffer.from(text.trim(), "utf8");
  return {
    body,
    gzipped: gzipSync(body, { level: 9 }),
    contentType,
    version: createHash("sha256").update(body).digest("hex").slice(0, 12),
  };
}

/** STATUS_ASSETS are the files by name. */
export const STATUS_ASSETS: ReadonlyMap<string, StaticAsset> = new Map([
  ["status.css", asset(STYLESHEET, "text/css; charset=utf-8")],
  ["refresh.js", asset(REFRESH_SCRIPT, "text/javascript; charset=utf-8")],
]);

/** assetPath is the URL path of an asset, with its version. */
export function assetPath(name: "status.css" | "refresh.js"): string {
  return `/status/assets/${name}?v=${STATUS_ASSETS.get(name)?.version ?? ""}`;
}
