import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Renders a Vega-Lite spec to an SVG string in Node: vega's headless View with renderer 'none'
 * needs no DOM and no canvas (text widths are estimated), so the SVG can be inlined into an offline
 * HTML file. The spec's data must be inline values.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A self-contained page: inline CSS, inline SVG, no script, no external URL. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}.chart{overflow-x:auto;margin:8px 0}
.status{padding:8px 12px;border-radius:6px;font-weight:600;display:inline-block}
.pass{background:#dafbe1}.regressed,.forbidden,.harness-failure{background:#ffebe9}.inconclusive,.interrupted{background:#fff8c5}
.muted{color:#656d76;font-size:12px}
</style></head><body>
${body}
</body></html>
`;
}
