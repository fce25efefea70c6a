import { describe, expect, it } from "vitest";
import { DAY, MINUTE, resultFixture } from "../../../test/support/fixtures.js";
import {
  type CertificateRules,
  type CertificateState,
  evaluateCertificate,
} from "./certificate-expiry.js";

const T0 = Date.UTC(2026, 10, 24, 12, 0, 0);
const rules: CertificateRules = { alerting: true, thresholdDays: [14, 3] };
const none: CertificateState = { alertedExpiresUs: null, alertedDays: null };
const us = (ms: number) => BigInt(ms) * 1000n;

/** check is a result at T0 + minute whose certificate expires at expiresAtMs. */
const check = (minute: number, expiresAtMs: number | undefined, maintenance = false) => {
  const result = resultFixture({
    monitorId: "m",
    checkedAtMs: T0 + minute * MINUTE,
    tlsCertExpiresAtMs: expiresAtMs,
    tlsCertIssuer: "Pulsar Test CA",
  });
  result.maintenance = maintenance;
  return result;
};

describe("evaluateCertificate", () => {
  it("alerts once, for the smallest threshold crossed, when first seen close to expiry", () => {
    const expires = T0 + 2 * DAY;
    const { alert, state } = evaluateCertificate(rules, none, [check(0, expires)], null);
    expect(alert).toMatchObject({ kind: "tls_expiry", thresholdDays: 3, expiresUs: us(expires) });
    expect(state).toEqual({ alertedExpiresUs: us(expires), alertedDays: 3 });
  });

  it("alerts at 14 days, then at 3, then no more for the same certificate", () => {
    const expires = T0 + 10 * DAY;
    const first = evaluateCertificate(rules, none, [check(0, expires)], null);
    expect(first.alert?.thresholdDays).toBe(14);
    const again = evaluateCertificate(rules, first.state, [check(1, expires)], us(T0));
    expect(again.alert).toBeUndefined();
    expect(again.state).toBe(first.state);
    // Eight days later: 2 days left.
    const close = check(8 * 24 * 60, expires);
    const second = evaluateCertificate(rules, first.state, [close], us(T0));
    expect(second.alert?.thresholdDays).toBe(3);
    expect(second.alert?.result).toBe(close);
    // Then expired: the smallest threshold was alerted already.
    const expired = evaluateCertificate(rules, second.state, [check(11 * 24 * 60, expires)], 0n);
    expect(expired.alert).toBeUndefined();
  });

  it("starts over for a renewed certificate, alerting again once it crosses a threshold", () => {
    const old = T0 + 2 * DAY;
    const alerted: CertificateState = { alertedExpiresUs: us(old), alertedDays: 3 };
    const renewed = T0 + 90 * DAY;
    const fresh = evaluateCertificate(rules, alerted, [check(0, renewed)], null);
    expect(fresh.alert).toBeUndefined();
    const crossing = evaluateCertificate(rules, fresh.state, [check(77 * 24 * 60, renewed)], null);
    expect(crossing.alert).toMatchObject({ thresholdDays: 14, expiresUs: us(renewed) });
    // The old certificate showing up again (another server behind the name) is not news.
    const back = evaluateCertificate(rules, alerted, [check(5, old)], null);
    expect(back.alert).toBeUndefined();
  });

  it("alerts for an expired certificate unless the smallest threshold was alerted already", () => {
    const expired = T0 - DAY;
    const first = evaluateCertificate(rules, none, [check(0, expired)], null);
    expect(first.alert?.thresholdDays).toBe(3);
    const after14: CertificateState = { alertedExpiresUs: us(expired), alertedDays: 14 };
    expect(
      evaluateCertificate(rules, after14, [check(0, expired)], null).alert?.thresholdDays,
    ).toBe(3);
    const after3: CertificateState = { alertedExpiresUs: us(expired), alertedDays: 3 };
    expect(evaluateCertificate(rules, after3, [check(0, expired)], null).alert).toBeUndefined();
  });

  it("decides from the newest counted result with a certificate, outside maintenance", () => {
    const near = T0 + 2 * DAY;
    const far = T0 + 60 * DAY;
    // The newest result is renewed: the older, nearly expired one decides nothing.
    expect(
      evaluateCertificate(rules, none, [check(1, far), check(0, near)], null).alert,
    ).toBeUndefined();
    // Without a certificate (a refused connection), the newest that has one decides.
    expect(
      evaluateCertificate(rules, none, [check(0, near), check(1, undefined)], null).alert
        ?.thresholdDays,
    ).toBe(3);
    // A result during maintenance never alerts, nor does one counted before.
    expect(evaluateCertificate(rules, none, [check(0, near, true)], null).alert).toBeUndefined();
    expect(evaluateCertificate(rules, none, [check(0, near)], us(T0)).alert).toBeUndefined();
  });

  it("never alerts with no thresholds, or for a monitor that is not alerting", () => {
    const near = [check(0, T0 + DAY)];
    expect(evaluateCertificate({ ...rules, thresholdDays: [] }, none, near, null)).toEqual({
      state: none,
      alert: undefined,
    });
    expect(evaluateCertificate({ ...rules, alerting: false }, none, near, null).alert).toBe(
      undefined,
    );
  });

  it("counts thresholds in whatever order they are stored", () => {
    const { alert } = evaluateCertificate(
      { alerting: true, thresholdDays: [3, 30, 7] },
      none,
      [check(0, T0 + 5 * DAY)],
      null,
    );
    expect(alert?.thresholdDays).toBe(7);
  });
});
