package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalStats;
import io.pitgun.journal.JournalStatsCollector;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code pitgun journal stats DIR}: what a journal holds, read entry by entry. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Count a journal's frames, sessions and sources, its time range (from the frames' timestamp_us), "
        + "size and index range. "
        + "Oldest cycle files deleted (to free disk space) are not damage: the journal starts at the first file left, "
        + "as stderr says.",
    exitCodeList = {"0:counted, and the journal is not damaged",
        "1:it is damaged (bad entries, or entries an in-order read cannot reach), or cannot be opened"})
final class JournalStatsCommand implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "DIR", description = "The journal directory.")
    Path directory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final JournalStats stats;
        try (Journal journal = JournalCommand.openReadOnly(directory))
        {
            JournalCommand.noteMissingFiles(journal, directory, spec.commandLine().getErr());
            stats = JournalStatsCollector.collect(journal, JournalCommand.progress(spec, "stats"));
        }
        catch (final JournalException ex)
        {
            spec.commandLine().getErr().println("pitgun journal stats: " + ex.getMessage());
            return CliErrorHandler.FAILED;
        }
        out.println("journal     " + directory);
        out.println(String.format("entries     %,d", stats.entries()) + (stats.entries() == 0 ? "" :
            " (index " + stats.firstIndex() + " .. " + stats.lastIndex() + ")"));
        out.println(String.format("frames      %,d", stats.frames()));
        out.println(String.format("control     %,d session start, %,d session end, %,d manifest loaded, " +
            "%,d policy loaded, %,d pipeline drained",
            stats.sessionStarts(), stats.sessionEnds(), stats.manifestsLoaded(), stats.policiesLoaded(),
            stats.pipelinesDrained()));
        out.println(String.format("sessions    %,d", stats.sessions()));
        out.println(String.format("sources     %,d", stats.sources()));
        if (stats.hasFrames())
        {
            out.println("time range  " + JournalCommand.formatTimestampUs(stats.firstTimestampUs()) + " .. " +
                JournalCommand.formatTimestampUs(stats.lastTimestampUs()) + String.format(" (%.3f s)",
                (stats.lastTimestampUs() - stats.firstTimestampUs()) / 1e6));
        }
        else
        {
            out.println("time range  (no frames)");
        }
        out.println(String.format("size        %,d message bytes in %,d file%s of %,d bytes (sparse files: the disk "
            + "holds less)", stats.messageBytes(), stats.files(), stats.files() == 1 ? "" : "s", stats.fileBytes()));
        if (stats.badEntries() == 0)
        {
            out.println("damaged     none");
        }
        else
        {
            out.println(String.format("damaged     %,d entr%s, first at index %d: %s (see pitgun journal verify)",
                stats.badEntries(), stats.badEntries() == 1 ? "y" : "ies", stats.firstBadIndex(), stats.firstProblem()));
            // The counts above are of what could be read: a script must not take them for the journal's.
            out.flush();
            spec.commandLine().getErr().println(directory + ": DAMAGED, the counts above are of what could be read " +
                "(see pitgun journal verify)");
            return CliErrorHandler.FAILED;
        }
        return 0;
    }
}
