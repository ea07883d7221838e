// A tiny SVG writer for the RTT chart: one panel per payload, one row per
// placement and variant, a box from p25 to p75, whiskers from p5 to p95, a
// tick at the median and a dot at the minimum, on a shared logarithmic axis.

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function formatUs(us) {
  if (us >= 1000) return `${Number((us / 1000).toPrecision(3))} ms`;
  return `${Number(us.toPrecision(3))} µs`;
}

/**
 * panels: [{ title, rows: [{ label, group, variantIndex, faded, stats: {min,p5,p25,median,p75,p95} | null, note }] }]
 * (a thin line separates rows of different groups)
 */
export function rttChart({ title, subtitle, panels }) {
  const width = 960;
  const labelW = 300;
  const right = 30;
  const rowH = 18;
  const panelGap = 38;
  const plotW = width - labelW - right;

  let lo = Infinity;
  let hi = -Infinity;
  for (const p of panels) {
    for (const r of p.rows) {
      if (!r.stats) continue;
      lo = Math.min(lo, r.stats.min);
      hi = Math.max(hi, r.stats.p95);
    }
  }
  if (!Number.isFinite(lo)) {
    lo = 1;
    hi = 10;
  }
  const decLo = Math.floor(Math.log10(Math.max(lo, 1)));
  const decHi = Math.ceil(Math.log10(Math.max(hi, 10)));
  const x = (us) => labelW + ((Math.log10(Math.max(us, 10 ** decLo)) - decLo) / (decHi - decLo)) * plotW;

  const out = [];
  let y = 56;
  for (const panel of panels) {
    out.push(`<text x="10" y="${y}" class="panel">${esc(panel.title)}</text>`);
    y += 10;
    const plotTop = y;
    let group = null;
    for (const row of panel.rows) {
      if (group !== null && row.group !== group) {
        out.push(`<line x1="10" x2="${width - right}" y1="${y + 3}" y2="${y + 3}" class="sep"/>`);
        y += 6;
      }
      group = row.group;
      const cy = y + rowH / 2;
      const color = COLORS[row.variantIndex % COLORS.length];
      out.push(`<text x="${labelW - 8}" y="${cy + 4}" class="label" text-anchor="end">${esc(row.label)}</text>`);
      if (row.stats) {
        const s = row.stats;
        out.push(
          `<line x1="${x(s.p5).toFixed(1)}" x2="${x(s.p95).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="${color}" stroke-width="1.5"/>`,
          `<rect x="${x(s.p25).toFixed(1)}" y="${cy - 6}" width="${Math.max(1, x(s.p75) - x(s.p25)).toFixed(1)}" height="12" fill="${color}" fill-opacity="${row.faded ? 0.35 : 0.75}" stroke="${color}"/>`,
          `<line x1="${x(s.median).toFixed(1)}" x2="${x(s.median).toFixed(1)}" y1="${cy - 8}" y2="${cy + 8}" stroke="#000" stroke-width="2"/>`,
          `<circle cx="${x(s.min).toFixed(1)}" cy="${cy}" r="2.5" fill="#000"/>`,
          `<text x="${(x(s.p95) + 6).toFixed(1)}" y="${cy + 4}" class="value">${esc(formatUs(s.median))}</text>`,
        );
      } else {
        out.push(`<text x="${labelW + 6}" y="${cy + 4}" class="value">${esc(row.note ?? "not measured")}</text>`);
      }
      y += rowH;
    }
    // decade grid for this panel
    for (let d = decLo; d <= decHi; d++) {
      const gx = x(10 ** d).toFixed(1);
      out.push(`<line x1="${gx}" x2="${gx}" y1="${plotTop}" y2="${y}" class="grid"/>`);
      out.push(`<text x="${gx}" y="${y + 12}" class="axis" text-anchor="middle">${esc(formatUs(10 ** d))}</text>`);
    }
    y += panelGap;
  }
  const height = y;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<style>
  .title { font-size: 16px; font-weight: bold; }
  .subtitle { font-size: 11px; fill: #444; }
  .panel { font-size: 13px; font-weight: bold; }
  .label { font-size: 11px; }
  .value { font-size: 10px; fill: #333; }
  .axis { font-size: 10px; fill: #555; }
  .grid { stroke: #ccc; stroke-width: 1; }
  .sep { stroke: #eee; stroke-width: 1; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="20" class="title">${esc(title)}</text>
<text x="10" y="38" class="subtitle">${esc(subtitle)}</text>
${out.join("\n")}
</svg>
`;
}
