import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef } from 'react';
import { echarts, SERIES_COLORS } from './echarts';

/** The app's font (styles.css --font-sans): a canvas does not inherit it. */
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif';

/**
 * One chart: an ECharts canvas that follows its container's width (a phone turned, a window
 * resized). For assistive technology it is an image named by `label` and described by the table
 * of the same figures (`describedBy`), which is the chart's text alternative; `onSelect` gets the
 * index of the bar or slice clicked (the same action as the table's link, for the mouse).
 */
export function Chart({
  option,
  label,
  describedBy,
  height,
  onSelect,
}: {
  option: EChartsCoreOption;
  label: string;
  describedBy?: string | undefined;
  height: number;
  onSelect?: ((dataIndex: number) => void) | undefined;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ReturnType<typeof echarts.init> | null>(null);
  const selectRef = useRef(onSelect);
  selectRef.current = onSelect;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const chart = echarts.init(el, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.on('click', (params) => {
      if (typeof params.dataIndex === 'number') selectRef.current?.(params.dataIndex);
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(
      { color: SERIES_COLORS, textStyle: { fontFamily: FONT, color: '#15262e' }, animation: false, ...option },
      { notMerge: true },
    );
  }, [option]);

  return (
    <div
      ref={ref}
      className="stats-chart"
      role="img"
      aria-label={label}
      aria-describedby={describedBy}
      style={{ height }}
    />
  );
}
