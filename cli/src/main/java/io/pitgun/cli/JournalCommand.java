package io.pitgun.cli;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.ProgressBar;
import io.pitgun.journal.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code pitgun journal}: the journal tools. Only wires the subcommands and shares how a journal is opened and
 * how progress is shown.
 */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Inspect, dump, verify and replay a Chronicle Queue journal of accepted frames.",
    // One class per subcommand; add new ones (e.g. JournalReplayCommand from the engine) to this list.
    subcommands = {
        JournalStatsCommand.class,
        JournalDumpCommand.class,
        JournalVerifyCommand.class,
        JournalReplayCommand.class,
        JournalExportCommand.class
    })
final class JournalCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Opens an existing journal for reading; a missing or unreadable one is a clear error naming the directory. */
    static Journal openReadOnly(final Path directory)
    {
        return Journal.open(JournalConfig.readOnly(directory));
    }

    /** A progress bar on stderr when a person is watching (a console), otherwise nothing. */
    static ProgressListener progress(final CommandLine.Model.CommandSpec spec, final String label)
    {
        return System.console() != null ? new ProgressBar(spec.commandLine().getErr(), label) : ProgressListener.NONE;
    }

    /** A frame timestamp (microseconds since the epoch) as ISO-8601 UTC. */
    static String formatTimestampUs(final long timestampUs)
    {
        return Instant.ofEpochSecond(Math.floorDiv(timestampUs, 1_000_000L),
            Math.floorMod(timestampUs, 1_000_000L) * 1_000L).toString();
    }
}
