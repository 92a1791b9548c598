package io.pitgun.perf.wrk;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A {@link GatewayWrkMain} summary of more than two servers, each named by the {@code # labels KEY=NAME, ...} line
 * and measured at the same points (the TLS run: the gateway with the JDK's provider, with OpenSSL, and without TLS):
 * per point every server's requests/s and latency percentiles side by side, each server's requests/s against the
 * last one's (the baseline) and against each server before it, non-2xx answers and the journal check; then the same
 * ratios, point by point, in words. Pure: text in, Markdown out.
 */
final class GatewayWrkComparison
{
    private GatewayWrkComparison()
    {
    }

    /**
     * The block's Markdown.
     *
     * @param settings the summary's settings line, or null.
     * @param labels   server key to its name in headings, in the summary's order; the last is the baseline.
     * @param runs     every run of the summary.
     * @throws IllegalArgumentException when no point was measured on every labelled server.
     */
    static String render(final String settings, final Map<String, String> labels, final List<GatewayWrkTable.Run> runs)
    {
        final List<String> keys = new ArrayList<>(labels.keySet());
        final Map<String, Map<String, GatewayWrkTable.Run>> byPoint = new HashMap<>();
        final List<String> pointOrder = new ArrayList<>();
        for (final GatewayWrkTable.Run run : runs)
        {
            final String point = run.point();
            if (!byPoint.containsKey(point))
            {
                pointOrder.add(point);
            }
            byPoint.computeIfAbsent(point, p -> new HashMap<>()).put(run.server(), run);
        }
        final List<Map<String, GatewayWrkTable.Run>> points = new ArrayList<>();
        for (final String point : pointOrder)
        {
            if (byPoint.get(point).keySet().containsAll(keys))
            {
                points.add(byPoint.get(point));
            }
        }
        if (points.isEmpty())
        {
            throw new IllegalArgumentException("no point measured on every server of the labels line " + keys);
        }
        final List<int[]> pairs = pairs(keys.size());
        final StringBuilder sb = new StringBuilder();
        if (settings != null)
        {
            sb.append("Settings: ").append(settings).append(".\n\n");
        }
        final StringBuilder header = new StringBuilder("| frames/envelope | connections |");
        final StringBuilder align = new StringBuilder("|---:|---:|");
        for (final String key : keys)
        {
            header.append(' ').append(labels.get(key)).append(" req/s |");
            align.append("---:|");
        }
        for (final int[] pair : pairs)
        {
            header.append(' ').append(keys.get(pair[0])).append(" / ").append(keys.get(pair[1])).append(" |");
            align.append("---:|");
        }
        for (final String key : keys)
        {
            header.append(' ').append(labels.get(key)).append(" p50 / p99 / p99.9 |");
            align.append("---:|");
        }
        header.append(" non-2xx ").append(String.join(" / ", keys)).append(" | journaled ≥ acknowledged ")
            .append(String.join(" / ", keys)).append(" |");
        align.append("---:|---|");
        sb.append(header).append('\n').append(align).append('\n');
        for (final Map<String, GatewayWrkTable.Run> point : points)
        {
            final GatewayWrkTable.Run first = point.get(keys.get(0));
            sb.append("| ").append(first.frames()).append(" | ").append(first.connections()).append(" |");
            for (final String key : keys)
            {
                sb.append(' ').append(GatewayWrkTable.rate(point.get(key).wrk().requestsPerSecond())).append(" |");
            }
            for (final int[] pair : pairs)
            {
                sb.append(' ').append(GatewayWrkTable.percent(ratio(point, keys, pair))).append(" |");
            }
            for (final String key : keys)
            {
                sb.append(' ').append(GatewayWrkTable.latencies(point.get(key).wrk())).append(" |");
            }
            final StringJoiner errors = new StringJoiner(" / ");
            final StringJoiner journal = new StringJoiner(" / ");
            for (final String key : keys)
            {
                final GatewayWrkTable.Run run = point.get(key);
                errors.add(GatewayWrkTable.errors(run.wrk()) +
                    (run.rejections().equals("none") ? "" : " (" + run.rejections() + ")"));
                journal.add(GatewayWrkTable.journal(run));
            }
            sb.append(' ').append(errors).append(" | ").append(journal).append(" |\n");
        }
        sb.append('\n');
        for (final int[] pair : pairs)
        {
            final StringJoiner cost = new StringJoiner("; ");
            for (final Map<String, GatewayWrkTable.Run> point : points)
            {
                final GatewayWrkTable.Run a = point.get(keys.get(pair[0]));
                final GatewayWrkTable.Run b = point.get(keys.get(pair[1]));
                cost.add(String.format(Locale.ROOT, "%d×%d: %s of the requests/s, p50 %.1f×", a.frames(),
                    a.connections(), GatewayWrkTable.percent(ratio(point, keys, pair)),
                    (double)a.wrk().p50Us() / Math.max(1, b.wrk().p50Us())));
            }
            sb.append("- ").append(labels.get(keys.get(pair[0]))).append(" against ")
                .append(labels.get(keys.get(pair[1]))).append(" (frames × connections): ").append(cost)
                .append(".\n");
        }
        return sb.toString();
    }

    /** Each server against the baseline (the last), then each against every server before it. */
    private static List<int[]> pairs(final int servers)
    {
        final List<int[]> pairs = new ArrayList<>();
        final int baseline = servers - 1;
        for (int i = 0; i < baseline; i++)
        {
            pairs.add(new int[] {i, baseline});
        }
        for (int i = 1; i < baseline; i++)
        {
            for (int j = 0; j < i; j++)
            {
                pairs.add(new int[] {i, j});
            }
        }
        return pairs;
    }

    private static double ratio(final Map<String, GatewayWrkTable.Run> point, final List<String> keys,
        final int[] pair)
    {
        return point.get(keys.get(pair[0])).wrk().requestsPerSecond() /
            point.get(keys.get(pair[1])).wrk().requestsPerSecond();
    }
}
