import type { HeartbeatSpec } from "../../../../gen/pulsar/v1/check_pb";

/** PingSnippet is one way to call a heartbeat's ping URL, to paste where the job runs. */
export interface PingSnippet {
  label: string;
  text: string;
  hint: string;
}

/** CURL is how the snippets call the URL: fail on an error status, quietly, retrying. */
const CURL = "curl -fsS -m 10 --retry 5";
const JOB = "/path/to/job.sh";

/**
 * absolutePingUrl is the ping URL to hand out: as the server gave it when it knows its public
 * URL, else its path ("/ping/<token>") on the dashboard's origin, where the API answers too.
 */
export function absolutePingUrl(pingUrl: string, origin: string): string {
  return pingUrl.startsWith("/") ? `${origin}${pingUrl}` : pingUrl;
}

/** Steps of a crontab schedule, in seconds, each dividing its hour or day evenly. */
const CRON_STEPS: readonly [seconds: number, cron: string][] = [
  [86_400, "0 0 * * *"],
  ...[12, 8, 6, 4, 3, 2].map((h): [number, string] => [h * 3600, `0 */${h} * * *`]),
  [3600, "0 * * * *"],
  ...[30, 20, 15, 12, 10, 6, 5, 4, 3, 2].map((m): [number, string] => [m * 60, `*/${m} * * * *`]),
  [60, "* * * * *"],
];

/**
 * crontabSchedule is the five cron fields for the job of a heartbeat: its own cron, or the
 * most spaced-out schedule that still pings within its period (pinging early never hurts).
 */
export function crontabSchedule(heartbeat: HeartbeatSpec): string {
  if (heartbeat.cron !== "") return heartbeat.cron;
  const period = heartbeat.periodSeconds || 3600;
  return CRON_STEPS.find(([seconds]) => seconds <= period)?.[1] ?? "* * * * *";
}

/**
 * pingSnippets are ways to call a ping URL: curl alone; a crontab line that reports the
 * start, then success or failure (/start, the URL, /fail) around a command; and a shell line
 * that sends the command's last 10,000 bytes of output as the ping's body.
 */
export function pingSnippets(url: string, heartbeat: HeartbeatSpec): PingSnippet[] {
  const quiet = `${CURL} -o /dev/null`;
  return [
    {
      label: "curl",
      text: `${CURL} ${url}`,
      hint: "At the end of the job: each request is a run.",
    },
    {
      label: "Crontab line",
      text: `${crontabSchedule(heartbeat)} ${quiet} ${url}/start; ${JOB} && ${quiet} ${url} || ${quiet} ${url}/fail`,
      hint: "Reports the start, then success or failure: a job that started and never ended is down after the grace time, and its duration is recorded.",
    },
    {
      label: "Shell, with the output",
      text: `${JOB} 2>&1 | tail -c 10000 | curl -fsS -m 10 --data-binary @- ${url}`,
      hint: "Sends the job's last 10,000 bytes of output as the ping's body, shown among the recent pings.",
    },
  ];
}
