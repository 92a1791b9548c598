package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalException;
import io.pitgun.scaleout.HiveConfig;
import io.pitgun.scaleout.HiveEdgeDeriver;
import io.pitgun.scaleout.HiveEdgeWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code pitgun hive status --data-dir DIR}: the edges a hive holds journals of, read from its directory (running or
 * not): per edge, the last edge position held and when its journal was last written, and its derived output's size
 * and SHA-256 (the whole file is read).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "List the edges a hive holds journals of (from its data directory, running or not): the last edge " +
        "position held, when each journal was last written, and the size and SHA-256 of its derived output " +
        "(derived.jsonl, read whole).")
final class HiveStatusCommand implements Callable<Integer>
{
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "./hive-data",
        description = "The hive's data directory. Default: ${DEFAULT-VALUE}.")
    Path dataDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final Path edges = dataDir.resolve(HiveConfig.EDGES_DIRECTORY);
        if (!Files.isDirectory(edges))
        {
            spec.commandLine().getErr().println("pitgun hive status: " + edges + ": no edges (not a hive's data " +
                "directory, or nothing shipped yet)");
            return CliErrorHandler.FAILED;
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
                    "  last written " + lastWritten(journalDirectory) + "  journal " + journalDirectory);
                out.println(edge.getFileName() + "  " + derived(edge.resolve(HiveConfig.DERIVED_FILE)));
            }
            catch (final JournalException | IllegalStateException ex)
            {
                failed++;
                out.println(edge.getFileName() + "  cannot read: " + ex.getMessage());
            }
        }
        out.flush();
        return failed == 0 ? 0 : CliErrorHandler.FAILED;
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
