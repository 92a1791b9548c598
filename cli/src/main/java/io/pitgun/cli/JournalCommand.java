package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.ManifestLoadedEntry;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalTailer;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalDamagedException;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.ProgressBar;
import io.pitgun.journal.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
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

    /**
     * Says on stderr where the journal starts when the cycle files before it were deleted (to free disk space): the
     * tools read the files left, and that is not damage ({@link Journal#deletedFirstCycleFiles}).
     */
    static void noteDeletedCycleFiles(final Journal journal, final Path directory, final PrintWriter err)
    {
        final Journal.DeletedCycleFiles deleted = journal.deletedFirstCycleFiles();
        if (deleted != null)
        {
            err.println(directory + ": " + deleted.describe());
        }
    }

    /**
     * The dictionary to name and judge a journal's channels by: {@code file} if given, else the shipped dictionary
     * the first {@code ManifestLoaded} found in the journal names ({@code f1-25.v1} for a gateway with {@code --udp}),
     * else {@code sim.v1}, saying so on {@code err}, when it names none. The journal is read as it is on disk: when
     * its oldest cycle files were deleted, with the only {@code ManifestLoaded} of a long-running gateway, the first
     * one left (a restart's) is found however far in it is. Before, only the first 16 entries were looked at, and such
     * a journal was decoded with sim.v1 without a word (an F1 journal's channels under sim.v1's names). Its access
     * levels decide which channels a tool leaves out, so a dictionary other than the one the journal was written with
     * is refused: a file of another name, or no file where the journal names a dictionary this build does not ship (a
     * gateway's own {@code --dictionary}).
     *
     * @throws IllegalArgumentException saying which dictionary the journal needs.
     */
    static ParameterRegistry dictionaryOf(final Path directory, final Path file, final PrintWriter err)
    {
        final String recorded = recordedDictionaryName(directory);
        if (file != null)
        {
            final ParameterRegistry registry = ParameterRegistry.load(file);
            requireDictionaryOf(directory, recorded, registry, "--dictionary " + file);
            return registry;
        }
        if (recorded == null)
        {
            final ParameterRegistry simV1 = ParameterRegistry.simV1();
            err.println(directory + ": the journal names no dictionary (no ManifestLoaded in it, e.g. its oldest " +
                "cycle files were deleted): assuming " + simV1.name() + "; give the one it was written with by " +
                "--dictionary FILE");
            return simV1;
        }
        return ParameterRegistry.shipped(recorded).orElseThrow(() -> new IllegalArgumentException(directory +
            ": the journal was written with dictionary '" + recorded + "', which this build does not ship; give it " +
            "with --dictionary FILE (its access levels decide which channels are left out)"));
    }

    /**
     * Refuses {@code registry} (from {@code source}, e.g. a manifest's dictionary) for a journal whose first
     * {@code ManifestLoaded} names another dictionary: see {@link #dictionaryOf}.
     *
     * @throws IllegalArgumentException naming both dictionaries.
     */
    static void requireDictionaryOf(final Path directory, final ParameterRegistry registry, final String source)
    {
        requireDictionaryOf(directory, recordedDictionaryName(directory), registry, source);
    }

    private static void requireDictionaryOf(final Path directory, final String recorded,
        final ParameterRegistry registry, final String source)
    {
        if (recorded != null && !recorded.equals(registry.name()))
        {
            throw new IllegalArgumentException(directory + ": the journal was written with dictionary '" + recorded +
                "', not '" + registry.name() + "' (" + source + "): its channels' names and access levels would be " +
                "another dictionary's; give the journal's own with --dictionary FILE");
        }
    }

    /**
     * The dictionary name the first {@code ManifestLoaded} found reading the journal in order records, or null when
     * it holds none or cannot be read (the tool reports that itself, in its own words). A gateway writes one first at
     * every start, so this usually reads one entry; a journal without one is read to its end (message headers only).
     * An entry whose count or lengths do not fit is passed over, as the tools do.
     */
    private static String recordedDictionaryName(final Path directory)
    {
        final String[] name = { null };
        try (Journal journal = openReadOnly(directory); JournalTailer tailer = journal.tailer())
        {
            while (name[0] == null)
            {
                final boolean read;
                try
                {
                    read = tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
                    {
                        if (name[0] == null)
                        {
                            name[0] = ManifestLoadedEntry.dictionaryName(buffer, offset);
                        }
                    });
                }
                catch (final JournalDamagedException ex)
                {
                    break; // nothing after it can be read
                }
                catch (final JournalException ex)
                {
                    continue; // a bad entry: the tailer has moved past it
                }
                if (!read)
                {
                    break;
                }
            }
        }
        catch (final RuntimeException | InternalError ex)
        {
            // InternalError: a fault reading a cycle file cut short, which the tool's own read reports.
            return null;
        }
        return name[0];
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
