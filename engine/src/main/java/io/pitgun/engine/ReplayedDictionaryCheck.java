package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.codecs.frame.RecordedDictionary;
import io.pitgun.codecs.sbe.ManifestLoadedDecoder;
import org.agrona.DirectBuffer;

/**
 * Refuses to replay frames written with another dictionary than the pipeline's. A journal's {@code ManifestLoaded}
 * records the dictionary of the frames after it (its name and, since journals keep it, the SHA-256 of its meaning);
 * the replaying pipeline names channels and decides which ones its outputs leave out ({@code
 * output.include_restricted: false}, subscribers without {@code read_restricted}) by its own dictionary, so frames
 * of another one would be judged by the wrong access levels: a channel restricted where they were written may be
 * public here (a hive started with the default {@code sim.v1} wrote the restricted channels of an edge with a
 * dictionary of its own into its derived output; a dictionary edited under its own name did the same by name).
 * Only {@code ManifestLoaded} messages are read (one per manifest load): the check costs a frame one template-id
 * comparison.
 */
final class ReplayedDictionaryCheck
{
    private final String pipelineName;
    private final ParameterRegistry dictionary;

    ReplayedDictionaryCheck(final String pipelineName, final ParameterRegistry dictionary)
    {
        this.pipelineName = pipelineName;
        this.dictionary = dictionary;
    }

    /**
     * Checks a replayed message (whole and valid, header included).
     *
     * @throws OtherDictionaryException when it is a {@code ManifestLoaded} recording another dictionary.
     */
    void check(final DirectBuffer buffer, final int offset)
    {
        if (FrameDescriptor.templateId(buffer, offset) != ManifestLoadedDecoder.TEMPLATE_ID)
        {
            return; // every frame: this comparison only
        }
        final String disagreement = RecordedDictionary.of(buffer, offset).disagreement(dictionary,
            "this pipeline's");
        if (disagreement != null)
        {
            throw new OtherDictionaryException("pipeline " + pipelineName + ": the journal's frames from here on " +
                "were " + disagreement + ": its channels' names and access levels would be another dictionary's; " +
                "replay them with their own");
        }
    }
}
