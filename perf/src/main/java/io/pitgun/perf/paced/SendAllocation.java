package io.pitgun.perf.paced;

import java.io.Serializable;
import java.util.Locale;

/**
 * What a sending thread allocated over a point's measured rounds, and in how many of them. A per-frame allocation
 * shows in every round and grows with the frames; one in a single round is a one-off of that moment (a JIT
 * deoptimization on a branch first taken there, a queue's new index block), which the bytes alone do not tell apart.
 *
 * @param bytes             bytes allocated over all rounds.
 * @param frames            frames sent over all rounds.
 * @param roundsAllocating  rounds in which anything was allocated.
 * @param rounds            rounds measured.
 */
public record SendAllocation(long bytes, long frames, int roundsAllocating, int rounds) implements Serializable
{
    /** Nothing allocated, for {@code frames} frames in {@code rounds} rounds. */
    public static SendAllocation none(final long frames, final int rounds)
    {
        return new SendAllocation(0, frames, 0, rounds);
    }

    /** This with one more round of {@code roundFrames} frames, in which {@code roundBytes} were allocated. */
    public SendAllocation plusRound(final long roundBytes, final long roundFrames)
    {
        return new SendAllocation(bytes + roundBytes, frames + roundFrames,
            roundsAllocating + (roundBytes != 0 ? 1 : 0), rounds + 1);
    }

    /** "2,504 B over 2,000 frames, in 1 of 5 rounds". */
    public String describe()
    {
        return String.format(Locale.ROOT, "%,d B over %,d frames, in %d of %d rounds", bytes, frames,
            roundsAllocating, rounds);
    }
}
