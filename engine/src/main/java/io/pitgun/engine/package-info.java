/**
 * The Pitgun engine: an LMAX Disruptor pipeline over off-heap slots, and the embedding API.
 *
 * <p>A {@link io.pitgun.engine.TelemetryPipeline} owns a ring of fixed-size slots cut from one aligned off-heap
 * allocation ({@link io.pitgun.engine.SlotDescriptor} draws the layout). Producers claim a slot, encode one SBE
 * message straight into it ({@link io.pitgun.engine.FrameWriter}, {@link io.pitgun.engine.SlotClaim}) or copy a
 * pre-encoded one ({@code publish}, or several all-or-nothing with {@code tryPublishBatch}), and publish. The
 * journal stage appends the bytes to the Chronicle Queue journal, one entry per Disruptor batch (on the processing
 * thread by default, on a thread of its own, or inside the single producer's publish: {@code journal.thread}); the
 * processing stage then merges sources, runs the compiled manifest (derived samples go to the slot's
 * output area), aggregates laps and sessions into {@code insight-contract/v1} documents and hands everything to
 * the sinks (output digest, JSON-lines file, bounded in-process {@link io.pitgun.engine.Subscription}s).
 * {@link io.pitgun.engine.JournalReplayer} pushes a journal through a pipeline again, byte-exact. With a journal,
 * a pretouch agent keeps the queue file's pages populated ahead of the writer ({@code journal.pretouch}), run like
 * every duty cycle that is not a Disruptor stage by a {@link io.pitgun.engine.BoundedAgentRunner}; an
 * embedder may make every thread itself ({@code threadFactory}, e.g. to pin them), and {@code close()} joins them.
 *
 * <p>The pipeline's parts, one role each, which {@code TelemetryPipeline} constructs, connects and exposes:
 * {@link io.pitgun.engine.TelemetryPipelineBuilder} collects what it is built from;
 * {@code RingPublisher} is the producer side (every claim and publish); {@code StageGraph} builds the stages and
 * their Disruptor processors, starts their threads ({@code PipelineThreads}) and stops them at close;
 * {@code AckTracker} follows the journaled sequence and waits for it; {@code SubscriberFanout} holds the
 * subscriptions. Per-sample lookups by parameter id go through the codecs' dense
 * {@link io.pitgun.codecs.dictionary.ParameterTable}.
 *
 * <p>Owns: {@link io.pitgun.engine.PipelineConfig} (builder and YAML), the stages, the counters
 * ({@link io.pitgun.engine.PipelineCounters}, described by {@link io.pitgun.engine.PipelineCounter}, held in an
 * Agrona {@code CountersManager}, in a memory-mapped {@link io.pitgun.engine.CountersFile} when the gateway gives
 * one, so that another process reads them live) and HdrHistogram latency recorders
 * ({@link io.pitgun.engine.PipelineLatency}, recorded once per Disruptor batch by
 * {@link io.pitgun.engine.BatchLatencyRecorder}) that other modules read as snapshots or one-second intervals, and
 * {@link io.pitgun.engine.HdrFiles}, which writes them in HdrHistogram's {@code .hgrm} and {@code .hlog} formats
 * for the CLI's files and the gateway's {@code GET /latency} alike. Time inside the stages comes
 * only from frames; the wall clock is read only to measure latency.
 */
package io.pitgun.engine;
