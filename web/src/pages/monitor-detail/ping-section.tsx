import type { HeartbeatSpec } from "../../../../gen/pulsar/v1/check_pb";
import { CopyField } from "./copy-field";
import { absolutePingUrl, pingSnippets } from "./ping-snippets";
import { Section } from "./section";
import { SnippetBlock } from "./snippet-block";

/** PingSectionProps are a heartbeat's ping URL and schedule, the origin, and the clipboard. */
export interface PingSectionProps {
  /** Monitor.pingUrl: a full URL, or "/ping/<token>" when the server has no public URL. */
  pingUrl: string;
  heartbeat: HeartbeatSpec;
  /** The dashboard's origin (window.location.origin), for a ping URL that is a path. */
  origin: string;
  copy?: (text: string) => Promise<void>;
}

/**
 * PingSection is how a job reports to its heartbeat monitor: the ping URL with a Copy button,
 * and snippets calling it (curl, a crontab line reporting start and end, a shell line sending
 * the output). The URL is a secret, shown here only.
 */
export function PingSection({ pingUrl, heartbeat, origin, copy }: PingSectionProps) {
  if (pingUrl === "") {
    return (
      <Section title="How the job reports">
        <p className="text-sm text-slate-600 dark:text-slate-400">
          The server sent no ping URL for this monitor.
        </p>
      </Section>
    );
  }
  const url = absolutePingUrl(pingUrl, origin);
  return (
    <Section title="How the job reports">
      <p className="mb-3 text-sm text-slate-600 dark:text-slate-400">
        Have your job request this URL each time it has run (GET or POST; a body up to 10 KB is
        kept). Add <code className="font-mono">/start</code> when it starts, to time it, and{" "}
        <code className="font-mono">/fail</code> to report a failure. Keep it secret: anyone with it
        can report runs.
      </p>
      <div className="space-y-4">
        <CopyField label="Ping URL" value={url} copy={copy} />
        {pingSnippets(url, heartbeat).map((snippet) => (
          <SnippetBlock key={snippet.label} {...snippet} copy={copy} />
        ))}
      </div>
    </Section>
  );
}
