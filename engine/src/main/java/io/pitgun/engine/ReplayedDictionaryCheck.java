package io.pitgun.engine;

import org.agrona.DirectBuffer;

/**
 * Refuses to replay frames written with another dictionary than the pipeline's. A journal's {@code ManifestLoaded}
 * names the dictionary of the frames after it; the replaying pipeline names channels and decides which ones its
 * outputs leave out ({@code output.include_restricted: false}, subscribers without {@code read_restricted}) by its
 * own dictionary, so frames of another one would be judged by the wrong access levels: a channel restricted where
 * they were written may be public here (a hive started with the default {@code sim.v1} wrote the restricted channels
 * of an edge with a dictionary of its own into its derived output). Only {@code ManifestLoaded} messages are read
 * (one per manifest load): the check costs a frame one template-id comparison.
 */
final class ReplayedDictionaryCheck
{
    private final String pipelineName;
    private final String dictionaryName;

    ReplayedDictionaryCheck(final String pipelineName, final String dictionaryName)
    {
        this.pipelineName = pipelineName;
        this.dictionaryName = dictionaryName;
    }

    /**
     * Checks a replayed message (whole and valid, header included).
     *
     * @throws IllegalStateException when it is a {@code ManifestLoaded} naming another dictionary.
     */
    void check(final DirectBuffer buffer, final int offset)
    {
        // Every frame: one template-id comparison inside, null for anything but a ManifestLoaded.
        final String journaled = ManifestLoadedEntry.dictionaryName(buffer, offset);
        if (journaled != null && !journaled.equals(dictionaryName))
        {
            throw new IllegalStateException("pipeline " + pipelineName + ": the journal's frames from here on were " +
                "written with dictionary '" + journaled + "', not '" + dictionaryName + "' (this pipeline's): its " +
                "channels' names and access levels would be another dictionary's; replay them with their own");
        }
    }
}
