/**
 * @fileoverview A line plot as a standalone SVG file, for bench reports: one line per series over
 * shared x values, y from 0, a legend. Written here rather than taken from npm because it is this
 * small, has no layout engine to configure, and gives byte-for-byte the same file for the same
 * numbers (reports are committed and diffed).
 */

export interface Series {
  name: string;
  /** One value per x; NaN leaves a gap (a run that failed or timed out). */
  ys: number[];
}

export interface LinePlot {
  title: string;
  xLabel: string;
  yLabel: string;
  xs: number[];
  series: Series[];
}

const W = 640, H = 400;
const M = { left: 70, right: 150, top: 40, bottom: 50 };
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** A round step for about `ticks` intervals up to `max`. */
function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
}

export function linePlotSvg(plot: LinePlot): string {
  const values = plot.series.flatMap((s) => s.ys).filter((v) => Number.isFinite(v));
  const step = niceStep(Math.max(...values, 1e-9), 5);
  const yMax = Math.ceil(Math.max(...values, 1e-9) / step) * step;
  const plotW = W - M.left - M.right, plotH = H - M.top - M.bottom;
  const x = (i: number): number => M.left + (plot.xs.length === 1 ? plotW / 2 : (i * plotW) / (plot.xs.length - 1));
  const y = (v: number): number => M.top + plotH - (v / yMax) * plotH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(plot.title)}</text>`);
  for (let v = 0; v <= yMax + step / 2; v += step) {
    out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${M.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`);
  }
  plot.xs.forEach((xv, i) => out.push(`<text x="${x(i).toFixed(1)}" y="${M.top + plotH + 18}" text-anchor="middle">${xv}</text>`));
  out.push(`<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${M.top + plotH}" stroke="black"/>`);
  out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${M.top + plotH}" y2="${M.top + plotH}" stroke="black"/>`);
  out.push(`<text x="${M.left + plotW / 2}" y="${H - 10}" text-anchor="middle">${esc(plot.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(plot.yLabel)}</text>`);
  plot.series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    // Runs of finite points become polylines; a NaN breaks the line.
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${run.join(' ')}"/>`);
      run = [];
    };
    s.ys.forEach((v, i) => {
      if (!Number.isFinite(v)) { flush(); return; }
      run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      out.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"/>`);
    });
    flush();
    const ly = M.top + 10 + k * 18;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<text x="${W - M.right + 38}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
