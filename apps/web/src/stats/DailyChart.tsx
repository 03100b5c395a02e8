import type { PublicStatsDay } from '@tiemchung/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what this chart draws (stacked bars, axes, legend, tooltip) on a canvas: this module is its
// own chunk, loaded after the page's figures and table are on the screen.
echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The app's font (styles.css --font-sans): a canvas does not inherit it. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';
/** First, second, later doses: distinct for the colour-blind and ≥ 3:1 on white. */
const COLORS = ['#0f6b80', '#c86a00', '#6a4c93'];

/**
 * Doses per day as stacked bars (first, second, later doses); a hidden (suppressed) day is a gap.
 * An image for assistive technology, named by `label` and described by the table of the same
 * figures (`describedBy`).
 */
export default function DailyChart({
  days,
  names,
  label,
  describedBy,
  locale,
}: {
  days: readonly PublicStatsDay[];
  names: { first: string; second: string; later: string };
  label: string;
  describedBy: string;
  locale: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const number = new Intl.NumberFormat(locale);
    const series = (name: string, pick: (d: PublicStatsDay) => number | null) => ({
      name,
      type: 'bar' as const,
      stack: 'doses',
      barMaxWidth: 24,
      data: days.map((d) => pick(d) ?? '-'),
    });
    chartRef.current?.setOption(
      {
        color: COLORS,
        textStyle: { fontFamily: FONT, color: '#15262e' },
        animation: false,
        grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
        legend: { top: 0 },
        tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? number.format(v) : '—') },
        xAxis: {
          type: 'category',
          data: days.map((d) => d.date.split('-').reverse().join('/')),
          axisLabel: { hideOverlap: true },
        },
        yAxis: { type: 'value', axisLabel: { formatter: (v: number) => number.format(v) } },
        series: [
          series(names.first, (d) => d.firstDoses),
          series(names.second, (d) => d.secondDoses),
          series(names.later, (d) => d.laterDoses),
        ],
      },
      { notMerge: true },
    );
  }, [days, names, locale]);

  return <div ref={ref} className="pstats-chart" role="img" aria-label={label} aria-describedby={describedBy} />;
}
