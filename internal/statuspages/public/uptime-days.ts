import type { DayCell } from "./model.js";

/** BAR_DAYS is how many UTC days a monitor's uptime bar shows, today included. */
export const BAR_DAYS = 90;

const DAY_MS = 86_400_000;

/** barStart is 00:00 UTC of the bar's first day at now: the rollups to read start there. */
export function barStart(now: Date): Date {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  return new Date(today - (BAR_DAYS - 1) * DAY_MS);
}

/** DayTotals are one monitor's rollups of one UTC day, as the query sums them. */
export interface DayTotals {
  day: string;
  checks: number;
  failures: number;
  maintenanceChecks: number;
}

/**
 * dayCells lays a monitor's daily totals out as the bar's BAR_DAYS cells, oldest first; a day
 * without a row is a cell without checks ("no data").
 */
export function dayCells(totals: readonly DayTotals[], now: Date): DayCell[] {
  const byDay = new Map(totals.map((t) => [t.day, t]));
  const start = barStart(now).getTime();
  const cells: DayCell[] = [];
  for (let i = 0; i < BAR_DAYS; i++) {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    const found = byDay.get(day);
    cells.push({
      day,
      checks: found?.checks ?? 0,
      failures: found?.failures ?? 0,
      maintenanceChecks: found?.maintenanceChecks ?? 0,
    });
  }
  return cells;
}

/** uptimePercent is the share of checks up, in percent; null without checks. */
export function uptimePercent(checks: number, failures: number): number | null {
  return checks > 0 ? ((checks - failures) / checks) * 100 : null;
}

/** overallUptime is the uptime over all the cells' checks. */
export function overallUptime(cells: readonly DayCell[]): number | null {
  let checks = 0;
  let failures = 0;
  for (const cell of cells) {
    checks += cell.checks;
    failures += cell.failures;
  }
  return uptimePercent(checks, failures);
}

/**
 * formatPercent writes an uptime without rounding a failure away: 99.999… shows as 99.99,
 * never 100, so "100 %" means no failed check at all.
 */
export function formatPercent(percent: number): string {
  if (percent >= 100) return "100";
  return (Math.floor(percent * 100) / 100).toFixed(2);
}

/** uptimeClass is the colour class of a cell or figure: u0 (no data) to u4 (all up). */
export function uptimeClass(percent: number | null): string {
  if (percent === null) return "u0";
  if (percent >= 100) return "u4";
  if (percent >= 99) return "u3";
  if (percent >= 95) return "u2";
  return "u1";
}
