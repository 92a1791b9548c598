package io.pitgun.engine;

import io.pitgun.journal.JournalSpaceGuard;
import io.pitgun.testsupport.GeneratedDocBlock;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PipelineSetting} describes each setting once: defaults, parsing, checks and the settings table of
 * {@code docs/embedding.md} (generated here, written to {@code target/pipeline-settings.md} when it disagrees).
 */
class PipelineSettingTest
{
    static final String BEGIN = "<!-- settings table: generated from PipelineSetting, checked by PipelineSettingTest -->";
    static final String END = "<!-- end of settings table -->";
    private static final Path DOC = Path.of("..", "docs", "embedding.md");

    @Test
    void shouldDocumentEverySettingAsItsDescriptorSays() throws Exception
    {
        GeneratedDocBlock.assertMatches(DOC, BEGIN, END, table(), "pipeline-settings.md");
    }

    @Test
    void shouldGiveTheBuilderEachDescriptorsDefaultAndPassItsOwnCheck()
    {
        final PipelineConfig defaults = PipelineConfig.builder().journalDirectory(Path.of("j")).build();
        for (final PipelineSetting setting : PipelineSetting.values())
        {
            final Object expected = setting == PipelineSetting.JOURNAL_DIRECTORY ? Path.of("j") : setting.defaultValue();
            assertEquals(expected, setting.get(defaults), setting.key());
            if (setting.defaultValue() != null)
            {
                assertNull(setting.problem(setting.defaultValue()), setting.key());
            }
        }
        assertEquals(JournalSpaceGuard.DEFAULT_MIN_FREE_BYTES, defaults.journalMinFreeBytes());
    }

    @Test
    void shouldCopyEverySettingThroughToBuilder()
    {
        final PipelineConfig config = PipelineConfig.builder().channelCapacity(64).maxSources(3).merging(true, 250)
            .validateParameters(false).waitStrategy(WaitStrategyKind.YIELDING).producerMode(ProducerMode.SINGLE)
            .maxFrameBytes(2048).ackMode(AckMode.ACCEPTED).journalDirectory(Path.of("j")).rollCycle("FAST_DAILY")
            .journalThread(JournalThread.SEPARATE).journalPretouch(false).journalMinFreeBytes(0)
            .jsonLinesFile(Path.of("o"))
            .outputDigest(true).subscriberBufferBytes(8192).build();
        assertEquals(config.toString(), config.toBuilder().build().toString());
        assertTrue(config.toString().contains("merge_window=250us, validate_parameters=false, wait_strategy=yielding"),
            config.toString());
    }

    @Test
    void shouldParseTheTextFormsAndSayWhatIsWrong()
    {
        assertEquals(2_000_000L, PipelineSetting.MERGE_WINDOW.parse("2s"));
        assertEquals(true, PipelineSetting.ENABLE_MERGING.parse("1"));
        assertEquals(1 << 20, PipelineSetting.SUBSCRIBER_BUFFER_BYTES.parse("1_048_576"));
        assertEquals(AckMode.ACCEPTED, PipelineSetting.ACK_MODE.parse("accepted"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineSetting.ACK_MODE.parse("fast"))
            .getMessage().contains("journaled, accepted"));
        assertTrue(PipelineSetting.CHANNEL_CAPACITY.problem(100).contains("power of two"));
    }

    @Test
    void shouldRefuseADurationTooLargeForMicrosecondsRatherThanWrapIt()
    {
        // 2^58 + 10 seconds, and 2^61 + 10,000 ms, times their unit wrap to exactly 10 s in a long.
        for (final String text : List.of("288230376151711754s", "2305843009213703952ms", "99999999999999999999s",
            "99999999999999999999"))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> PipelineSetting.STREAM_IDLE_TIMEOUT.parse(text), text);
            assertTrue(ex.getMessage().contains("got " + text) && ex.getMessage().contains("must be a duration"),
                ex.getMessage());
        }
        assertEquals(9_223_372_036_854_000_000L, PipelineSetting.MERGE_WINDOW.parse("9223372036854s"));
    }

    /** The Markdown table, one row per setting in declaration order. */
    static String table()
    {
        final StringBuilder table = new StringBuilder("| key | default | unit | meaning |\n|---|---|---|---|\n");
        for (final PipelineSetting setting : PipelineSetting.values())
        {
            table.append("| `").append(setting.key()).append("` | ")
                .append(setting.defaultText().isEmpty() ? "—" : "`" + setting.defaultText() + "`").append(" | ")
                .append(setting.unit()).append(" | ").append(setting.description().replace("|", "\\|")).append(" |\n");
        }
        return table.toString();
    }
}
