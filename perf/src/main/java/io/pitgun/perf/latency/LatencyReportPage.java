package io.pitgun.perf.latency;

import java.util.List;

/**
 * A self-contained HTML page (no scripts, no external resources) with the percentile plot of several latency
 * distributions side by side and a table of their headline percentiles.
 */
public final class LatencyReportPage
{
    private static final double[] PERCENTILES = {0.5, 0.9, 0.99, 0.999, 0.9999};
    private static final String[] HEADERS = {"p50", "p90", "p99", "p99.9", "p99.99"};

    private LatencyReportPage()
    {
    }

    /**
     * @param title  the page's title.
     * @param series the distributions, plotted together and tabulated.
     * @param unit   the values' unit.
     * @return the HTML page.
     */
    public static String render(final String title, final List<PercentileDistribution> series, final String unit)
    {
        final StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .append(PercentilePlotSvg.escape(title)).append("</title>\n<style>\n")
            .append("body { font-family: sans-serif; margin: 24px; color: #222; }\n")
            .append("table { border-collapse: collapse; margin-top: 16px; }\n")
            .append("th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }\n")
            .append("th:first-child, td:first-child { text-align: left; }\n")
            .append("</style>\n</head>\n<body>\n<h1>").append(PercentilePlotSvg.escape(title)).append("</h1>\n");
        html.append(PercentilePlotSvg.render("Latency by percentile", series, unit));
        html.append("<table>\n<tr><th>series</th><th>count</th>");
        for (final String header : HEADERS)
        {
            html.append("<th>").append(header).append("</th>");
        }
        html.append("<th>max</th></tr>\n");
        for (int s = 0; s < series.size(); s++)
        {
            final PercentileDistribution d = series.get(s);
            html.append("<tr><td><span style=\"color:").append(PercentilePlotSvg.COLORS[s % PercentilePlotSvg.COLORS.length])
                .append("\">&#9632;</span> ").append(PercentilePlotSvg.escape(d.name())).append("</td><td>")
                .append(d.totalCount()).append("</td>");
            for (final double p : PERCENTILES)
            {
                html.append("<td>").append(PercentilePlotSvg.number(d.valueAt(p))).append("</td>");
            }
            html.append("<td>").append(PercentilePlotSvg.number(d.maxValue())).append("</td></tr>\n");
        }
        html.append("</table>\n<p>Values in ").append(PercentilePlotSvg.escape(unit))
            .append(". Percentile axis: log10(1/(1&minus;p)), as HdrHistogram's plotter draws it. A percentile in ")
            .append("the table is the first row of the file's distribution at or above it.</p>\n")
            .append("</body>\n</html>\n");
        return html.toString();
    }
}
