import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

/** Series describes one line or band of a chart: how to read it from a point, and its colour. */
export interface Series<P> {
  label: string;
  value: (point: P) => number;
  color: string;
}

/** TimeSeriesChartProps configure the app's one chart component. */
export interface TimeSeriesChartProps<P> {
  /** Points, oldest first. */
  data: readonly P[];
  time: (point: P) => number;
  series: readonly Series<P>[];
  /** Stacked areas (a waterfall over time) or overlapping ones. */
  stacked?: boolean;
  unit?: string;
  height?: number;
  /** Fixed y range, e.g. [0, 100] for percentages. */
  domain?: [number, number];
  /** Accessible name of the chart. */
  label: string;
  formatValue?: (value: number) => string;
}

const timeFormat = (ms: number, spanMs: number) =>
  new Date(ms).toLocaleString(
    undefined,
    spanMs > 2 * 86_400_000
      ? { month: "short", day: "numeric", hour: "2-digit" }
      : { hour: "2-digit", minute: "2-digit", ...(spanMs < 600_000 && { second: "2-digit" }) },
  );

/**
 * TimeSeriesChart is the one chart every page uses (monitor phases, host CPU, memory, disks,
 * network): series are described as {label, value, color}, so pages pass configuration, not
 * chart code. Animations are off: live data arrives every few seconds.
 */
export function TimeSeriesChart<P>({
  data,
  time,
  series,
  stacked = false,
  unit = "",
  height = 220,
  domain,
  label,
  formatValue = (v) => `${Number.isInteger(v) ? v : v.toFixed(1)}${unit}`,
}: TimeSeriesChartProps<P>) {
  const rows = data.map((point) => {
    const row: Record<string, number> = { t: time(point) };
    series.forEach((s, i) => {
      row[`s${i}`] = s.value(point);
    });
    return row;
  });
  const first = rows[0]?.t ?? 0;
  const span = (rows.at(-1)?.t ?? first) - first;
  return (
    <figure aria-label={label} className="w-full">
      <ResponsiveContainer width="100%" height={height}>
        <AreaChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.12} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            tickFormatter={(ms: number) => timeFormat(ms, span)}
            stroke="currentColor"
            strokeOpacity={0.5}
            fontSize={12}
            minTickGap={40}
          />
          <YAxis
            domain={domain ?? [0, "auto"]}
            tickFormatter={formatValue}
            stroke="currentColor"
            strokeOpacity={0.5}
            fontSize={12}
            width={64}
          />
          <Tooltip
            labelFormatter={(ms) => new Date(Number(ms)).toLocaleString()}
            formatter={(value) => formatValue(Number(value))}
            contentStyle={{ fontSize: 12 }}
          />
          {/* In the order the series are given (DNS before TCP), not alphabetical. */}
          <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
          {series.map((s, i) => (
            <Area
              key={s.label}
              dataKey={`s${i}`}
              name={s.label}
              type="monotone"
              stroke={s.color}
              fill={s.color}
              fillOpacity={stacked ? 0.6 : 0.15}
              stackId={stacked ? "stack" : undefined}
              isAnimationActive={false}
              dot={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
