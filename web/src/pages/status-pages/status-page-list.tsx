import type { StatusPage } from "../../../../gen/pulsar/v1/status_page_pb";
import { Button } from "../../components/form";
import { Link } from "../../components/link";

/**
 * StatusPageList lists the pages: title (to its detail), public link (a new tab), domains,
 * and Delete.
 */
export function StatusPageList({
  pages,
  onDelete,
}: {
  pages: readonly StatusPage[];
  onDelete: (page: StatusPage) => void;
}) {
  return (
    <ul
      aria-label="Status pages"
      className="divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
    >
      {pages.map((page) => {
        const spec = page.spec;
        const title = spec?.title || spec?.slug || page.id;
        const path = page.publicPath || `/status/${spec?.slug ?? ""}`;
        return (
          <li key={page.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 p-3">
            <div className="w-full min-w-0 sm:w-auto sm:flex-1">
              <Link
                href={`/status-pages/${page.id}`}
                className="font-medium break-words text-indigo-700 hover:underline dark:text-indigo-400"
              >
                {title}
              </Link>
              <p className="mt-0.5 text-sm break-all">
                <a
                  href={path}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={`${path} (public page of ${title}, opens in a new tab)`}
                  className="font-mono text-xs text-slate-600 hover:underline dark:text-slate-400"
                >
                  {path} ↗
                </a>
              </p>
              {spec && spec.domains.length > 0 && (
                <p className="mt-0.5 text-xs break-all text-slate-500 dark:text-slate-400">
                  Also at {spec.domains.join(", ")}
                </p>
              )}
            </div>
            <Button kind="secondary" aria-label={`Delete ${title}`} onClick={() => onDelete(page)}>
              Delete
            </Button>
          </li>
        );
      })}
    </ul>
  );
}
