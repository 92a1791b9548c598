package io.pitgun.engine;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.codecs.frame.FrameDescriptor;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestException;
import io.pitgun.manifest.ManifestLoader;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The merge of the same multi-source input is identical for every batching and interleaving between sources that
 * keeps each source's own order and stays within {@code max_lateness_us}, and equals a plain map-based model of
 * tumbling event-time windows.
 *
 * <p>Each try runs the canonical order (all frames by timestamp) and one random arrival order through a real
 * pipeline, each as its own session.
 */
class MergeOrderIndependenceTest
{
    private static final long WINDOW_US = 1_000;
    private static final long MAX_LATENESS_US = 3_000;
    private static final int SOURCES = 3;
    private static final int[] DOUBLE_IDS = {SyntheticRun.SPEED, SyntheticRun.TORQUE, SyntheticRun.BRAKE};
    private static final UUID PRODUCER = UUID.fromString("7d16dde5-88a6-4b47-8cd8-c711601cd61f");
    private static final int SENTINEL_SOURCE = 9;

    /** One input frame: its source, per-source sequence, timestamp and samples (parameter id → value). */
    record InFrame(int source, long sequence, long timestampUs, TreeMap<Integer, Double> samples)
    {
    }

    /** A generated input: per source, its frames in order, cut into batches; and the seed of the interleaving. */
    record Input(List<List<List<InFrame>>> batchesBySource, long interleavingSeed)
    {
    }

    private static CompiledManifest manifest;

    @BeforeContainer
    static void compile() throws ManifestException
    {
        manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("merge.yaml"),
            String.join("\n",
                "version: v1",
                "name: merge-order",
                "pipeline:",
                "  - type: merge",
                "    sources: [0, 1, 2]",
                "    window_us: " + WINDOW_US,
                "    max_lateness_us: " + MAX_LATENESS_US,
                "")), ParameterRegistry.simV1());
    }

    @Property(tries = 100)
    void shouldMergeIdenticallyForEveryInterleavingWithinTheLatenessBound(@ForAll("inputs") final Input input)
    {
        final List<InFrame> canonical = canonicalOrder(input);
        final List<InFrame> arrival = interleave(input);
        final List<DecodedFrames.Out> expected = referenceMerge(canonical);
        Statistics.label("arrival order").collect(arrival.equals(canonical) ? "canonical" : "interleaved");

        // A pipeline per try: ended streams leave tombstones in the stream table, so keep its sessions few.
        final List<DecodedFrames.Out> inCanonicalOrder;
        final List<DecodedFrames.Out> inArrivalOrder;
        try (TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(manifest)
            .config(PipelineConfig.builder().channelCapacity(256).ackMode(AckMode.ACCEPTED).build()).build())
        {
            final Subscription subscription = pipeline.subscribe("merge-order");
            inCanonicalOrder = run(pipeline, subscription, canonical);
            inArrivalOrder = run(pipeline, subscription, arrival);
        }
        catch (final ManifestException ex)
        {
            throw new AssertionError(ex);
        }

        assertEquals(expected, inCanonicalOrder, "canonical order against the reference model");
        assertEquals(inCanonicalOrder, inArrivalOrder, "arrival order " + describe(arrival));
    }

    @Provide
    Arbitrary<Input> inputs()
    {
        final Arbitrary<List<List<InFrame>>> source0 = batches(0);
        final Arbitrary<List<List<InFrame>>> source1 = batches(1);
        final Arbitrary<List<List<InFrame>>> source2 = batches(2);
        return Combinators.combine(source0, source1, source2, Arbitraries.longs())
            .as((a, b, c, seed) -> new Input(List.of(a, b, c), seed));
    }

    /** One source's frames: increasing timestamps (gaps 1..900 us from a start within the first 2 ms), batched 1..4. */
    private static Arbitrary<List<List<InFrame>>> batches(final int source)
    {
        final Arbitrary<List<Long>> gaps = Arbitraries.longs().between(1, 900).list().ofMinSize(1).ofMaxSize(25);
        final Arbitrary<Long> start = Arbitraries.longs().between(100_000, 102_000);
        final Arbitrary<Long> seed = Arbitraries.longs();
        return Combinators.combine(start, gaps, seed).as((first, steps, s) ->
        {
            final Random random = new Random(s);
            final List<List<InFrame>> batches = new ArrayList<>();
            List<InFrame> batch = new ArrayList<>();
            long t = first;
            for (int i = 0; i < steps.size(); i++)
            {
                t += steps.get(i);
                final TreeMap<Integer, Double> samples = new TreeMap<>();
                for (final int id : DOUBLE_IDS)
                {
                    if (random.nextInt(3) > 0)
                    {
                        samples.put(id, (double)random.nextInt(100));
                    }
                }
                if (samples.isEmpty())
                {
                    samples.put(SyntheticRun.SPEED, (double)source);
                }
                batch.add(new InFrame(source, i, t, samples));
                if (random.nextInt(4) == 0 || batch.size() == 4)
                {
                    batches.add(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty())
            {
                batches.add(batch);
            }
            return batches;
        });
    }

    /** Every frame by timestamp, then source: no frame is ever behind the newest one. */
    private static List<InFrame> canonicalOrder(final Input input)
    {
        final List<InFrame> frames = new ArrayList<>();
        input.batchesBySource().forEach(batches -> batches.forEach(frames::addAll));
        frames.sort(Comparator.comparingLong(InFrame::timestampUs).thenComparingInt(InFrame::source));
        return frames;
    }

    /**
     * A random interleaving of whole batches that keeps each source's order: each step takes the next batch of a
     * random source whose batch would not put a frame more than {@code max_lateness_us} behind the newest frame
     * (when none qualifies, the batch with the earliest first frame, whose frames are then checked the same way).
     */
    private static List<InFrame> interleave(final Input input)
    {
        final Random random = new Random(input.interleavingSeed());
        final int[] next = new int[SOURCES];
        final List<InFrame> arrival = new ArrayList<>();
        long newestUs = Long.MIN_VALUE;
        while (true)
        {
            final List<Integer> candidates = new ArrayList<>();
            int earliest = -1;
            for (int s = 0; s < SOURCES; s++)
            {
                final List<List<InFrame>> batches = input.batchesBySource().get(s);
                if (next[s] < batches.size())
                {
                    final long firstUs = batches.get(next[s]).get(0).timestampUs();
                    if (newestUs == Long.MIN_VALUE || newestUs - firstUs <= MAX_LATENESS_US)
                    {
                        candidates.add(s);
                    }
                    if (earliest < 0 ||
                        firstUs < input.batchesBySource().get(earliest).get(next[earliest]).get(0).timestampUs())
                    {
                        earliest = s;
                    }
                }
            }
            if (earliest < 0)
            {
                return arrival;
            }
            final int source = candidates.isEmpty() ? earliest : candidates.get(random.nextInt(candidates.size()));
            final List<InFrame> batch = input.batchesBySource().get(source).get(next[source]++);
            for (final InFrame frame : batch)
            {
                if (newestUs != Long.MIN_VALUE && newestUs - frame.timestampUs() > MAX_LATENESS_US)
                {
                    // Outside the bound this property is about: put the frame where the canonical order would.
                    return canonicalOrder(input);
                }
                newestUs = Math.max(newestUs, frame.timestampUs());
                arrival.add(frame);
            }
        }
    }

    /**
     * The plain model: tumbling windows {@code [k·window_us, (k+1)·window_us)}; per window and channel the lowest
     * source's value wins, within one source its latest frame's; samples in parameter id order; the header (source,
     * sequence) from the lowest source's first frame in the window; {@code merged} when two or more sources met.
     */
    private static List<DecodedFrames.Out> referenceMerge(final List<InFrame> frames)
    {
        final TreeMap<Long, List<InFrame>> windows = new TreeMap<>();
        for (final InFrame frame : frames)
        {
            windows.computeIfAbsent(Math.floorDiv(frame.timestampUs(), WINDOW_US) * WINDOW_US,
                k -> new ArrayList<>()).add(frame);
        }
        final List<DecodedFrames.Out> out = new ArrayList<>();
        for (final Map.Entry<Long, List<InFrame>> window : windows.entrySet())
        {
            final List<InFrame> members = new ArrayList<>(window.getValue());
            members.sort(Comparator.comparingInt(InFrame::source).thenComparingLong(InFrame::sequence));
            final TreeMap<Integer, Double> samples = new TreeMap<>();
            // highest source first, and within a source in order, so the lowest source's latest frame writes last
            for (int i = members.size() - 1; i >= 0; )
            {
                final int source = members.get(i).source();
                int from = i;
                while (from > 0 && members.get(from - 1).source() == source)
                {
                    from--;
                }
                for (int j = from; j <= i; j++)
                {
                    samples.putAll(members.get(j).samples());
                }
                i = from - 1;
            }
            final InFrame header = members.get(0);
            final boolean merged = members.stream().map(InFrame::source).distinct().count() > 1;
            final List<String> encoded = new ArrayList<>();
            samples.forEach((id, value) -> encoded.add(id + "=" + value));
            out.add(new DecodedFrames.Out(window.getKey(), header.source(), header.sequence(),
                FrameDescriptor.FLAG_DERIVED | (merged ? FrameDescriptor.FLAG_MERGED : 0), encoded));
        }
        return out;
    }

    /**
     * Publishes the frames as a fresh session and ends it (which emits its open windows), then a sentinel frame of
     * a source outside the merge: the processing thread handles slots in order, so once the sentinel is delivered,
     * so is every frame of the session.
     */
    private static List<DecodedFrames.Out> run(final TelemetryPipeline pipeline, final Subscription subscription,
        final List<InFrame> frames)
    {
        final UUID session = UUID.randomUUID();
        final FrameWriter[] writers = new FrameWriter[SOURCES];
        for (int s = 0; s < SOURCES; s++)
        {
            writers[s] = pipeline.newFrameWriter(session, PRODUCER, s);
        }
        for (final InFrame frame : frames)
        {
            final FrameWriter writer = writers[frame.source()].begin(frame.sequence(), frame.timestampUs());
            frame.samples().forEach(writer::putDouble);
            writer.commit();
        }
        writers[0].sessionEnd(200_000, "end");
        final FrameWriter sentinel = pipeline.newFrameWriter(session, PRODUCER, SENTINEL_SOURCE);
        sentinel.begin(0, 200_000).putDouble(SyntheticRun.SPEED, 1).commit();
        sentinel.sessionEnd(200_000, "sentinel");

        final DecodedFrames decoded = new DecodedFrames();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (decoded.frames.stream().noneMatch(f -> f.source() == SENTINEL_SOURCE))
        {
            if (subscription.poll(decoded, 1024) == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    throw new AssertionError("the sentinel was not delivered within 10 s: " + decoded.frames +
                        ", counters " + pipeline.counters() + ", error " + pipeline.firstError() + ", threads " +
                        pipeline.threads().stream().map(t -> t.getName() + java.util.Arrays.toString(t.getStackTrace()))
                        .toList());
                }
                Thread.onSpinWait();
            }
        }
        final List<DecodedFrames.Out> merged = new ArrayList<>(decoded.frames);
        merged.removeIf(f -> f.source() == SENTINEL_SOURCE);
        return merged;
    }

    private static String describe(final List<InFrame> frames)
    {
        final StringBuilder sb = new StringBuilder();
        for (final InFrame frame : frames)
        {
            sb.append(frame.source()).append('@').append(frame.timestampUs()).append(' ');
        }
        return sb.toString();
    }
}
