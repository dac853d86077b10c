import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

// Only the pieces these charts use, so the bundle carries no other chart types.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface Series {
  label: string;
  values: Array<number | null>;
  color: string;
}

export const COLORS = { delivered: '#2e7d32', failed: '#c62828', retries: '#ef6c00', deferred: '#6d6d6d', p50: '#1565c0', p95: '#6a1b9a' };

/**
 * A Chart.js chart on a canvas. Chart.js draws on the canvas and sizes it through the style object,
 * which a `style-src 'self'` policy allows (it forbids only inline style attributes and <style> tags).
 * `summary` is the text a screen reader gets instead of the picture.
 */
export function TimeChart(props: { kind: 'bar' | 'line'; labels: string[]; series: Series[]; summary: string; yTitle: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart | null>(null);

  useEffect(() => {
    if (!canvas.current) return undefined;
    const config: ChartConfiguration = {
      type: props.kind,
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { stacked: props.kind === 'bar', ticks: { maxTicksLimit: 12, autoSkip: true } },
          y: { stacked: props.kind === 'bar', beginAtZero: true, title: { display: true, text: props.yTitle }, ticks: { precision: 0 } },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    };
    chart.current = new Chart(canvas.current, config);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [props.kind, props.yTitle]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = props.labels;
    c.data.datasets = props.series.map((s) => ({
      label: s.label,
      data: s.values,
      backgroundColor: s.color,
      borderColor: s.color,
      pointRadius: props.kind === 'line' ? 2 : 0,
      borderWidth: props.kind === 'line' ? 2 : 0,
      spanGaps: true,
    }));
    c.update();
  }, [props.labels, props.series, props.kind]);

  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={props.summary} data-testid={props.testId} />
    </div>
  );
}
