package io.pitgun.engine;

import java.util.Locale;

/**
 * Which thread appends published frames to the journal ({@code journal.thread}). Whichever it is, a frame is
 * journaled before any stage processes it, and its journal position is in its slot by then.
 */
public enum JournalThread
{
    /**
     * The processing thread journals each Disruptor batch (one journal entry), then processes it
     * ({@link JournalingProcessingStage}). The default: on the 2-core reference machine one busy consumer thread
     * leaves a core to the producers or the gateway's event loops.
     */
    PROCESS,
    /**
     * A journal thread of its own journals each batch; the processing thread waits on it. With more cores this
     * overlaps journaling with processing.
     */
    SEPARATE,
    /**
     * The producer journals each frame itself inside its publish ({@code FrameWriter.commit()},
     * {@code SlotClaim.commit}, {@code publish}; a batch publish is one entry), before the slot becomes visible to
     * the stages: when the publish returns the frame is journaled, and the processing thread never waits on a
     * journal stage. The latency profile's choice: a publish → journaled latency of one Chronicle append, with no
     * hand-over between threads. Needs {@code producer: single}: with several producers the order in which they
     * claim slots is not the order in which they commit, so the journal's order would differ from the ring's and a
     * replay would not reproduce the output. A publish costs the append (about a microsecond); on a full disk it
     * waits for space on the producer's thread ({@code journal.min_free_bytes}, counted as
     * {@code JOURNAL_SPACE_WAITS}) until space returns or the pipeline closes.
     */
    PRODUCER;

    /** The configuration spelling, e.g. {@code producer}. */
    public String symbol()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
