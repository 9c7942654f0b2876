import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export type Series = { label: string; values: (number | null)[]; color: string; bars?: boolean };

/**
 * A uPlot chart (canvas) with its numbers beside it in a table for keyboard and screen-reader users: a canvas alone
 * says nothing to them.
 */
export function Chart({ title, x, series, xIsTime = true, yLabel }: { title: string; x: number[]; series: Series[]; xIsTime?: boolean; yLabel: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current || x.length === 0) return;
    const dataLo = Math.min(...x);
    const dataHi = Math.max(...x);
    const pad = xIsTime ? 1800 : 1;
    const width = Math.max(280, Math.min(720, ref.current.clientWidth || 640));
    const plot = new uPlot(
      {
        width,
        height: 220,
        // Points all within a minute (or one point, which uPlot widens to 86400 / 1e-3 s ≈ 1000 days on a seconds
        // time scale) would span years: pad the data to a readable window instead; wider data keeps uPlot's range.
        scales: { x: { time: xIsTime, range: (_u, min, max) => (dataHi - dataLo < 60 ? [dataLo - pad, dataHi + pad] : [min, max]) } },
        axes: [{ stroke: "#1a1a1a", grid: { stroke: "#d0d0d0" } }, { stroke: "#1a1a1a", grid: { stroke: "#d0d0d0" }, label: yLabel }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 2,
            fill: s.bars ? `${s.color}55` : undefined,
            paths: s.bars ? uPlot.paths.bars!({ size: [0.6, 40] }) : undefined,
            points: { show: x.length < 40 },
          })),
        ],
      },
      [x, ...series.map((s) => s.values)] as uPlot.AlignedData,
      ref.current,
    );
    return () => plot.destroy();
  }, [x, series, xIsTime, yLabel]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {x.length === 0 ? <p className="muted">No data yet.</p> : <div ref={ref} role="img" aria-label={`${title}: ${x.length} points; the table below lists them`} />}
      {x.length > 0 && (
        <details>
          <summary>Data table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">{xIsTime ? "time (UTC)" : "x"}</th>
                {series.map((s) => (
                  <th scope="col" key={s.label}>
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {x.map((xv, i) => (
                <tr key={i}>
                  <td>{xIsTime ? new Date(xv * 1000).toISOString().replace(".000Z", "Z") : xv}</td>
                  {series.map((s) => (
                    <td key={s.label}>{s.values[i] ?? "—"}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}

/**
 * One series over a list of rows, x and y read from each row: what every page's chart is. The accessors are read
 * when `rows` changes (pages pass inline functions; re-drawing the canvas on every render would be waste).
 */
export function RowsChart<T>(props: { title: string; rows: readonly T[]; x: (row: T) => number; y: (row: T) => number | null; label: string; color: string; bars?: boolean; xIsTime?: boolean; yLabel: string }) {
  const { rows } = props;
  const x = useMemo(() => rows.map(props.x), [rows]);
  const series = useMemo(() => [{ label: props.label, values: rows.map(props.y), color: props.color, bars: props.bars ?? false }], [rows]);
  return <Chart title={props.title} x={x} series={series} xIsTime={props.xIsTime ?? true} yLabel={props.yLabel} />;
}
