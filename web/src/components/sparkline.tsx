/** SparklineProps are a sparkline's points and size. */
export interface SparklineProps {
  /** Points, oldest first, evenly spaced; null is a gap (no data for that step). */
  values: readonly (number | null)[];
  /** Accessible description, e.g. "Latency over 24 h, latest 120 ms". */
  label: string;
  width?: number;
  height?: number;
  className?: string;
}

/**
 * Sparkline is a tiny inline SVG line, for trends in a list row where a full chart (and
 * Recharts' cost per instance) would be too much. Gaps break the line; a lone point is a dot.
 */
export function Sparkline({
  values,
  label,
  width = 96,
  height = 24,
  className = "",
}: SparklineProps) {
  const present = values.filter((v): v is number => v !== null);
  const max = Math.max(...present, 0);
  const min = Math.min(...present, max);
  const span = max - min || 1;
  const pad = 2;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  const x = (i: number) => pad + i * step;
  const y = (v: number) => height - pad - ((v - min) / span) * (height - 2 * pad);

  // One path with a move-to after every gap.
  const segments: { x: number; y: number }[][] = [];
  let current: { x: number; y: number }[] = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) segments.push(current);
      current = [];
    } else current.push({ x: x(i), y: y(v) });
  });
  if (current.length > 0) segments.push(current);

  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className={`overflow-visible text-indigo-500 dark:text-indigo-400 ${className}`}
    >
      <title>{label}</title>
      {segments.map((points) =>
        points.length === 1 ? (
          <circle
            key={`${points[0]?.x}`}
            cx={points[0]?.x}
            cy={points[0]?.y}
            r={1.5}
            fill="currentColor"
          />
        ) : (
          <polyline
            key={`${points[0]?.x}`}
            points={points.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}
            fill="none"
            stroke="currentColor"
            strokeWidth={1.5}
            strokeLinejoin="round"
            strokeLinecap="round"
          />
        ),
      )}
    </svg>
  );
}
