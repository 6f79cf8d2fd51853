/** The HTML report's chart of open findings by severity over the recorded runs (`--state`). */
import { SEVERITIES, type Severity } from '../rules/types.js';
import { htmlText as h } from './escape.js';
import type { RunResult } from './run.js';

const TREND_COLOR: Record<Severity, string> = {
  critical: '#8b0000',
  high: '#cf222e',
  medium: '#9a6700',
  low: '#0969da',
  info: '#6e7781',
};

/**
 * Open findings by severity over the recorded runs (`--state`), as an inline SVG: one line per
 * severity, no script, no library, nothing fetched.
 */
export function trend(run: RunResult): string {
  const runs = run.history?.runs ?? [];
  if (runs.length === 0) return '';
  const [width, height, pad] = [640, 160, 24];
  const max = Math.max(1, ...runs.flatMap((r) => SEVERITIES.map((s) => r.open[s])));
  const x = (i: number): number => (runs.length === 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (runs.length - 1));
  const y = (n: number): number => height - pad - (n * (height - 2 * pad)) / max;
  const lines = SEVERITIES.map((s) => {
    const points = runs.map((r, i) => `${x(i).toFixed(1)},${y(r.open[s]).toFixed(1)}`).join(' ');
    return `<polyline data-severity="${s}" fill="none" stroke="${TREND_COLOR[s]}" stroke-width="2" points="${points}"><title>${s}: ${runs.map((r) => r.open[s]).join(', ')}</title></polyline>`;
  });
  const legend = SEVERITIES.map(
    (s, i) =>
      `<text x="${pad + i * 90}" y="14" fill="${TREND_COLOR[s]}" font-size="12">${s} ${runs.at(-1)?.open[s] ?? 0}</text>`,
  );
  const first = h(runs[0]?.at.slice(0, 10) ?? '');
  const last = h(runs.at(-1)?.at.slice(0, 10) ?? '');
  return `<h2>Open findings over time</h2>
<svg id="trend" role="img" aria-label="Open findings by severity over ${runs.length} run(s), ${first} to ${last}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#d0d7de"/>
<text x="${pad}" y="${height - 6}" font-size="11">${first}</text><text x="${width - pad}" y="${height - 6}" font-size="11" text-anchor="end">${last}</text>
<text x="2" y="${pad + 4}" font-size="11">${max}</text>
${legend.join('')}
${lines.join('\n')}
</svg>
`;
}
