package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import io.pitgun.codecs.sbe.MessageHeaderDecoder;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalTailer;
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

    /** Entries read from the start of a journal looking for its ManifestLoaded: it is written first. */
    private static final int MANIFEST_LOADED_SEARCH_ENTRIES = 16;

    /**
     * The shipped dictionary the journal's first {@code ManifestLoaded} names (a gateway with {@code --udp} writes
     * {@code f1-25.v1} frames), or {@code sim.v1} when it names none or another one. Reads a few entries only.
     */
    static ParameterRegistry shippedDictionaryOf(final Path directory)
    {
        final String[] name = { null };
        try (Journal journal = openReadOnly(directory); JournalTailer tailer = journal.tailer())
        {
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final ManifestLoadedDecoder manifestLoaded = new ManifestLoadedDecoder();
            for (int i = 0; i < MANIFEST_LOADED_SEARCH_ENTRIES && name[0] == null; i++)
            {
                final boolean read = tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
                {
                    header.wrap(buffer, offset);
                    if (header.templateId() == ManifestLoadedDecoder.TEMPLATE_ID)
                    {
                        manifestLoaded.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
                            header.version());
                        manifestLoaded.manifestName(); // var-data is read in schema order
                        name[0] = manifestLoaded.dictionaryName();
                    }
                });
                if (!read)
                {
                    break;
                }
            }
        }
        catch (final RuntimeException ex)
        {
            // The dump itself reports an unreadable journal, with its own words.
            return ParameterRegistry.simV1();
        }
        return name[0] == null ? ParameterRegistry.simV1() :
            ParameterRegistry.shipped(name[0]).orElseGet(ParameterRegistry::simV1);
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
