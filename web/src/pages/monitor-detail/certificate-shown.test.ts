import { describe, expect, it } from "vitest";
import { CERT_WARN_DAYS, certificateShown, warnBelowDaysOf } from "./certificate-shown";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const DAY = 86_400_000;

describe("certificateShown", () => {
  it("counts whole days left, one day in the singular", () => {
    const at = NOW + 30 * DAY + 5_000;
    expect(certificateShown({ expiresAtMs: at, issuer: "R11" }, 14, NOW)).toEqual({
      daysLeft: "30 days left",
      tone: "default",
      date: new Date(at).toLocaleDateString(),
      issuer: "R11",
    });
    expect(certificateShown({ expiresAtMs: NOW + DAY, issuer: "R11" }, 14, NOW).daysLeft).toBe(
      "1 day left",
    );
  });

  it("warns under the threshold it is given, and only under it", () => {
    const tone = (days: number, warnBelowDays: number) =>
      certificateShown({ expiresAtMs: NOW + days * DAY, issuer: "" }, warnBelowDays, NOW).tone;
    expect(tone(13, 14)).toBe("warn");
    expect(tone(14, 14)).toBe("default");
    expect(tone(2, 3)).toBe("warn");
    expect(tone(10, 3)).toBe("default");
  });

  it("flags an expired certificate as bad and says how long ago it expired", () => {
    const shown = certificateShown({ expiresAtMs: NOW - 3 * DAY, issuer: "" }, 14, NOW);
    expect(shown).toMatchObject({ daysLeft: "expired 3 d ago", tone: "bad", issuer: "—" });
  });
});

describe("warnBelowDaysOf", () => {
  it("starts the warning on the day of the first expiry alert (the largest threshold), or at the default when expiry alerts are off", () => {
    expect(warnBelowDaysOf([14, 3])).toBe(15);
    expect(warnBelowDaysOf([30, 7, 21])).toBe(31);
    expect(warnBelowDaysOf([])).toBe(CERT_WARN_DAYS);
    expect(warnBelowDaysOf(undefined)).toBe(CERT_WARN_DAYS);
  });
});
