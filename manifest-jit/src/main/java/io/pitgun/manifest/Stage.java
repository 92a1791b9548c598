package io.pitgun.manifest;

import java.util.List;

/**
 * One stage of a {@code pipeline-manifest/v1} pipeline, as written. Every stage records the JSON Pointer of its
 * place in the document, so later checks can point at the offending line.
 */
public sealed interface Stage
{
    /** JSON Pointer of the stage, e.g. {@code /pipeline/0}. */
    String pointer();

    /** The {@code type} as written in the manifest. */
    String typeName();

    /** {@code type: formula}: derived channels, in the order written (execution order comes from dependencies). */
    record Formula(String pointer, List<DerivedChannelSpec> derivedChannels) implements Stage
    {
        @Override
        public String typeName()
        {
            return "formula";
        }
    }

    /**
     * {@code type: filter}: keep only the whitelist, drop the blacklist, and drop frames where the {@code where}
     * formula is not true. Lists are empty and {@code where} null when not given.
     */
    record Filter(String pointer, List<String> whitelist, List<String> blacklist, String where) implements Stage
    {
        @Override
        public String typeName()
        {
            return "filter";
        }
    }

    /**
     * {@code type: merge}: frames of these sources whose timestamps fall in one tumbling window
     * {@code [k·windowUs, (k+1)·windowUs)} become one frame; a window is emitted once every source passed its end or
     * the session's newest frame is {@code maxLatenessUs} past it (docs/manifest.md, "Merge").
     */
    record Merge(String pointer, List<Integer> sources, long windowUs, long maxLatenessUs) implements Stage
    {
        /** Default {@code window_us}: 1 ms. */
        public static final long DEFAULT_WINDOW_US = 1000;
        /** Default {@code max_lateness_us}: this many windows. */
        public static final long DEFAULT_LATENESS_WINDOWS = 4;
        /**
         * Largest {@code max_lateness_us} in windows: it bounds the windows open per session (lateness / window +
         * 2), each holding a frame's worth of samples.
         */
        public static final long MAX_LATENESS_WINDOWS = 64;

        /** The default {@code max_lateness_us} for a window: {@value #DEFAULT_LATENESS_WINDOWS} windows. */
        public static long defaultMaxLatenessUs(final long windowUs)
        {
            return DEFAULT_LATENESS_WINDOWS * windowUs;
        }

        @Override
        public String typeName()
        {
            return "merge";
        }
    }

    /** {@code type: segment}: aggregate channels per lap or session (the compiler refuses sector). */
    record Segment(String pointer, SegmentBy by, List<AggregateSpec> aggregates) implements Stage
    {
        @Override
        public String typeName()
        {
            return "segment";
        }
    }

    /** {@code type: output}: the contracts emitted, e.g. {@code pitgun-envelope/v1}, {@code insight-contract/v1}. */
    record Output(String pointer, List<String> contracts) implements Stage
    {
        @Override
        public String typeName()
        {
            return "output";
        }
    }

    /** What a segment stage groups frames by. */
    enum SegmentBy
    {
        LAP, SECTOR, SESSION;

        /** The manifest spelling, e.g. {@code lap}. */
        public String symbol()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
