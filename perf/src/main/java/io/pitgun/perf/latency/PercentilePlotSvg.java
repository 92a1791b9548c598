package io.pitgun.perf.latency;

import java.util.List;
import java.util.Locale;

/**
 * Draws percentile distributions as an SVG line chart the way HdrHistogram's plotter does: the x axis is
 * {@code log10(1 / (1 - percentile))}, labelled 0%, 50%, 90%, 99%, 99.9%, ...; the y axis is latency (linear).
 * The maximum (percentile 1, which is infinitely far on that axis) is drawn at the right edge.
 */
public final class PercentilePlotSvg
{
    static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
        "#17becf"};
    private static final int WIDTH = 960;
    private static final int HEIGHT = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 230;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private PercentilePlotSvg()
    {
    }

    /**
     * @param title  the plot's title.
     * @param series the distributions, one line each.
     * @param unit   the values' unit, named on the y axis.
     * @return the SVG element (a standalone document).
     */
    public static String render(final String title, final List<PercentileDistribution> series, final String unit)
    {
        final int decades = decades(series);
        final double yMax = niceCeiling(maxValue(series));
        final StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" " +
            "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
            LEFT, escape(title)));

        // Grid and x labels: one per decade of 1/(1-p), plus the median.
        for (int d = 0; d <= decades; d++)
        {
            xTick(svg, d, decades, percentileLabel(d));
        }
        xTick(svg, Math.log10(2), decades, "50%");
        for (int i = 0; i <= 5; i++)
        {
            final double value = yMax * i / 5;
            final double y = y(value, yMax);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                LEFT, y, WIDTH - RIGHT, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                LEFT - 6, y + 4, number(value)));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" " +
            "stroke=\"#333\"/>%n", LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 15));
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(20 %d) rotate(-90)\" " +
            "text-anchor=\"middle\">latency (%s)</text>%n", (TOP + HEIGHT - BOTTOM) / 2, escape(unit)));

        for (int s = 0; s < series.size(); s++)
        {
            final PercentileDistribution d = series.get(s);
            final String color = COLORS[s % COLORS.length];
            svg.append("<polyline class=\"series\" data-series=\"").append(escape(d.name()))
                .append("\" fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"");
            for (final PercentileDistribution.Point p : d.points())
            {
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(xOf(p.percentile(), decades), decades),
                    y(p.value(), yMax)));
            }
            svg.append("\"/>\n");
            final int ly = TOP + 10 + 20 * s;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" " +
                "stroke-width=\"3\"/>%n", WIDTH - RIGHT + 15, ly, WIDTH - RIGHT + 35, ly, color));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 40, ly + 4,
                escape(d.name())));
        }
        return svg.append("</svg>\n").toString();
    }

    /** "0%", "90%", "99%", "99.9%", ... for decade {@code d} of 1/(1-p). */
    static String percentileLabel(final int d)
    {
        if (d == 0)
        {
            return "0%";
        }
        if (d <= 2)
        {
            return d == 1 ? "90%" : "99%";
        }
        return "99." + "9".repeat(d - 2) + "%";
    }

    private static void xTick(final StringBuilder svg, final double xValue, final int decades, final String label)
    {
        final double x = x(xValue, decades);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
            x, TOP, x, HEIGHT - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<text class=\"x-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s" +
            "</text>%n", x, HEIGHT - BOTTOM + 18, label));
    }

    /** Decades the x axis spans: enough for the highest finite percentile of any series, at least 99.9%. */
    private static int decades(final List<PercentileDistribution> series)
    {
        double max = 3;
        for (final PercentileDistribution d : series)
        {
            for (final PercentileDistribution.Point p : d.points())
            {
                if (p.percentile() < 1)
                {
                    max = Math.max(max, Math.log10(1 / (1 - p.percentile())));
                }
            }
        }
        return (int)Math.ceil(max - 1e-9);
    }

    private static double xOf(final double percentile, final int decades)
    {
        return percentile >= 1 ? decades : Math.min(decades, Math.log10(1 / (1 - percentile)));
    }

    private static double x(final double xValue, final int decades)
    {
        return LEFT + (WIDTH - LEFT - RIGHT) * xValue / decades;
    }

    private static double y(final double value, final double yMax)
    {
        return HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * value / yMax;
    }

    private static double maxValue(final List<PercentileDistribution> series)
    {
        double max = 0;
        for (final PercentileDistribution d : series)
        {
            max = Math.max(max, d.maxValue());
        }
        return max;
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    static double niceCeiling(final double value)
    {
        if (!(value > 0))
        {
            return 1;
        }
        final double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (final double step : new double[] {1, 2, 5, 10})
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String number(final double value)
    {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%,.0f", value) :
            String.format(Locale.ROOT, "%,.1f", value);
    }

    static String escape(final String text)
    {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
