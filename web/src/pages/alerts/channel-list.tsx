import type { Channel } from "../../../../gen/pulsar/v1/alert_pb";
import { Button } from "../../components/form";
import { channelTarget } from "./channel-values";
import type { TestOutcome } from "./use-channels";

/** ChannelListProps are the channels, their test outcomes, and what the buttons start. */
export interface ChannelListProps {
  channels: readonly Channel[];
  tests: Readonly<Record<string, TestOutcome>>;
  onTest: (channel: Channel) => void;
  onDelete: (channel: Channel) => void;
}

/**
 * ChannelList lists the channels: name, kind and URL as the server masks it, a "Send test"
 * button whose outcome shows (and is announced) under the channel, and Delete.
 */
export function ChannelList({ channels, tests, onTest, onDelete }: ChannelListProps) {
  return (
    <ul
      aria-label="Channels"
      className="divide-y divide-slate-100 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
    >
      {channels.map((channel) => {
        const target = channelTarget(channel);
        const outcome = tests[channel.id];
        return (
          <li key={channel.id} className="flex flex-wrap items-center gap-x-4 gap-y-2 p-3">
            <div className="w-full min-w-0 sm:w-auto sm:flex-1">
              <p className="flex flex-wrap items-center gap-2">
                <span className="font-medium break-words">{channel.name}</span>
                <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                  {target.kind}
                </span>
              </p>
              <p className="mt-0.5 font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                {target.url}
              </p>
              <p aria-live="polite" className="mt-1 text-sm empty:hidden">
                {outcome && <TestOutcomeText outcome={outcome} />}
              </p>
            </div>
            <div className="flex gap-2">
              <Button
                kind="secondary"
                aria-label={`Send test to ${channel.name}`}
                disabled={outcome?.phase === "sending"}
                onClick={() => onTest(channel)}
              >
                Send test
              </Button>
              <Button
                kind="secondary"
                aria-label={`Delete ${channel.name}`}
                onClick={() => onDelete(channel)}
              >
                Delete
              </Button>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** TestOutcomeText says how a test message went: delivered, or why not in the server's words. */
function TestOutcomeText({ outcome }: { outcome: TestOutcome }) {
  if (outcome.phase === "sending") {
    return <span className="text-slate-500 dark:text-slate-400">Sending a test message…</span>;
  }
  if (outcome.phase === "error") {
    return (
      <span className="text-red-700 dark:text-red-400">Could not send: {outcome.message}</span>
    );
  }
  const { delivered, statusCode, error } = outcome.answer;
  const status = statusCode ? ` (HTTP ${statusCode})` : "";
  return delivered ? (
    <span className="text-emerald-700 dark:text-emerald-400">Test delivered{status}.</span>
  ) : (
    <span className="text-red-700 dark:text-red-400">
      Test failed{status}: {error || "the channel did not accept it"}
    </span>
  );
}
