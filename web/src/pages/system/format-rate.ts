/**
 * rate formats a rate per second so that a slow one still shows: 0/s, 0.017/s, 0.10/s, 2.5/s,
 * 140/s (one monitor checked every minute is 0.017 checks a second, not "0.0").
 */
export function rate(perSecond: number): string {
  if (perSecond === 0) return "0/s";
  if (perSecond < 0.1) return `${perSecond.toFixed(3)}/s`;
  if (perSecond < 10) return `${perSecond.toFixed(2)}/s`;
  return `${perSecond.toFixed(perSecond < 100 ? 1 : 0)}/s`;
}
