package io.pitgun.engine;

/**
 * The pipeline's counters, with stable ids and labels, like Aeron's {@code SystemCounterDescriptor}. Ids never
 * change meaning; new counters are added at the end. In the counters file ({@link CountersFileDescriptor}) each is
 * a counter of type {@link #TYPE_ID} whose key holds the id; the class refuses to load with a duplicate id.
 */
public enum PipelineCounter implements CounterDescriptor
{
    /** Frames (and session markers) published into the ring. */
    FRAMES_ACCEPTED(0, "frames accepted", "pitgun_frames_accepted_total"),
    /** Messages appended to the journal. */
    FRAMES_JOURNALED(1, "frames journaled", "pitgun_frames_journaled_total"),
    /** Frames the manifest ran on. */
    FRAMES_PROCESSED(2, "frames processed", "pitgun_frames_processed_total"),
    /** Frames a manifest {@code where} filter dropped (intended, not an error). */
    FRAMES_FILTERED(3, "frames filtered by the manifest", "pitgun_frames_filtered_total"),
    /** Derived frames handed to the sinks. */
    DERIVED_FRAMES(4, "derived frames emitted", "pitgun_derived_frames_total"),
    /** Insight documents handed to the sinks. */
    INSIGHTS(5, "insights emitted", "pitgun_insights_total"),
    /** Frames absorbed into a merged frame. */
    FRAMES_MERGED(6, "frames merged", "pitgun_frames_merged_total"),
    /** Refused: the ring was full. */
    DROPPED_RING_FULL(7, "dropped: ring full", "pitgun_frames_dropped_ring_full_total"),
    /** Refused: larger than a slot, or a {@link FrameWriter} frame of more samples than the contract's 256. */
    DROPPED_FRAME_TOO_LARGE(8, "dropped: frame larger than a slot", "pitgun_frames_dropped_too_large_total"),
    /**
     * Refused by a {@link FrameWriter}: a frame outside the frame contract (sequence or timestamp outside
     * [0, 2^53 - 1], no samples, a parameter id twice, lap or sector out of range), or, with
     * {@code validate_parameters}, an unknown parameter id, a value of another type or outside the dictionary range.
     */
    DROPPED_INVALID_PARAMETER(9, "dropped: invalid parameter", "pitgun_frames_dropped_invalid_parameter_total"),
    /** Dropped: more concurrent (session, source) streams than {@code max_sources}. */
    DROPPED_TOO_MANY_SOURCES(10, "dropped: too many sources", "pitgun_frames_dropped_too_many_sources_total"),
    /** Dropped: not a message of the Pitgun SBE schema. Written by producers and the processing thread (atomic add). */
    DROPPED_UNDECODABLE(11, "dropped: undecodable", "pitgun_frames_dropped_undecodable_total"),
    /** Samples a merged frame had no room for. */
    DROPPED_MERGE_OVERFLOW(12, "dropped: merged frame overflow", "pitgun_frames_dropped_merge_overflow_total"),
    /** Subscribers disconnected because they fell behind, or missed an output {@link #OUTPUTS_TOO_LONG}. */
    SUBSCRIBERS_DROPPED(13, "slow subscribers dropped", "pitgun_subscribers_dropped_total"),
    /** Exceptions caught in a stage (the frame is skipped, the pipeline continues). */
    STAGE_ERRORS(14, "stage errors", "pitgun_stage_errors_total"),
    /** Session start and end markers seen by the processing stage. */
    SESSION_MARKERS(15, "session markers", "pitgun_session_markers_total"),
    /** Dropped: the journal failed (disk full, closed); from then on nothing is journaled or acknowledged. */
    DROPPED_JOURNAL_FAILED(16, "dropped: journal failed", "pitgun_frames_dropped_journal_failed_total"),
    /** Stage threads still running when {@code close()}'s deadline passed, interrupted and left behind. */
    STAGE_THREADS_ABANDONED(17, "stage threads abandoned at close", "pitgun_stage_threads_abandoned_total"),
    /** Dropped: published but not processed when {@code close()}'s deadline passed (a stage was stuck). */
    DROPPED_UNPROCESSED_AT_CLOSE(18, "dropped: unprocessed at close",
        "pitgun_frames_dropped_unprocessed_at_close_total"),
    /**
     * Frames of a merged source that arrived after their merge window was emitted (more than {@code max_lateness_us}
     * behind the session's newest frame): passed through unmerged, as their own frame.
     */
    FRAMES_LATE(19, "frames late for their merge window", "pitgun_frames_late_total"),
    /** Times the journal stage held a batch back because the journal's file system was below its free-space
     *  headroom, and waited for space (nothing is dropped meanwhile). */
    JOURNAL_SPACE_WAITS(20, "journal waits for disk space", "pitgun_journal_space_waits_total"),
    /** Times the journal pretoucher turned itself off (the kernel lacks {@code MADV_POPULATE_WRITE}, no native
     *  access...); appends go on, with the page faults on the journaling thread. */
    JOURNAL_PRETOUCH_DISABLED(21, "journal pretoucher disabled", "pitgun_journal_pretouch_disabled_total"),
    /** Refused by a {@link FrameWriter}: a sample outside a reject limit of the pipeline's tuning policy. */
    DROPPED_TUNING_LIMIT(22, "dropped: outside a tuning limit", "pitgun_frames_dropped_tuning_limit_total"),
    /** Samples a {@link FrameWriter} published outside a flag limit of the tuning policy, marked DEGRADED. */
    SAMPLES_TUNING_FLAGGED(23, "samples flagged by tuning limits", "pitgun_samples_tuning_flagged_total"),
    /** Refused by a try publish with {@code journal.thread: producer} while the journal's file system was below its
     *  headroom: a try publish never waits for space on the producer's thread (an event loop), it refuses. */
    DROPPED_JOURNAL_FULL(24, "dropped: journal short of space", "pitgun_frames_dropped_journal_full_total"),
    /** Derived samples left out of their frame: an integer value the channel's declared {@code data_type} cannot
     *  hold (a {@code u8} formula that gave 400). Samples, not frames: the rest of the frame is kept. */
    DERIVED_SAMPLES_OUT_OF_TYPE(25, "derived samples outside their data_type",
        "pitgun_derived_samples_out_of_type_total"),
    /**
     * Streams (or merge sessions) ended without a {@code SessionEnd} to make room for a new one once
     * {@code max_sources} were live: the idlest, if more than {@code max_sources} frames had arrived since its last
     * ({@code StreamTable}); its segments' insights are emitted as at a session end.
     */
    STREAMS_ENDED_IDLE(26, "idle streams ended for a new one", "pitgun_streams_ended_idle_total"),
    /**
     * Outputs (derived frames, insights) longer than the subscribers' shared buffer carries (an eighth of it), so
     * not sent to any subscriber; each subscriber that was to receive one is dropped ({@link #SUBSCRIBERS_DROPPED}).
     * A lap summary of many channels and percentiles can be that long.
     */
    OUTPUTS_TOO_LONG(27, "outputs too long for the subscriber buffer", "pitgun_outputs_too_long_total");

    /** The counters-file type id of every pipeline counter. */
    public static final int TYPE_ID = 1;

    static
    {
        CounterDescriptor.checkIds(values());
    }

    private final int id;
    private final String label;
    private final String metricName;

    PipelineCounter(final int id, final String label, final String metricName)
    {
        this.id = id;
        this.label = label;
        this.metricName = metricName;
    }

    @Override
    public int id()
    {
        return id;
    }

    @Override
    public String label()
    {
        return label;
    }

    /** Prometheus-style metric name. */
    public String metricName()
    {
        return metricName;
    }

    /** True for the {@code DROPPED_*} reasons. */
    public boolean isDrop()
    {
        return name().startsWith("DROPPED_");
    }
}
