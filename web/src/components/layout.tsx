import type { ReactNode } from "react";
import { useStreamStatus } from "../api/use-stream";
import { useSession } from "../auth/session";
import { useLocation } from "../lib/router";
import { useTheme } from "../lib/theme";
import { Link } from "./link";

const NAV = [
  { href: "/", label: "Monitors" },
  { href: "/hosts", label: "Hosts" },
  { href: "/alerts", label: "Alerts" },
  { href: "/status-pages", label: "Status pages" },
  { href: "/maintenance", label: "Maintenance" },
  { href: "/regions", label: "Regions" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/members", label: "Members" },
];
/** Only for system admins (the operator organization's admins); the server guards the page. */
const SYSTEM_NAV = { href: "/system", label: "System" };

/** Layout is the signed-in frame: navigation, organization, live status, theme, sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const session = useSession();
  const { path } = useLocation();
  const [theme, toggleTheme] = useTheme();
  const status = useStreamStatus();
  const orgName = session.state === "signed-in" ? session.organization?.name : "";
  const nav = session.state === "signed-in" && session.systemAdmin ? [...NAV, SYSTEM_NAV] : NAV;
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 dark:border-slate-800">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="flex items-center gap-2 font-semibold">
            <span aria-hidden className="inline-block h-3 w-3 rounded-full bg-up" />
            Pulsar
          </Link>
          <nav aria-label="Main" className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {nav.map((item) => {
              const current =
                item.href === "/"
                  ? path === "/" || path.startsWith("/monitors")
                  : path.startsWith(item.href);
              return (
                <Link
                  key={item.href}
                  href={item.href}
                  aria-current={current ? "page" : undefined}
                  className={
                    current
                      ? "font-semibold text-indigo-600 dark:text-indigo-400"
                      : "hover:underline"
                  }
                >
                  {item.label}
                </Link>
              );
            })}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span
              className={`rounded-full px-2 py-0.5 text-xs ${
                status === "live"
                  ? "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300"
                  : "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300"
              }`}
              title={
                status === "live"
                  ? "Live updates are on"
                  : "Live updates paused: reconnecting; figures may be stale"
              }
            >
              {status === "live"
                ? "● Live"
                : status === "connecting"
                  ? "Connecting…"
                  : "Reconnecting… (data may be stale)"}
            </span>
            <span className="hidden text-slate-500 sm:inline dark:text-slate-400">{orgName}</span>
            <button
              type="button"
              onClick={toggleTheme}
              aria-label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
              className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              {theme === "dark" ? "☀" : "☾"}
            </button>
            <button
              type="button"
              onClick={() => void session.signOut()}
              className="rounded px-2 py-1 hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
