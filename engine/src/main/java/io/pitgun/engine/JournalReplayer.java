package io.pitgun.engine;

import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalDamagedException;
import io.pitgun.journal.JournalException;
import io.pitgun.journal.JournalGap;
import io.pitgun.journal.JournalScan;

import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Replays a journal through a pipeline: every message's bytes are published unchanged, with their journal position,
 * into a pipeline without a journal of its own. With the manifest of the live run the derived output is
 * byte-identical to the live run's; with another manifest it is a post-mortem analysis of the same frames.
 *
 * <pre>{@code
 * try (Journal journal = Journal.open(JournalConfig.readOnly(dir));
 *      TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(m).config(replayConfig).build()) {
 *     long entries = JournalReplayer.replay(journal, pipeline, null);
 * }   // close() drains: pipeline.outputDigest() now holds the digest
 * }</pre>
 * A live follower of a journal being written is a {@link JournalFollower}, the reader this class runs to the end.
 */
public final class JournalReplayer
{
    private JournalReplayer()
    {
    }

    /**
     * The configuration a replay runs with: {@code base} (merging, frame size, ...) without a journal of its own,
     * acknowledging on acceptance, writing its output as JSON lines to {@code jsonLinesFile} and digesting it. One
     * place for it, so that {@code pitgun journal replay} and a hive's live derived output are the same bytes.
     */
    public static PipelineConfig replayConfig(final PipelineConfig base, final Path jsonLinesFile)
    {
        // Not the journal's writer: the outputs that follow the journal (output.parquet, ...) are not its to start.
        return OutputFollowers.withoutFollowers(base.toBuilder()).journalDirectory(null).ackMode(AckMode.ACCEPTED)
            .jsonLinesFile(jsonLinesFile).outputDigest(true).build();
    }

    /**
     * {@link #replayConfig(PipelineConfig, Path)} whose JSON-lines output holds restricted and internal channels
     * only when {@code includeRestricted} ({@code output.include_restricted}), whatever {@code base} says. The
     * digest covers the whole output either way.
     */
    public static PipelineConfig replayConfig(final PipelineConfig base, final Path jsonLinesFile,
        final boolean includeRestricted)
    {
        return replayConfig(base.toBuilder().outputIncludeRestricted(includeRestricted).build(), jsonLinesFile);
    }

    /**
     * Publishes every message of {@code journal} into {@code pipeline}, in order, on the calling thread, each with
     * its journal position.
     *
     * @param progress called about every 65536 messages with the number published so far, or null.
     * @return the number of messages published.
     * @throws FrameRejectedException if an entry is larger than the pipeline's slots or is not a Pitgun message
     *                                (the message names the journal index).
     */
    public static long replay(final Journal journal, final TelemetryPipeline pipeline, final LongConsumer progress)
    {
        return replay(journal, pipeline, progress, false);
    }

    /**
     * Publishes the messages of {@code journal} from the one at {@code fromPosition} to the end, in order, as
     * {@link #replay(Journal, TelemetryPipeline, LongConsumer)} does from the first.
     *
     * @return the number of messages published.
     * @throws IllegalArgumentException if the journal holds no message at {@code fromPosition}.
     */
    public static long replayFrom(final Journal journal, final TelemetryPipeline pipeline, final long fromPosition)
    {
        return replayFrom(journal, pipeline, fromPosition, false);
    }

    /**
     * As {@link #replayFrom(Journal, TelemetryPipeline, long)}; with {@code ownDictionaryOnly}, the parts of the
     * journal written with another dictionary than the pipeline's are passed over instead of refused, as
     * {@link #replayChecked} does.
     */
    public static long replayFrom(final Journal journal, final TelemetryPipeline pipeline, final long fromPosition,
        final boolean ownDictionaryOnly)
    {
        return replayRange(journal, pipeline, fromPosition, Journal.NO_INDEX, ownDictionaryOnly);
    }

    /**
     * As {@link #replayFrom(Journal, TelemetryPipeline, long, boolean)}, up to the message at {@code toPosition},
     * which is not published, or to the end when it is {@link Journal#NO_INDEX}: what one run of a live pipeline
     * read, from its {@code ManifestLoaded} to the next one (its restart), so that {@code pipeline.close()} then
     * drains what its stop did.
     *
     * @return the number of messages published.
     * @throws IllegalArgumentException if the journal holds no message at {@code fromPosition}.
     */
    public static long replayRange(final Journal journal, final TelemetryPipeline pipeline, final long fromPosition,
        final long toPosition, final boolean ownDictionaryOnly)
    {
        try (JournalFollower follower = new JournalFollower(journal, pipeline, false, false, ownDictionaryOnly))
        {
            if (!follower.moveTo(fromPosition))
            {
                throw new IllegalArgumentException("the journal holds no message at " + fromPosition);
            }
            follower.publishBefore(toPosition == Journal.NO_INDEX ? Long.MAX_VALUE : toPosition);
            while (follower.lastReadPosition() < follower.publishBefore() && follower.readNext())
            {
                // one entry per call
            }
            return follower.messages();
        }
    }

    /**
     * What {@link #replayChecked} replayed.
     *
     * @param messages the messages published.
     * @param damage      null when the journal was read in order to the last index it claims; else why not (a
     *                    fault reading a cycle file cut short, a damaged record header that ends or skips the
     *                    in-order read, the last cycle file missing, a gap, a message not well-formed), naming the
     *                    last index read and the last claimed.
     * @param notReplayed null when every message read fitted the pipeline's slots; else how many did not, naming the
     *                    first: not damage, the replay's {@code max_frame_bytes} is below the live run's.
     * @param otherDictionary null when no message was passed over as written with another dictionary than the
     *                    pipeline's ({@code ownDictionaryOnly}); else how many were, naming the first.
     */
    public record Replayed(long messages, String damage, String notReplayed, String otherDictionary)
    {
        /** True if the replay could not read the whole journal: its output is of what was read. */
        public boolean damaged()
        {
            return damage != null;
        }
    }

    /**
     * As {@link #replay(Journal, TelemetryPipeline, LongConsumer, boolean)}, and says whether the replay read the
     * whole journal: an in-order read stops at a damaged record header (or skips one marked metadata) without an
     * error, so the replay would otherwise digest part of the journal as if it were all of it.
     *
     * A journal whose last index cannot be found (a cycle file cut short) is read in order up to the damage: every
     * whole entry before it is published. A message the pipeline refuses is passed over and the replay goes on, as
     * the other journal tools do: one not well-formed is damage, the first one named; one larger than the pipeline's
     * slots is not ({@link Replayed#notReplayed()}): the journal holds it whole, the replay's settings cannot.
     *
     * With {@code ownDictionaryOnly}, the parts of the journal written with another dictionary than the pipeline's
     * (a gateway restarted with another {@code --dictionary}: from its {@code ManifestLoaded} to the next one) are
     * read, so damage there is still found, but not published ({@link Replayed#otherDictionary()}), where the
     * pipeline would refuse them: what one live pipeline derived is replayed so, since it ran a single dictionary
     * and never read a frame of those parts.
     */
    public static Replayed replayChecked(final Journal journal, final TelemetryPipeline pipeline,
        final LongConsumer progress, final boolean recordedPositions, final boolean ownDictionaryOnly)
    {
        // Before Chronicle looks for the last entry in a file that is not there.
        final Journal.MissingCycleFile missing = journal.missingLastCycleFile();
        if (missing != null)
        {
            return new Replayed(0, missing.describe(), null, null);
        }
        final Journal.LastIndex lastIndex = journal.lastIndexOrDamage(Journal.NO_INDEX);
        final long last = lastIndex.index();
        final JournalDamagedException lastUnknown = lastIndex.unknown();
        try (JournalFollower follower =
                 new JournalFollower(journal, pipeline, recordedPositions, true, ownDictionaryOnly))
        {
            final String readFailure = readChecked(journal, follower, progress, last, lastUnknown);
            final String readDamage = joined(gapsOf(follower), readFailure);
            return new Replayed(follower.messages(), joined(follower.malformed().describe("refused"), readDamage),
                follower.overSlots().describe("larger than the replay's slots"),
                follower.otherDictionary().describe("written with another dictionary"));
        }
    }

    /** The gaps {@code follower} found between cycle files ({@link JournalGap}), or null. */
    private static String gapsOf(final JournalFollower follower)
    {
        final long gaps = follower.gaps();
        return gaps == 0 ? null : JournalGap.describe(gaps, follower.firstGap());
    }

    /** Two reasons (either may be null) as one, or null. */
    private static String joined(final String first, final String second)
    {
        return first == null ? second : second == null ? first : first + "; " + second;
    }

    /** Reads {@code follower} to the end: null when the journal read through, else why not. */
    private static String readChecked(final Journal journal, final JournalFollower follower,
        final LongConsumer progress, final long last, final JournalDamagedException lastUnknown)
    {
        long reported = 0;
        try
        {
            while (follower.readNext())
            {
                if (progress != null && follower.messages() - reported >= 0x10000)
                {
                    reported = follower.messages();
                    progress.accept(reported);
                }
            }
        }
        catch (final JournalException ex)
        {
            // An entry whose count or lengths do not fit, or that runs past the end of a file cut short
            // (JournalTailer): the other journal tools stop there too.
            return "cannot read the entry after " + after(follower.lastReadPosition()) + ": " + ex.getMessage();
        }
        catch (final InternalError | RuntimeException ex)
        {
            // A fault reading a mapped file (one cut short: the mapping is not read again), or Chronicle's own
            // exception at a record cut off.
            final JournalDamagedException damage = journal.damageOf(ex);
            if (damage == null)
            {
                throw ex;
            }
            return "cannot read the entry after " + after(follower.lastReadPosition()) + ": " + damage.getMessage();
        }
        final long read = follower.lastReadPosition();
        if (lastUnknown != null)
        {
            return "reading in order stopped after " + after(read) + ": " + lastUnknown.getMessage();
        }
        if (last != Journal.NO_INDEX && JournalScan.stoppedShort(read, last))
        {
            return JournalScan.shortRead(read, last);
        }
        return null;
    }

    private static String after(final long position)
    {
        return position == JournalFollower.NO_POSITION ? "the start" : "index " + position;
    }

    /**
     * As {@link #replay(Journal, TelemetryPipeline, LongConsumer)}; with {@code recordedPositions}, each message is
     * published with the position its record's ingest-time field holds instead of its own. A hive's journal of an
     * edge keeps there the position the frame has in the edge's journal ({@code docs/scale-out.md}), so its replay
     * names the edge's positions in the output's provenance and derives the bytes replaying the edge's journal does.
     */
    public static long replay(final Journal journal, final TelemetryPipeline pipeline, final LongConsumer progress,
        final boolean recordedPositions)
    {
        long reported = 0;
        try (JournalFollower follower = new JournalFollower(journal, pipeline, recordedPositions))
        {
            // Each readNext delivers one journal entry: a batch of up to 64 messages.
            while (follower.readNext())
            {
                if (progress != null && follower.messages() - reported >= 0x10000)
                {
                    reported = follower.messages();
                    progress.accept(reported);
                }
            }
            return follower.messages();
        }
    }
}
