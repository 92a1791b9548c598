package io.pitgun.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pitgun.manifest.ManifestException;
import io.pitgun.schemas.SchemaCatalog;
import io.pitgun.schemas.SchemaId;
import io.pitgun.schemas.SchemaProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The segment stage's documents against the public {@code insight-contract/v1} schema, and their content. */
class InsightContractTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SyntheticRun RUN = new SyntheticRun(1, 3_000, 1_000);

    @TempDir
    Path dir;

    @Test
    void shouldEmitSchemaValidLapAndSessionSummariesWithProvenance() throws ManifestException, IOException
    {
        final PipelineConfig config = PipelineConfig.builder().journalDirectory(dir.resolve("journal"))
            .jsonLinesFile(dir.resolve("out.jsonl")).subscriberBufferBytes(8 << 20).build();
        final List<String> insights = new ArrayList<>();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(config).build();
        final Subscription subscription = pipeline.subscribe("test");
        try
        {
            RUN.publish(pipeline);
        }
        finally
        {
            pipeline.close();
        }
        insights.addAll(SubscribedInsights.drain(subscription));

        assertTrue(!subscription.isDropped(), "the queue held the whole run");
        assertEquals(2 * (3 + 1), insights.size(), "three laps and a session for each of two sources");
        final SchemaCatalog catalog = SchemaCatalog.standard();
        int laps = 0;
        for (final String text : insights)
        {
            final JsonNode doc = JSON.readTree(text);
            final List<SchemaProblem> problems = catalog.validate(new SchemaId("insight-contract", "v1"), doc);
            assertTrue(problems.isEmpty(), () -> problems + " in " + text);
            assertEquals(pipeline.manifestSha256(), doc.at("/provenance/manifest_sha256").asText());
            assertTrue(doc.at("/provenance/journal_range/first_index").asLong() <=
                doc.at("/provenance/journal_range/last_index").asLong());
            if (doc.get("kind").asText().equals("lap_summary"))
            {
                laps++;
                assertEquals(1_000, doc.at("/window/frame_count").asLong());
                assertEquals(999_000, doc.at("/window/end_timestamp_us").asLong() -
                    doc.at("/window/start_timestamp_us").asLong());
                assertEquals(1_000, doc.at("/channels/Power_kW/count").asLong());
                final double maxSpeed = doc.at("/channels/Speed/max").asDouble();
                final int lap = doc.get("lap_number").asInt();
                final int source = doc.get("source_id").asInt();
                double expected = 0;
                for (long i = (lap - 1) * 1_000L; i < lap * 1_000L; i++)
                {
                    expected = Math.max(expected, (double)(float)SyntheticRun.speed(source, i));
                }
                assertEquals(expected, maxSpeed, "lap max speed");
                // Exactly what the manifest's stats and percentiles list, in the contract's order.
                assertEquals(List.of("unit", "count", "min", "max", "mean", "time_weighted_mean", "stddev",
                    "percentiles"), fieldNames(doc.at("/channels/Power_kW")));
                assertEquals(List.of("unit", "min", "max", "mean"), fieldNames(doc.at("/channels/Speed")));
            }
            else
            {
                assertEquals(List.of("unit", "last"), fieldNames(doc.at("/channels/Energy_kJ")));
                assertEquals(List.of("unit", "max"), fieldNames(doc.at("/channels/Speed")));
                assertEquals(3, doc.get("laps").size());
                assertEquals(3_000, doc.at("/window/frame_count").asLong());
            }
        }
        assertEquals(6, laps);

        final List<String> lines = Files.readAllLines(dir.resolve("out.jsonl"), StandardCharsets.UTF_8);
        assertEquals(RUN.totalFrames() + insights.size(), lines.size(), "one JSON line per derived frame and insight");
        assertTrue(lines.get(0).contains("\"Power_kW\":"), lines.get(0));
    }

    @Test
    void shouldGiveTheNearestRankPercentileWhenTheRankIsAWholeNumber() throws ManifestException, IOException
    {
        // A lap of the speeds 100, 99, ..., 1: the nearest-rank pN is the value of rank ceil(N / 100 x 100) = N,
        // which is N. Before, the rank was computed in doubles: 7 / 100.0 * 100 is 7.000000000000001, and p7 was 8
        // (as p14, p28 and p56 were one rank high).
        final int frames = 100;
        final JsonNode lap = lapSummaryOfSpeeds(frames, i -> frames - i);
        assertEquals("lap_summary", lap.get("kind").asText());
        final JsonNode percentiles = lap.at("/channels/Speed/percentiles");
        assertEquals(1.0, percentiles.get("p0.001").asDouble(), "the smallest value: rank at least 1");
        assertEquals(7.0, percentiles.get("p7").asDouble());
        assertEquals(14.0, percentiles.get("p14").asDouble());
        assertEquals(28.0, percentiles.get("p28").asDouble());
        assertEquals(56.0, percentiles.get("p56").asDouble());
        assertEquals(100.0, percentiles.get("p100").asDouble(), "the largest value");
    }

    /**
     * A lap longer than the values kept for percentiles ({@link ChannelStats#MAX_KEPT_VALUES}): its percentiles come
     * from a uniform sample of them, each within a percent of the values' ranks (its standard error at p50 is 0.2 %).
     */
    @Test
    void shouldTakeTheNearestRankOfASampleInALapLongerThanTheValuesKept() throws ManifestException, IOException
    {
        final int frames = ChannelStats.MAX_KEPT_VALUES * 2;
        final double topSpeed = 400; // sim.v1's range of Speed
        // Speeds of (1 .. frames) x 400 / frames, each once, not in order (a stride coprime to the count).
        final JsonNode percentiles = lapSummaryOfSpeeds(frames, i -> ((i * 7_919L) % frames + 1) * topSpeed / frames)
            .at("/channels/Speed/percentiles");
        for (final String p : new String[] {"0.001", "7", "14", "28", "56", "100"})
        {
            assertEquals(Double.parseDouble(p) / 100 * topSpeed, percentiles.get("p" + p).asDouble(),
                0.01 * topSpeed, "p" + p);
        }
    }

    /** The lap summary of {@code lap-speed-percentiles.yaml} over one lap of {@code frames} frames of these speeds. */
    private JsonNode lapSummaryOfSpeeds(final int frames, final IntToDoubleFunction speedOfFrame)
        throws ManifestException, IOException
    {
        final TelemetryPipeline pipeline = TelemetryPipeline.builder()
            .manifest(Manifests.compile("lap-speed-percentiles.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir.resolve("journal")).build()).build();
        final Subscription subscription = pipeline.subscribe("test");
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SyntheticRun.sessionId(0), SyntheticRun.producerId(),
                0);
            for (int i = 0; i < frames; i++)
            {
                writer.begin(i, SyntheticRun.START_US + i * 1_000L).lapNumber(1)
                    .putDouble(SyntheticRun.SPEED, speedOfFrame.applyAsDouble(i)).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        return JSON.readTree(SubscribedInsights.drain(subscription).get(0));
    }

    private static List<String> fieldNames(final JsonNode node)
    {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void shouldListAtMostTheFirst500LapsOfASessionAndCountTheRest() throws ManifestException, IOException
    {
        // A producer whose lap_number alternates closes a lap on every frame: before, the stream kept an entry per
        // frame until its session ended, and the session summary listed them all (far past what a subscriber can be
        // sent, and past the contract's maxItems).
        final int frames = 2_000;
        final List<String> insights = new ArrayList<>();
        final TelemetryPipeline pipeline = TelemetryPipeline.builder().manifest(Manifests.compile("lap-power.yaml"))
            .config(PipelineConfig.builder().journalDirectory(dir.resolve("journal")).subscriberBufferBytes(8 << 20)
                .build()).build();
        final Subscription subscription = pipeline.subscribe("test");
        try
        {
            final FrameWriter writer = pipeline.newFrameWriter(SyntheticRun.sessionId(0), SyntheticRun.producerId(),
                0);
            for (int i = 0; i < frames; i++)
            {
                writer.begin(i, SyntheticRun.START_US + i * 1_000L).lapNumber(1 + (i & 1))
                    .putDouble(SyntheticRun.SPEED, 100).putDouble(SyntheticRun.TORQUE, 300)
                    .putLong(SyntheticRun.ENGINE_RPM, 9_000).commit();
            }
        }
        finally
        {
            pipeline.close();
        }
        insights.addAll(SubscribedInsights.drain(subscription));
        final JsonNode session = JSON.readTree(insights.get(insights.size() - 1));
        assertEquals("session_summary", session.get("kind").asText());
        assertEquals(StreamSegments.MAX_LISTED_LAPS, session.get("laps").size());
        assertEquals(frames - StreamSegments.MAX_LISTED_LAPS, session.get("laps_omitted").asLong(),
            "every lap (each frame's: the last closed by the end of the stream) is listed or counted");
        assertEquals(0, session.at("/laps/0/start_timestamp_us").asLong() - SyntheticRun.START_US);
        final List<SchemaProblem> problems = SchemaCatalog.standard().validate(
            new SchemaId("insight-contract", "v1"), session);
        assertTrue(problems.isEmpty(), problems::toString);
        assertTrue(StreamSegments.MAX_LISTED_LAPS <= JSON.readTree(SchemaCatalog.standard().schemaText(
            new SchemaId("insight-contract", "v1"))).at("/properties/laps/maxItems").asInt(),
            "within the contract's bound");
    }
}
