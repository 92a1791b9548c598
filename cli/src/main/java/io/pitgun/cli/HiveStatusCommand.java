package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalException;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveDerivedMark;
import io.pitgun.scaleout.HiveEdgeDeriver;
import io.pitgun.scaleout.HiveEdgeWriter;
import io.pitgun.scaleout.HiveMetrics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code pitgun hive status}: the edges a hive holds journals of. From its data directory (running or not): per edge,
 * the last edge position held, when its journal was last written, its derived output's size and SHA-256 (the
 * whole file is read) and what its mark {@code derived.complete} says (whole, or failed for good and why). From a
 * running hive's {@code /metrics} ({@code --metrics-url}): per edge, the position held, frames written, when the
 * edge was last heard from, and the gaps its derived output read across. An edge's lag is
 * the edge's to know (what it journaled that the hive has not acknowledged): with the edge gateways' {@code /metrics}
 * ({@code --edge-metrics}, their {@code pitgun_ship_lag_frames} and {@code pitgun_ship_lag_seconds}) each edge's line
 * shows it.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
        "List the edges a hive holds journals of, with how far each is held, written and derived.",
        "From its data directory (running or not): the last edge position held, when each journal was last",
        "written, the size and SHA-256 of its derived output (derived.jsonl, read whole) and what its mark",
        "derived.complete says (whole, or failed for good and why); with --metrics-url (a running hive's",
        "--metrics-bind), the position held, frames written,",
        "when each edge was last heard from and the cycle files its derived output found missing from its",
        "journal. Lag is measured at the edge: give the edge gateways' /metrics with",
        "--edge-metrics to show each edge's lag (pitgun_ship_lag_frames/seconds)."
    },
    exitCodeList = {"0:listed", "1:the data directory or a metrics URL cannot be read"})
final class HiveStatusCommand implements Callable<Integer>
{
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./hive-data",
        description = "The hive's data directory (read when --metrics-url is not given). Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @Option(names = "--metrics-url", paramLabel = "URL",
        description = "A running hive's metrics, e.g. http://127.0.0.1:9464/metrics (pitgun hive --metrics-bind).")
    URI metricsUrl;

    @Option(names = "--edge-metrics", paramLabel = "URL",
        description = "An edge gateway's metrics, e.g. http://127.0.0.1:8080/metrics, for its lag; repeatable.")
    List<URI> edgeMetrics = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final Map<String, String> lags = new LinkedHashMap<>();
        int failed = 0;
        for (final URI url : edgeMetrics)
        {
            try
            {
                final PrometheusSamples edge = PrometheusSamples.fetch(url, "edge");
                if (edge.labelValues().isEmpty())
                {
                    failed++;
                    out.println(url + "  not shipping (no pitgun_ship_edge_info: is SHIP_TO set?)");
                    continue;
                }
                lags.put(edge.labelValues().iterator().next(), "lag " + number(edge.get("pitgun_ship_lag_frames", "")) +
                    " frames, " + String.format(Locale.ROOT, "%.3f", edge.get("pitgun_ship_lag_seconds", "")) + " s, " +
                    connection(edge.get("pitgun_ship_connection_state", "")) + " (" + url + ")");
            }
            catch (final IOException ex)
            {
                failed++;
                out.println(url + "  cannot read: " + ex.getMessage());
            }
        }
        failed += metricsUrl != null ? fromMetrics(out, lags) : fromFiles(out, lags);
        if (edgeMetrics.isEmpty())
        {
            out.println("lag: measured at each edge (pitgun_ship_lag_frames, pitgun_ship_lag_seconds on its " +
                "/metrics); give --edge-metrics URL to show it here");
        }
        for (final Map.Entry<String, String> unmatched : lags.entrySet())
        {
            out.println(unmatched.getKey() + "  not known to this hive  " + unmatched.getValue());
        }
        out.flush();
        return failed == 0 ? 0 : CliErrorHandler.FAILED;
    }

    /** Per edge from a running hive's counters; returns the number of failures. */
    private int fromMetrics(final PrintWriter out, final Map<String, String> lags) throws InterruptedException
    {
        final PrometheusSamples hive;
        try
        {
            hive = PrometheusSamples.fetch(metricsUrl, HiveMetrics.EDGE_LABEL);
        }
        catch (final IOException ex)
        {
            spec.commandLine().getErr().println("pitgun hive status: " + metricsUrl + ": cannot read: " +
                ex.getMessage());
            return 1;
        }
        out.println("edges       " + number(hive.get("pitgun_hive_edges", "")) + " held: heard from since the " +
            "hive started, less those released (" + metricsUrl + ")");
        final long nowMs = System.currentTimeMillis();
        for (final String edge : hive.labelValues())
        {
            final String held = hive.text("pitgun_hive_edge_held_position", edge);
            final double lastSeen = hive.get("pitgun_hive_edge_last_seen_timestamp_seconds", edge);
            out.println(edge + "  held edge position " + (held == null ? "?" : held.equals("-1") ? "none" : held) +
                "  frames written " + number(hive.get("pitgun_hive_events_written_total", edge)) +
                "  last seen " + (lastSeen > 0 ? Instant.ofEpochMilli((long)(lastSeen * 1000)) + " (" +
                Math.max(0, nowMs / 1000 - (long)lastSeen) + " s ago)" : "never") +
                "  duplicates " + number(hive.get("pitgun_hive_duplicates_dropped_total", edge)) +
                "  gaps " + number(hive.get("pitgun_hive_gaps_total", edge)) + deriveGaps(hive, edge) +
                lag(lags, edge));
        }
        return 0;
    }

    /** Per edge from the hive's directory; returns the number of failures. */
    private int fromFiles(final PrintWriter out, final Map<String, String> lags) throws IOException
    {
        final Path edges = dataDir.resolve(HiveConfig.EDGES_DIRECTORY);
        if (!Files.isDirectory(edges))
        {
            spec.commandLine().getErr().println("pitgun hive status: " + edges + ": no edges (not a hive's data " +
                "directory, or nothing shipped yet)");
            return 1;
        }
        final List<Path> edgeDirectories;
        try (Stream<Path> list = Files.list(edges))
        {
            edgeDirectories = list.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
        out.println("edges       " + edgeDirectories.size() + " in " + edges);
        int failed = 0;
        for (final Path edge : edgeDirectories)
        {
            final Path journalDirectory = edge.resolve(HiveConfig.JOURNAL_DIRECTORY);
            try (Journal journal = Journal.open(JournalConfig.readOnly(journalDirectory)))
            {
                final long held = journal.lastIndex() == Journal.NO_INDEX ? Journal.NO_INDEX :
                    HiveEdgeWriter.readHeldIndex(journal);
                out.println(edge.getFileName() + "  held edge position " + (held == Journal.NO_INDEX ? "none" : held) +
                    "  last written " + lastWritten(journalDirectory) + "  journal " + journalDirectory +
                    lag(lags, edge.getFileName().toString()));
                out.println(edge.getFileName() + "  " + derived(edge.resolve(HiveConfig.DERIVED_FILE)));
                out.println(edge.getFileName() + "  " +
                    HiveDerivedMark.describe(edge.resolve(HiveConfig.DERIVED_MARK_FILE)));
            }
            catch (final JournalException | IllegalStateException ex)
            {
                failed++;
                out.println(edge.getFileName() + "  cannot read: " + ex.getMessage());
            }
        }
        return failed;
    }

    /**
     * Cycle files found missing from the middle of the edge's journal by its derived output (what they held is not in
     * derived.jsonl), or "" for a hive that derives nothing (--derive 0: no sample).
     */
    private static String deriveGaps(final PrometheusSamples hive, final String edge)
    {
        final String gaps = hive.text("pitgun_hive_derive_journal_gaps_total", edge);
        return gaps == null ? "" : "  derive journal gaps " + gaps;
    }

    /** The edge's lag as its gateway reported it, taken out of {@code lags}, or "". */
    private static String lag(final Map<String, String> lags, final String edge)
    {
        final String lag = lags.remove(edge);
        return lag == null ? "" : "  " + lag;
    }

    private static String connection(final double state)
    {
        return state == 2 ? "shipping" : state == 1 ? "awaiting the hive's word" : "not connected";
    }

    private static String number(final double value)
    {
        return Double.isNaN(value) ? "?" : Long.toString((long)value);
    }

    /** The derived output's size and SHA-256 (read whole: compare with pitgun journal replay's output file). */
    private static String derived(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return "derived output none (the hive ran without --derive 1, or nothing derived yet)";
        }
        return "derived output " + Files.size(file) + " bytes  sha256 " + HiveEdgeDeriver.sha256(file) + "  " + file;
    }

    private static Instant lastWritten(final Path journalDirectory) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDirectory))
        {
            long newest = 0;
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                newest = Math.max(newest, Files.getLastModifiedTime(file).toMillis());
            }
            return Instant.ofEpochMilli(newest);
        }
    }
}
