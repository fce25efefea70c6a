import { describe, expect, it } from "vitest";
import { dayLabel, renderBar } from "./render-bars.js";
import { BAR_DAYS, dayCells, formatPercent, overallUptime, uptimeClass } from "./uptime-days.js";

const now = new Date("2026-12-06T17:00:00Z");

describe("the 90-day bar", () => {
  it("has one cell per UTC day, oldest first, ending today", () => {
    const cells = dayCells([], now);
    expect(cells).toHaveLength(BAR_DAYS);
    expect(cells[0]?.day).toBe("2026-09-08");
    expect(cells[BAR_DAYS - 1]?.day).toBe("2026-12-06");
  });

  it("puts each day's totals in its cell and leaves days without rows empty", () => {
    const cells = dayCells(
      [
        { day: "2026-12-05", checks: 1440, failures: 3, maintenanceChecks: 0 },
        { day: "2026-12-06", checks: 100, failures: 0, maintenanceChecks: 20 },
      ],
      now,
    );
    expect(cells[BAR_DAYS - 2]).toMatchObject({ checks: 1440, failures: 3 });
    expect(cells[BAR_DAYS - 3]).toMatchObject({ checks: 0, failures: 0 });
    expect(overallUptime(cells)).toBeCloseTo((1537 / 1540) * 100, 6);
  });

  it("never rounds a failure up to 100 %", () => {
    expect(formatPercent(99.9999)).toBe("99.99");
    expect(formatPercent(100)).toBe("100");
    expect(uptimeClass(99.9999)).toBe("u3");
    expect(uptimeClass(100)).toBe("u4");
    expect(uptimeClass(null)).toBe("u0");
    expect(uptimeClass(50)).toBe("u1");
  });

  it("labels a day's figures, its maintenance apart, and a day without checks as no data", () => {
    expect(dayLabel({ day: "2026-12-05", checks: 1440, failures: 3, maintenanceChecks: 0 })).toBe(
      "2026-12-05: 99.79% up, 1440 checks, 3 failed",
    );
    expect(dayLabel({ day: "2026-12-06", checks: 100, failures: 0, maintenanceChecks: 20 })).toBe(
      "2026-12-06: 100% up, 100 checks, 0 failed, 20 in maintenance (not counted)",
    );
    expect(dayLabel({ day: "2026-12-04", checks: 0, failures: 0, maintenanceChecks: 0 })).toBe(
      "2026-12-04: no data",
    );
    expect(dayLabel({ day: "2026-12-03", checks: 0, failures: 0, maintenanceChecks: 9 })).toBe(
      "2026-12-03: maintenance, 9 checks (not counted)",
    );
  });

  it("renders each cell focusable, its words in its title", () => {
    const html = renderBar(
      [{ day: "2026-12-05", checks: 10, failures: 5, maintenanceChecks: 0 }],
      'API <"x">',
    );
    expect(html).toContain('aria-label="API &lt;&quot;x&quot;&gt;: uptime per day, last 1 days"');
    expect(html).toContain(
      '<li class=u1 tabindex=0 title="2026-12-05: 50.00% up, 10 checks, 5 failed"></li>',
    );
  });
});
