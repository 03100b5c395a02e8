import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * Apache ECharts, only the parts the dashboard draws (bars, lines, a pie; axes, legend, tooltip,
 * zoom) on a canvas — imported by the dashboard's lazily loaded chunk alone, never by the portal.
 */
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

export { echarts };

/**
 * The series colours: distinct for the colour-blind (Okabe–Ito order, darkened to ≥ 3:1 on white)
 * — and never the only cue: every chart has its table of figures next to it.
 */
export const SERIES_COLORS = ['#0f6b80', '#c86a00', '#6a4c93', '#1d6b37', '#b3261e', '#5e707a', '#8a5a00', '#0b4a5e'];
