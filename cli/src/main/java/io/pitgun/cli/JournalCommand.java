package io.pitgun.cli;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.RecordedDictionary;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalTailer;
import io.pitgun.journal.JournalConfig;
import io.pitgun.journal.JournalDamagedException;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalGap;
import io.pitgun.journal.ProgressBar;
import io.pitgun.journal.ProgressListener;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
     * Says on stderr what the tools read when files of the journal are gone that it can be read without: where it
     * starts when the cycle files before it were deleted (to free disk space; {@link Journal#deletedFirstCycleFiles}),
     * and that {@code metadata.cq4t} is missing ({@link Journal#missingMetadata}), for which Chronicle's own WARN was
     * the only message. Neither is damage.
     */
    static void noteMissingFiles(final Journal journal, final Path directory, final PrintWriter err)
    {
        final String metadata = journal.missingMetadata();
        if (metadata != null)
        {
            err.println(directory + ": " + metadata);
        }
        final Journal.DeletedCycleFiles deleted = journal.deletedFirstCycleFiles();
        if (deleted != null)
        {
            err.println(directory + ": " + deleted.describe());
        }
    }

    /**
     * The dictionary to name and judge a journal's channels by, for entries {@code [fromIndex, toIndex]}
     * ({@link Journal#NO_INDEX} for either end: the whole journal): {@code file} if given, else the shipped dictionary
     * the journal's {@code ManifestLoaded} entries name ({@code f1-25.v1} for a gateway with {@code --udp}), else
     * {@code sim.v1}, saying so on {@code err}, when it names none. Its access levels decide which channels a tool
     * leaves out, so a dictionary other than the one the range was written with is refused ({@link
     * #requireDictionaryOf}): a file of another name or, where the journal records it, of another meaning (edited under
     * the same name), or no file where the journal names a dictionary this build does not ship (a gateway's own
     * {@code --dictionary}). The journal is read as it is on disk: when its oldest cycle files were deleted, with the
     * only {@code ManifestLoaded} of a long-running gateway, the first one left (a restart's) is found however far in
     * it is.
     *
     * @throws IllegalArgumentException saying which dictionary the journal needs.
     */
    static ParameterRegistry dictionaryOf(final Path directory, final Path file, final PrintWriter err,
        final long fromIndex, final long toIndex)
    {
        final List<Recorded> found = recordedDictionaries(directory, fromIndex, toIndex);
        final List<Recorded> recorded = found.stream().filter(entry -> !entry.unknown()).toList();
        found.stream().filter(Recorded::unknown).findFirst().ifPresent(entry -> err.println(directory + ": the " +
            "frames from index " + entry.index() + " on follow a gap (" + entry.gap().describe() + "): the " +
            "missing cycle files may have held a start with another dictionary, so the one they were written with " +
            "is not known; they are read with the dictionary named below or before them (give the one they were " +
            "written with by --dictionary FILE; journal dump --from/--to reads each part with its own)"));
        final ParameterRegistry registry;
        final String source;
        if (file != null)
        {
            registry = ParameterRegistry.load(file);
            source = "--dictionary " + file;
        }
        else if (recorded.isEmpty())
        {
            final ParameterRegistry simV1 = ParameterRegistry.simV1();
            if (!opens(directory))
            {
                return simV1; // not a journal at all: the tool says so itself when it opens it, in one line
            }
            err.println(directory + ": the journal names no dictionary (no ManifestLoaded in it, e.g. its oldest " +
                "cycle files were deleted): assuming " + simV1.name() + "; give the one it was written with by " +
                "--dictionary FILE");
            return simV1;
        }
        else
        {
            final String name = recorded.get(0).dictionary().name();
            registry = ParameterRegistry.shipped(name).orElseThrow(() -> new IllegalArgumentException(directory +
                ": the journal was written with dictionary '" + name + "', which this build does not ship; give it " +
                "with --dictionary FILE (its access levels decide which channels are left out)"));
            source = "the shipped " + name;
        }
        requireDictionaryOf(directory, recorded, registry, source);
        return registry;
    }

    /** Whether {@code directory} opens as a journal. */
    private static boolean opens(final Path directory)
    {
        try (Journal journal = openReadOnly(directory))
        {
            return true;
        }
        catch (final RuntimeException ex)
        {
            return false;
        }
    }

    /**
     * Refuses {@code registry} (from {@code source}, e.g. a manifest's dictionary) for a journal any of whose
     * {@code ManifestLoaded} entries records another dictionary: see {@link #dictionaryOf}.
     *
     * @throws IllegalArgumentException naming both dictionaries.
     */
    static void requireDictionaryOf(final Path directory, final ParameterRegistry registry, final String source)
    {
        requireDictionaryOf(directory, recordedDictionaries(directory, Journal.NO_INDEX, Journal.NO_INDEX), registry,
            source);
    }

    private static void requireDictionaryOf(final Path directory, final List<Recorded> recorded,
        final ParameterRegistry registry, final String source)
    {
        for (final Recorded entry : recorded)
        {
            if (entry.unknown())
            {
                continue; // nothing to judge by: dictionaryOf says so
            }
            final String disagreement = entry.dictionary().disagreement(registry, source);
            if (disagreement != null)
            {
                throw new IllegalArgumentException(directory + (recorded.size() == 1 ? ": the journal was " :
                    ": the journal's frames from index " + entry.index() + " on were ") + disagreement + ": their " +
                    "channels' names and access levels would be another dictionary's; give the journal's own with " +
                    "--dictionary FILE" + (recorded.size() == 1 ? "" : " (it was written with " + recorded.size() +
                    " dictionaries: " + recorded + "; read each part with its own, journal dump --from/--to)"));
            }
        }
    }

    /**
     * A {@code ManifestLoaded} entry's dictionary and where the entry is; or, with {@code gap} and no dictionary, the
     * frames from {@code index} on after a gap ({@link JournalGap}) before any {@code ManifestLoaded}: the missing
     * cycle files may have held a start with another dictionary, so theirs is not known.
     */
    private record Recorded(long index, RecordedDictionary dictionary, JournalGap gap)
    {
        Recorded(final long index, final RecordedDictionary dictionary)
        {
            this(index, dictionary, null);
        }

        boolean unknown()
        {
            return dictionary == null;
        }

        @Override
        public String toString()
        {
            return (unknown() ? "an unknown dictionary" : dictionary.toString()) + " from index " + index;
        }
    }

    /**
     * The dictionaries the frames of entries {@code [fromIndex, toIndex]} were written with, in journal order, each
     * once where it follows itself (a restart with the same dictionary): the last {@code ManifestLoaded} before
     * {@code fromIndex} (or, when there is none, the first one in the journal) and every one after it up to
     * {@code toIndex}. Empty when the journal holds none or cannot be read (the tool reports that itself, in its own
     * words). The journal is read to its end (message headers only, and each {@code ManifestLoaded}); an entry whose
     * count or lengths do not fit is passed over, as the tools do.
     */
    private static List<Recorded> recordedDictionaries(final Path directory, final long fromIndex, final long toIndex)
    {
        final List<Recorded> found = new ArrayList<>();
        try (Journal journal = openReadOnly(directory); JournalTailer tailer = journal.tailer())
        {
            final boolean[] past = { false };
            // A gap read across: until a ManifestLoaded follows, the frames after it are of an unknown dictionary.
            final JournalGap[] afterGap = { null };
            tailer.onGap(gap -> afterGap[0] = gap);
            while (!past[0])
            {
                final boolean read;
                try
                {
                    read = tailer.readNext((index, buffer, offset, length, ingestTimeNs) ->
                    {
                        if (toIndex != Journal.NO_INDEX && index >= toIndex)
                        {
                            // An entry at toIndex itself governs nothing read: a ManifestLoaded there is the next
                            // part's, not this range's (dump --to the index the next start's entry has).
                            past[0] = true;
                            return;
                        }
                        final RecordedDictionary dictionary = RecordedDictionary.of(buffer, offset);
                        final JournalGap gap = afterGap[0];
                        afterGap[0] = null;
                        if (dictionary == null && gap == null)
                        {
                            return;
                        }
                        final boolean beforeRange = fromIndex != Journal.NO_INDEX && index <= fromIndex;
                        if (beforeRange && !found.isEmpty())
                        {
                            found.clear(); // a later one governs the range's first frames
                        }
                        if (found.isEmpty() || !sameDictionary(found.get(found.size() - 1).dictionary(), dictionary))
                        {
                            found.add(new Recorded(index, dictionary, dictionary == null ? gap : null));
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
            return List.of();
        }
        return found;
    }

    private static boolean sameDictionary(final RecordedDictionary a, final RecordedDictionary b)
    {
        return a != null && b != null && a.name().equals(b.name()) &&
            Objects.equals(a.meaningSha256Hex(), b.meaningSha256Hex());
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
