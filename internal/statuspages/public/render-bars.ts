import { escapeHtml } from "./escape.js";
import type { DayCell } from "./model.js";
import { formatPercent, uptimeClass, uptimePercent } from "./uptime-days.js";

/** dayLabel is a cell's figures in words: its title (hover) and aria-label (focus). */
export function dayLabel(cell: DayCell): string {
  const uptime = uptimePercent(cell.checks, cell.failures);
  const maintenance =
    cell.maintenanceChecks > 0 ? `, ${cell.maintenanceChecks} in maintenance (not counted)` : "";
  if (uptime === null) {
    return cell.maintenanceChecks > 0
      ? `${cell.day}: maintenance, ${cell.maintenanceChecks} checks (not counted)`
      : `${cell.day}: no data`;
  }
  return `${cell.day}: ${formatPercent(uptime)}% up, ${cell.checks} checks, ${cell.failures} failed${maintenance}`;
}

/**
 * renderBar is a monitor's 90-day bar: one focusable cell per day, coloured by its uptime,
 * saying its figures on hover (title), to a screen reader (a title is the accessible name of an
 * element without another) and on keyboard focus (the stylesheet shows the title). The markup
 * is as short as valid HTML allows: 100 monitors are 9,000 cells, and each byte of a cell is
 * 9 KB of the page (the label written twice, with explicit roles, made the page 1.5 MB).
 */
export function renderBar(cells: readonly DayCell[], monitorName: string): string {
  let out = `<ul class="bar" aria-label="${escapeHtml(monitorName)}: uptime per day, last ${cells.length} days">`;
  for (const cell of cells) {
    const cls = uptimeClass(uptimePercent(cell.checks, cell.failures));
    out += `<li class=${cls} tabindex=0 title="${dayLabel(cell)}"></li>`;
  }
  return `${out}</ul>`;
}

const SPARK_WIDTH = 240;
const SPARK_HEIGHT = 36;

/**
 * renderSparkline draws hourly response times as an inline SVG line (no chart library, no
 * script): hours without a response break the line. Its <title> gives the figures in words.
 */
export function renderSparkline(values: readonly (number | null)[], monitorName: string): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return `<p class="meta">No response times in the last 24 hours.</p>`;
  const max = Math.max(...known, 1);
  const step = SPARK_WIDTH / Math.max(values.length - 1, 1);
  const lines: string[] = [];
  let points: string[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (points.length) lines.push(points.join(" "));
      points = [];
      return;
    }
    const y = SPARK_HEIGHT - 2 - (v / max) * (SPARK_HEIGHT - 4);
    points.push(`${(i * step).toFixed(1)},${y.toFixed(1)}`);
  });
  if (points.length) lines.push(points.join(" "));
  const avg = known.reduce((a, b) => a + b, 0) / known.length;
  const title = `${monitorName}: response time over 24 hours, average ${Math.round(avg)} ms, highest ${Math.round(max)} ms`;
  const polylines = lines
    .map((p) => (p.includes(" ") ? `<polyline points="${p}"/>` : `<polyline points="${p} ${p}"/>`))
    .join("");
  return `<svg class="spark" viewBox="0 0 ${SPARK_WIDTH} ${SPARK_HEIGHT}" preserveAspectRatio="none" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${polylines}</svg>`;
}
