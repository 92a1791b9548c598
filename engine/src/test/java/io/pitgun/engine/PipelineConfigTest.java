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
