package io.pitgun.sinks;

import io.pitgun.codecs.dictionary.ParameterRegistry;
import io.pitgun.engine.PipelineConfig;
import io.pitgun.journal.Journal;
import io.pitgun.journal.JournalConfig;
import io.pitgun.manifest.CompiledManifest;
import io.pitgun.manifest.ManifestCompiler;
import io.pitgun.manifest.ManifestLoader;
import io.pitgun.testsupport.Await;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A lasting fault behind a connection that opens (a table dropped behind the sink's back, a row the database refuses
 * every time) backs the reconnects off as a refused connection does. Before, every reconnect that opened set the
 * back-off to 100 ms: the sink ran the journal again ten times a second for ever, an idle gateway's cores busy.
 */
class JournalSinkRunnerBackoffTest
{
    @TempDir
    Path dir;

    @Test
    void shouldBackOffToFiveSecondsWhileEveryConnectionFailsWithoutWriting() throws Exception
    {
        final AtomicInteger opened = new AtomicInteger();
        final CompiledManifest manifest = ManifestCompiler.compile(ManifestLoader.parse(Path.of("m.yaml"),
            "version: v1\npipeline:\n  - type: filter\n    whitelist: [\"Speed\"]\n"), ParameterRegistry.simV1());
        try (Journal journal = Journal.open(JournalConfig.of(dir.resolve("journal")));
             JournalSinkRunner runner = JournalSinkRunner.start("failing", journal, manifest,
                 ParameterRegistry.simV1(), PipelineConfig.defaults(), (names, counters) ->
                 {
                     opened.incrementAndGet();
                     return new FailingSink();
                 }))
        {
            // 100, 200, 400, 800, 1,600, 3,200, then 5,000 ms: about 6.3 s of waits before the delay reaches 5 s.
            Await.until("the retry delay reaches its most", Duration.ofSeconds(30),
                () -> runner.counters().retryDelayMs() == JournalSinkRunner.MAX_BACKOFF_MS);
            assertTrue(opened.get() >= 7, "opened " + opened.get());
            assertTrue(opened.get() <= 9, "opened " + opened.get() + " times: not backing off");
            assertEquals(opened.get(), runner.counters().failures());
        }
    }

    /** Opens, and has failed before it writes anything. */
    private static final class FailingSink implements DatabaseSink
    {
        @Override
        public Throwable failure()
        {
            return new IllegalStateException("relation \"insights\" does not exist");
        }

        @Override
        public boolean isFlushed()
        {
            return true;
        }

        @Override
        public void onDerivedFrame(final DirectBuffer buffer, final int offset, final int length)
        {
        }

        @Override
        public void onInsight(final DirectBuffer buffer, final int offset, final int length)
        {
        }

        @Override
        public void close()
        {
        }
    }
}
