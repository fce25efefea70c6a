import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AlertKind, DeliveryStatus } from "../../gen/pulsar/v1/alert_pb.js";
import type { CheckResult } from "../../gen/pulsar/v1/check_pb.js";
import { createTestOrg } from "../../test/support/accounts.js";
import { alertEventsOf, insertChannelFixture } from "../../test/support/alert-fixtures.js";
import { createDayPartition, DAY, MINUTE, resultFixture } from "../../test/support/fixtures.js";
import { insertMonitorRow, type MonitorRow } from "../../test/support/monitor-rows.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/postgres.js";
import { checkTarget } from "../../test/support/targets.js";
import { runCheck } from "../checks/http/index.js";
import { storeCheckResults } from "../checks/results/store-check-results.js";

let db: TestDatabase;
let orgId: string;
let channelId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await createTestOrg(db.pool, "Acme")).orgId;
  channelId = await insertChannelFixture(db.pool, orgId, {
    kind: "discord",
    url: "http://127.0.0.1:9/api/webhooks/1/x",
  });
  // Results from up to eleven days ago, for certificates followed over days.
  for (let day = -11; day <= 0; day++) await createDayPartition(db.pool, day);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query("TRUNCATE monitors, check_results, alert_events, incidents CASCADE");
});

const newMonitor = (row: MonitorRow = {}) =>
  insertMonitorRow(db.pool, orgId, { alertChannelIds: [channelId], ...row });

/** checked is an up result at checkedAtMs that read a certificate expiring at expiresAtMs. */
const checked = (monitorId: string, checkedAtMs: number, expiresAtMs: number): CheckResult =>
  resultFixture({
    monitorId,
    checkedAtMs,
    tlsCertExpiresAtMs: expiresAtMs,
    tlsCertIssuer: "Let's Encrypt",
  });

/** tlsAlerts reads the monitor's certificate alerts, oldest first. */
const tlsAlerts = async (monitorId: string) =>
  (await alertEventsOf(db.pool, monitorId)).filter((e) => e.kind === "tls_expiry");

const alertedState = async (monitorId: string) =>
  (
    await db.pool.query(
      "SELECT tls_alerted_expires_at, tls_alerted_days FROM monitor_state WHERE monitor_id = $1",
      [monitorId],
    )
  ).rows[0];

describe("certificate expiry alerts", () => {
  it("alerts once, for 3 days, a monitor first seen with 2 days left on its certificate", async () => {
    const monitorId = await newMonitor();
    const now = Date.now() - 10 * MINUTE;
    const expires = now + 2 * DAY;
    const first = await storeCheckResults(db.pool, [checked(monitorId, now, expires)]);
    for (let i = 1; i <= 3; i++) {
      const later = await storeCheckResults(db.pool, [
        checked(monitorId, now + i * MINUTE, expires),
      ]);
      expect(later.alertEvents).toEqual([]);
    }

    expect(first.alertEvents).toHaveLength(1);
    const [alert] = first.alertEvents;
    expect(alert?.orgId).toBe(orgId);
    expect(alert?.event).toMatchObject({
      kind: AlertKind.TLS_EXPIRY,
      monitorId,
      incidentId: "",
      title: "Certificate of Checkout API expires in 2 days",
    });
    expect(alert?.event.deliveries).toMatchObject([{ channelId, status: DeliveryStatus.PENDING }]);
    const events = await alertEventsOf(db.pool, monitorId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "tls_expiry", incident_id: null });
    expect(events[0]?.message).toContain("Check: https://example.com/health");
    expect(events[0]?.message).toContain("2 days left; alerting at 3 days or fewer");
    expect(events[0]?.message).toContain("Issuer: Let's Encrypt");
    expect(await alertedState(monitorId)).toEqual({
      tls_alerted_expires_at: new Date(expires),
      tls_alerted_days: 3,
    });
    const incidents = await db.pool.query("SELECT 1 FROM incidents WHERE monitor_id = $1", [
      monitorId,
    ]);
    expect(incidents.rows).toEqual([]);
  });

  it("alerts at 14 days, at 3 days a week later, and never again for that certificate", async () => {
    const monitorId = await newMonitor();
    const t0 = Date.now() - 11 * DAY;
    const expires = t0 + 10 * DAY;
    await storeCheckResults(db.pool, [checked(monitorId, t0, expires)]);
    await storeCheckResults(db.pool, [checked(monitorId, t0 + DAY, expires)]);
    expect((await tlsAlerts(monitorId)).map((e) => e.title)).toEqual([
      "Certificate of Checkout API expires in 10 days",
    ]);
    // Two days left, one and a half, one, then expired a day ago: one more alert, for 3.
    for (const day of [8, 8.5, 9, 11]) {
      await storeCheckResults(db.pool, [checked(monitorId, t0 + day * DAY, expires)]);
    }
    const alerts = await tlsAlerts(monitorId);
    expect(alerts.map((e) => e.title)).toEqual([
      "Certificate of Checkout API expires in 10 days",
      "Certificate of Checkout API expires in 2 days",
    ]);
    expect(alerts[0]?.message).toContain("alerting at 14 days or fewer");
    expect(alerts[1]?.message).toContain("alerting at 3 days or fewer");
  });

  it("stays quiet for a renewed certificate until it crosses a threshold of its own", async () => {
    const monitorId = await newMonitor();
    const t0 = Date.now() - 9 * DAY;
    const old = t0 + 2 * DAY;
    await storeCheckResults(db.pool, [checked(monitorId, t0, old)]);
    const renewed = t0 + 20 * DAY;
    await storeCheckResults(db.pool, [checked(monitorId, t0 + MINUTE, renewed)]);
    await storeCheckResults(db.pool, [checked(monitorId, t0 + 5 * DAY, renewed)]);
    expect(await tlsAlerts(monitorId)).toHaveLength(1);
    // 13 days left on the renewed one.
    const crossing = await storeCheckResults(db.pool, [checked(monitorId, t0 + 7 * DAY, renewed)]);
    expect(crossing.alertEvents.map((a) => a.event.title)).toEqual([
      "Certificate of Checkout API expires in 13 days",
    ]);
    expect(await alertedState(monitorId)).toEqual({
      tls_alerted_expires_at: new Date(renewed),
      tls_alerted_days: 14,
    });
  });

  it("never alerts a monitor whose thresholds are turned off", async () => {
    const monitorId = await newMonitor({ tlsExpiryAlertDays: [] });
    const now = Date.now() - 10 * MINUTE;
    await storeCheckResults(db.pool, [checked(monitorId, now, now + DAY)]);
    await storeCheckResults(db.pool, [checked(monitorId, now + MINUTE, now - DAY)]);
    expect(await alertEventsOf(db.pool, monitorId)).toEqual([]);
    expect(await alertedState(monitorId)).toEqual({
      tls_alerted_expires_at: null,
      tls_alerted_days: null,
    });
  });

  it("never alerts on results during maintenance, and alerts once the window is over", async () => {
    const monitorId = await newMonitor();
    const now = Date.now() - 10 * MINUTE;
    const expires = now + 2 * DAY;
    for (let i = 0; i < 3; i++) {
      const result = checked(monitorId, now + i * MINUTE, expires);
      result.maintenance = true;
      expect((await storeCheckResults(db.pool, [result])).alertEvents).toEqual([]);
    }
    expect(await alertEventsOf(db.pool, monitorId)).toEqual([]);
    await storeCheckResults(db.pool, [checked(monitorId, now + 3 * MINUTE, expires)]);
    expect((await tlsAlerts(monitorId)).map((e) => e.title)).toEqual([
      "Certificate of Checkout API expires in 2 days",
    ]);
  });

  it("never alerts a paused monitor", async () => {
    const monitorId = await newMonitor({ enabled: false });
    const now = Date.now() - 10 * MINUTE;
    await storeCheckResults(db.pool, [checked(monitorId, now, now + DAY)]);
    expect(await alertEventsOf(db.pool, monitorId)).toEqual([]);
  });

  it("alerts exactly once when two workers store results of one monitor at once", async () => {
    for (let round = 0; round < 10; round++) {
      const monitorId = await newMonitor();
      const now = Date.now() - 10 * MINUTE;
      const expires = now + 2 * DAY;
      const batches = [0, 1, 2, 3].map((i) => [
        checked(monitorId, now + i * 2 * MINUTE, expires),
        checked(monitorId, now + (i * 2 + 1) * MINUTE, expires),
      ]);
      const stored = await Promise.all(batches.map((batch) => storeCheckResults(db.pool, batch)));
      const handedOut = stored.flatMap((s) => s.alertEvents.map((a) => a.event.title));
      expect(handedOut, `round ${round}`).toEqual([
        "Certificate of Checkout API expires in 2 days",
      ]);
      expect(await tlsAlerts(monitorId), `round ${round}`).toHaveLength(1);
    }
  });

  it("records a DOWN and an expired certificate of one check, the certificate tied to no incident", async () => {
    const monitorId = await newMonitor({
      name: "Mail",
      kind: "tcp",
      kindSpec: { host: "mail.example.com", port: 465, tls: true },
      confirmations: 1,
    });
    const now = Date.now() - 10 * MINUTE;
    const result = checked(monitorId, now, now - 2 * DAY);
    result.up = false;
    result.error = "TLS error: certificate has expired (CERT_HAS_EXPIRED)";
    const { alertEvents } = await storeCheckResults(db.pool, [result]);
    expect(alertEvents.map((a) => [a.event.kind, a.event.title])).toEqual([
      [AlertKind.MONITOR_DOWN, "Mail is down"],
      [AlertKind.TLS_EXPIRY, "Certificate of Mail expired"],
    ]);
    const events = await alertEventsOf(db.pool, monitorId);
    expect(events.map((e) => [e.kind, e.incident_id === null])).toEqual([
      ["monitor_down", false],
      ["tls_expiry", true],
    ]);
    for (const event of events) {
      expect(event.message).toContain("Check: tcp mail.example.com:465 with TLS");
    }
    expect(events[1]?.message).toContain("(2 days ago)");
  });

  it("alerts from a real HTTPS server's certificate that expires in 2 days", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pulsar-cert-"));
    let server: https.Server | undefined;
    try {
      await promisify(execFile)("openssl", [
        ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
        ...["-subj", "/O=Pulsar Expiring CA/CN=localhost"],
        ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        ...["-keyout", join(dir, "k"), "-out", join(dir, "c")],
      ]);
      const [key, cert] = await Promise.all([readFile(join(dir, "k")), readFile(join(dir, "c"))]);
      const listening = https.createServer({ key, cert }, (_req, res) => res.end("ok"));
      server = listening;
      await new Promise<void>((resolve) => listening.listen(0, "127.0.0.1", resolve));
      const { port } = listening.address() as AddressInfo;

      const monitorId = await newMonitor({ name: "Shop", url: `https://127.0.0.1:${port}/` });
      const results: CheckResult[] = [];
      for (let i = 0; i < 2; i++) {
        const result = await runCheck(checkTarget(`https://127.0.0.1:${port}/`), { ca: cert });
        expect(result.up, result.error).toBe(true);
        result.monitorId = monitorId;
        results.push(result);
      }
      const first = await storeCheckResults(db.pool, results.slice(0, 1));
      const second = await storeCheckResults(db.pool, results.slice(1));
      expect(first.alertEvents.map((a) => [a.event.kind, a.event.title])).toEqual([
        [AlertKind.TLS_EXPIRY, "Certificate of Shop expires in 2 days"],
      ]);
      expect(first.alertEvents[0]?.event.message).toContain("Issuer: Pulsar Expiring CA");
      expect(second.alertEvents).toEqual([]);
    } finally {
      server?.closeAllConnections();
      server?.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
