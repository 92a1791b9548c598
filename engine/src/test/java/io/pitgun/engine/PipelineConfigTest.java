package io.pitgun.engine;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineConfigTest
{
    private static final Path SOURCE = Path.of("/etc/pitgun/pipeline.yaml");

    @Test
    void shouldHoldTheSeedDefaults()
    {
        final PipelineConfig config = PipelineConfig.defaults();
        assertEquals(4096, config.channelCapacity());
        assertEquals(64, config.maxSources());
        assertFalse(config.enableMerging());
        assertEquals(1_000, config.mergeWindowUs());
        assertTrue(config.validateParameters());
        assertEquals(WaitStrategyKind.BACKOFF, config.waitStrategy());
        assertEquals(AckMode.ACCEPTED, config.ackMode());
        assertTrue(config.journalDirectory().isEmpty());
    }

    @Test
    void shouldReadEveryKeyFromYaml()
    {
        final PipelineConfig config = PipelineConfig.parseYaml(SOURCE, String.join("\n",
            "channel_capacity: 8192",
            "max_sources: 4",
            "enable_merging: true",
            "merge_window: 2ms",
            "validate_parameters: false",
            "wait_strategy: yielding",
            "producer: single",
            "max_frame_bytes: 2048",
            "ack_mode: journaled",
            "journal:",
            "  directory: data/journal",
            "  roll_cycle: FAST_DAILY",
            "output:",
            "  json_lines: out/derived.jsonl",
            "  digest: true",
            "subscriber_buffer_bytes: 65536",
            ""));
        assertEquals(8192, config.channelCapacity());
        assertEquals(4, config.maxSources());
        assertTrue(config.enableMerging());
        assertEquals(2_000, config.mergeWindowUs());
        assertFalse(config.validateParameters());
        assertEquals(WaitStrategyKind.YIELDING, config.waitStrategy());
        assertEquals(ProducerMode.SINGLE, config.producerMode());
        assertEquals(2048, config.maxFrameBytes());
        assertEquals(AckMode.JOURNALED, config.ackMode());
        assertEquals(Path.of("/etc/pitgun/data/journal"), config.journalDirectory().orElseThrow());
        assertEquals("FAST_DAILY", config.rollCycle());
        assertEquals(Path.of("/etc/pitgun/out/derived.jsonl"), config.jsonLinesFile().orElseThrow());
        assertTrue(config.outputDigest());
        assertEquals(65536, config.subscriberBufferBytes());
    }

    @Test
    void shouldRejectACapacityThatIsNotAPowerOfTwoNamingTheKeyAndLine()
    {
        final PipelineConfigException ex = assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "max_sources: 2\nchannel_capacity: 1000\n"));
        assertEquals("channel_capacity", ex.key());
        assertTrue(ex.getMessage().startsWith(SOURCE + ":2:"), ex.getMessage());
        assertTrue(ex.getMessage().contains("channel_capacity: must be a power of two"), ex.getMessage());
    }

    /**
     * The slots bound the ring: one allocation of at most 2 GiB. Before, a channel_capacity whose ring does not fit
     * (16777216 was said to be allowed, and fits no slots) passed the configuration's checks and failed building the
     * ring, where a YAML file's line is not known.
     */
    @Test
    void shouldRejectACapacityWhoseRingOfSlotsDoesNotFitNamingTheLargestThatDoes()
    {
        final PipelineConfigException ex = assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "max_frame_bytes: 2048\nchannel_capacity: 1048576\n"));
        assertEquals("channel_capacity", ex.key());
        final java.util.regex.Matcher range = java.util.regex.Pattern.compile(".*channel_capacity: must be a " +
            "power of two between 2 and (\\d+) \\(the ring's slots of 4160 bytes, for max_frame_bytes 2048, must fit " +
            "in 2 GiB\\), got 1048576").matcher(ex.getMessage());
        assertTrue(range.matches(), ex.getMessage());
        assertTrue(ex.getMessage().startsWith(SOURCE + ":2:"), ex.getMessage());
        final int largest = Integer.parseInt(range.group(1));
        final java.util.function.IntFunction<PipelineConfig.Builder> ring = slots -> PipelineConfig.builder()
            .ackMode(AckMode.ACCEPTED).maxFrameBytes(2048).channelCapacity(slots);
        assertEquals(largest, ring.apply(largest).build().channelCapacity());
        assertThrows(PipelineConfigException.class, () -> ring.apply(largest * 2).build());
        assertThrows(IllegalArgumentException.class, () -> new SlotRing(largest * 2, new SlotDescriptor(2048, 0),
            com.lmax.disruptor.dsl.ProducerType.SINGLE, new com.lmax.disruptor.BlockingWaitStrategy()),
            "the bound is the ring's own");
    }

    @Test
    void shouldRejectUnknownKeysBadTypesAndBadEnumValues()
    {
        assertEquals("chanel_capacity", assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "chanel_capacity: 4096\n")).key());
        assertEquals("journal.rollcycle", assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "journal:\n  rollcycle: X\n")).key());
        assertEquals("enable_merging", assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "enable_merging: yes please\n")).key());
        final PipelineConfigException wait = assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "wait_strategy: spin\n"));
        assertTrue(wait.getMessage().contains("backoff, sleeping, yielding, blocking, busy_spin"), wait.getMessage());
        assertEquals("merge_window", assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "merge_window: 1 fortnight\n")).key());
        final PipelineConfigException replaced = assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.parseYaml(SOURCE, "journal:\n  separate_thread: true\n"));
        assertTrue(replaced.getMessage().contains("replaced by journal.thread (true: separate, false: process"),
            replaced.getMessage());
    }

    @Test
    void shouldRequireAJournalForJournaledAcks()
    {
        final PipelineConfigException ex = assertThrows(PipelineConfigException.class,
            () -> PipelineConfig.builder().ackMode(AckMode.JOURNALED).build());
        assertEquals("ack_mode", ex.key());
        assertTrue(ex.getMessage().contains("journal.directory"), ex.getMessage());
    }

    @Test
    void shouldNotPrintTheDatabaseSinksSecrets()
    {
        final PipelineConfig config = PipelineConfig.builder().ackMode(AckMode.ACCEPTED)
            .questDb("http::addr=db:9000;username=admin;password=hunter2;")
            .postgresUrl("jdbc:postgresql://db/pitgun?user=pitgun&password=hunter2").build();
        final String text = config.toString();
        assertTrue(text.contains("output.questdb=http::addr=db:9000;username=admin;password=…;"), text);
        assertTrue(text.contains("output.postgres=jdbc:postgresql://db/pitgun?…"), text);
        assertTrue(!text.contains("hunter2"), text);
        assertEquals("jdbc:postgresql://db/pitgun?user=pitgun&password=hunter2", config.postgresUrl().orElseThrow());
    }
}
