import { ChannelsSection } from "./channels-section";
import type { AlertsDeps } from "./client";
import { HistorySection } from "./history-section";
import { RulesSection } from "./rules-section";
import { useAlertsPage } from "./use-alerts-page";

const JUMPS = [
  { href: "#channels", label: "Channels" },
  { href: "#rules", label: "Rules" },
  { href: "#history", label: "History" },
];

/**
 * AlertsView is the alerts page with its dependencies passed in: where alerts go (channels),
 * the host rules, and the history of every alert, live.
 */
export function AlertsView(deps: AlertsDeps) {
  const page = useAlertsPage(deps);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">Alerts</h1>
        <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
          A monitor alerts its channels when it goes down and when it recovers; choose them on the
          monitor's form. Rules alert when a host runs hot.
        </p>
        <nav aria-label="On this page" className="mt-3 flex gap-4 text-sm">
          {JUMPS.map((jump) => (
            <a
              key={jump.href}
              href={jump.href}
              className="text-indigo-700 hover:underline dark:text-indigo-400"
            >
              {jump.label}
            </a>
          ))}
        </nav>
      </div>
      <ChannelsSection channels={page.channels} />
      <RulesSection rules={page.rules} hosts={page.hosts} channels={page.channels.items ?? []} />
      <HistorySection history={page.history} />
    </div>
  );
}
