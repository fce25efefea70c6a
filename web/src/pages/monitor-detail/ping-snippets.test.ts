import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { HeartbeatSpecSchema } from "../../../../gen/pulsar/v1/check_pb";
import { absolutePingUrl, crontabSchedule, pingSnippets } from "./ping-snippets";

const URL = "https://pulsar.example/ping/tok3n";

describe("absolutePingUrl", () => {
  it("puts a bare path on the dashboard's origin and keeps a full URL", () => {
    expect(absolutePingUrl("/ping/tok3n", "http://localhost:8080")).toBe(
      "http://localhost:8080/ping/tok3n",
    );
    expect(absolutePingUrl(URL, "http://localhost:8080")).toBe(URL);
  });
});

describe("crontabSchedule", () => {
  it("pings at least once a period, as spaced out as cron allows", () => {
    const every = (periodSeconds: number) =>
      crontabSchedule(create(HeartbeatSpecSchema, { periodSeconds }));
    expect(every(3600)).toBe("0 * * * *");
    expect(every(86_400)).toBe("0 0 * * *");
    expect(every(7 * 86_400)).toBe("0 0 * * *");
    expect(every(300)).toBe("*/5 * * * *");
    expect(every(420)).toBe("*/6 * * * *");
    expect(every(5400)).toBe("0 * * * *");
    expect(every(30)).toBe("* * * * *");
    expect(crontabSchedule(create(HeartbeatSpecSchema, { cron: "0 3 * * 1-5" }))).toBe(
      "0 3 * * 1-5",
    );
  });
});

describe("pingSnippets", () => {
  it("writes curl, the crontab line with /start and /fail, and the shell line with the body", () => {
    const [curl, crontab, shell] = pingSnippets(
      URL,
      create(HeartbeatSpecSchema, { periodSeconds: 3600 }),
    );
    expect(curl?.text).toBe(`curl -fsS -m 10 --retry 5 ${URL}`);
    expect(crontab?.text).toBe(
      `0 * * * * curl -fsS -m 10 --retry 5 -o /dev/null ${URL}/start; /path/to/job.sh && curl -fsS -m 10 --retry 5 -o /dev/null ${URL} || curl -fsS -m 10 --retry 5 -o /dev/null ${URL}/fail`,
    );
    expect(shell?.text).toBe(
      `/path/to/job.sh 2>&1 | tail -c 10000 | curl -fsS -m 10 --data-binary @- ${URL}`,
    );
  });
});
