import { lazy, Suspense, useEffect } from "react";
import { SessionProvider, useSession } from "./auth/session";
import { Layout } from "./components/layout";
import { matchPath, navigate, useLocation } from "./lib/router";
import { MembersPage } from "./pages/members/members-page";
import { MonitorFormPage } from "./pages/monitor-form";
import { OverviewPage } from "./pages/overview";
import { SignInPage } from "./pages/sign-in";
import { SignUpPage } from "./pages/sign-up";
import { TokensPage } from "./pages/tokens";

// The pages with charts load on demand: the charting library stays out of the first load.
const MonitorDetailPage = lazy(() =>
  import("./pages/monitor-detail").then((m) => ({ default: m.MonitorDetailPage })),
);
const HostsPage = lazy(() => import("./pages/hosts").then((m) => ({ default: m.HostsPage })));
const AlertsPage = lazy(() => import("./pages/alerts").then((m) => ({ default: m.AlertsPage })));
const StatusPagesPage = lazy(() =>
  import("./pages/status-pages").then((m) => ({ default: m.StatusPagesPage })),
);
const MaintenancePage = lazy(() =>
  import("./pages/maintenance").then((m) => ({ default: m.MaintenancePage })),
);
const RegionsPage = lazy(() =>
  import("./pages/regions/regions-page").then((m) => ({ default: m.RegionsPage })),
);
const SystemPage = lazy(() =>
  import("./pages/system/system-page").then((m) => ({ default: m.SystemPage })),
);

const PUBLIC_PATHS = ["/sign-in", "/sign-up"];

/** App is the whole dashboard: the session, then the page of the current path. */
export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}

function Routes() {
  const session = useSession();
  const { path, search } = useLocation();
  const isPublic = PUBLIC_PATHS.includes(path);

  // Signed out: to sign-in, remembering where to come back to. Signed in: off the auth pages.
  useEffect(() => {
    if (session.state === "signed-out" && !isPublic) {
      navigate(`/sign-in?next=${encodeURIComponent(path)}`, { replace: true });
    } else if (session.state === "signed-in" && isPublic) {
      const next = search.get("next");
      navigate(next?.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
    }
  }, [session.state, isPublic, path, search]);

  if (session.state === "loading") {
    return (
      <p className="p-8 text-slate-500" aria-live="polite">
        Loading…
      </p>
    );
  }
  if (session.state === "signed-out") return path === "/sign-up" ? <SignUpPage /> : <SignInPage />;
  if (isPublic) return null;
  return (
    <Layout>
      <Suspense fallback={<p className="text-slate-500">Loading…</p>}>{page(path)}</Suspense>
    </Layout>
  );
}

function page(path: string) {
  if (path === "/") return <OverviewPage />;
  if (path === "/monitors/new") return <MonitorFormPage />;
  const edit = matchPath("/monitors/:id/edit", path);
  if (edit) return <MonitorFormPage id={edit.id} />;
  const detail = matchPath("/monitors/:id", path);
  if (detail) return <MonitorDetailPage id={detail.id} />;
  if (path === "/hosts") return <HostsPage />;
  const host = matchPath("/hosts/:id", path);
  if (host) return <HostsPage id={host.id} />;
  if (path === "/alerts") return <AlertsPage />;
  if (path === "/status-pages") return <StatusPagesPage />;
  const statusPage = matchPath("/status-pages/:id", path);
  if (statusPage) return <StatusPagesPage id={statusPage.id} />;
  if (path === "/maintenance") return <MaintenancePage />;
  if (path === "/settings/tokens") return <TokensPage />;
  if (path === "/settings/members") return <MembersPage />;
  if (path === "/regions") return <RegionsPage />;
  if (path === "/system") return <SystemPage />;
  return (
    <div className="py-16 text-center">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-slate-500">Nothing lives at {path}.</p>
    </div>
  );
}
