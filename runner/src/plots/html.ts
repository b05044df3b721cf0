/** One rendered plot for the HTML page. */
export interface HtmlPlot {
  readonly title: string;
  /** The spec's path, shown under the plot. */
  readonly source: string;
  readonly svg: string;
}

/**
 * A self-contained page with every plot as inline SVG: no scripts, no network, so it opens from
 * a CI artifact or a file:// URL and diffs cleanly between runs.
 */
export function plotsHtml(heading: string, plots: readonly HtmlPlot[]): string {
  const figures = plots
    .map(
      (plot) =>
        `<figure>\n<figcaption>${escapeHtml(plot.title)}</figcaption>\n${stripXmlProlog(plot.svg)}\n<p class="source">${escapeHtml(plot.source)}</p>\n</figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(heading)}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; background: #fff; color: #222; }
figure { display: inline-block; vertical-align: top; margin: 0 2rem 2rem 0; }
figcaption { font-weight: bold; margin-bottom: .5rem; }
.source { color: #666; font-size: .8rem; }
</style>
</head>
<body>
<h1>${escapeHtml(heading)}</h1>
${figures}
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '');
}
