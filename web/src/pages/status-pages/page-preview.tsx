import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { timestampMs } from "../../lib/format";

/**
 * PagePreview shows the saved page as the public sees it, in an iframe of /status/<slug>.
 * Sandboxed with nothing allowed: no scripts, and an opaque origin, so the page runs without
 * the dashboard's cookies, as a signed-out reader's browser would. The time of the last save
 * in the address makes the frame load again (past any cache) after each save.
 */
export function PagePreview({ page }: { page: StatusPage }) {
  const slug = page.spec?.slug ?? "";
  const path = page.publicPath || `/status/${slug}`;
  const version = timestampMs(page.updatedAt);
  return (
    <section aria-labelledby="preview-title" className="space-y-2">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="preview-title" className="text-lg font-semibold">
          Preview
        </h2>
        <a
          href={path}
          target="_blank"
          rel="noopener noreferrer"
          className="text-sm text-indigo-700 hover:underline dark:text-indigo-400"
        >
          Open {path} in a new tab
        </a>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">
        Shows the saved page: save to see your changes here.
      </p>
      <iframe
        key={version}
        title={`Preview of ${page.spec?.title ?? slug}`}
        src={`${path}?preview=${version}`}
        sandbox=""
        loading="lazy"
        className="h-[32rem] w-full rounded-lg border border-slate-200 bg-white dark:border-slate-800"
      />
    </section>
  );
}
