package io.pitgun.perf;

import io.pitgun.engine.PipelineConfig;
import io.pitgun.journal.JournalPretouchAgent;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.agrona.concurrent.AgentRunner;

import java.nio.file.Path;

/**
 * A Chronicle queue opened the way the pipeline's journal opens its own — the pipeline's default roll cycle,
 * Chronicle's default block size — with the pipeline's pretoucher ({@link JournalPretouchAgent}: the same distance
 * ahead, the same idle strategy) populating its pages on a thread of its own.
 *
 * <p>Why every journaling baseline uses it (PipelineThroughput's bare journaled ring, the paced benchmark's journaled
 * ring floor, the gateway benchmark's journaling server): without a pretoucher a baseline's appending thread would
 * take every fresh page's fault itself, which the pipeline's journal does not, and the comparison would flatter
 * Pitgun. One place opens and closes them, so the baselines cannot drift apart.
 *
 * <p>The appending thread calls {@code pretoucher().onAppended(bytes)} inside each document it writes.
 */
public final class PretouchedQueue implements AutoCloseable
{
    private final SingleChronicleQueue queue;
    private final JournalPretouchAgent pretoucher = new JournalPretouchAgent(JournalPretouchAgent.DEFAULT_AHEAD_BYTES);
    private final AgentRunner pretouchRunner;

    /** Opens (or creates) the queue in {@code directory} and starts its pretoucher's thread. */
    public PretouchedQueue(final Path directory)
    {
        queue = ChronicleQueue.singleBuilder(directory)
            .rollCycle(RollCycles.valueOf(PipelineConfig.DEFAULT_ROLL_CYCLE)).build();
        pretouchRunner = new AgentRunner(JournalPretouchAgent.idleStrategy(), Throwable::printStackTrace, null,
            pretoucher);
        AgentRunner.startOnThread(pretouchRunner);
    }

    /** The queue, for the one appending thread's appender. */
    public SingleChronicleQueue queue()
    {
        return queue;
    }

    /**
     * The pretoucher, told of each append by the appending thread; its figures ({@code populatedBytes},
     * {@code failure}) stay readable after {@link #close}.
     */
    public JournalPretouchAgent pretoucher()
    {
        return pretoucher;
    }

    /**
     * Stops the pretoucher's thread, lets go of the chunk the pretoucher holds
     * ({@link JournalPretouchAgent#releaseChunk}), then closes the queue. Only once the appending thread has stopped:
     * nothing it does may follow the release.
     */
    @Override
    public void close()
    {
        pretouchRunner.close();
        pretoucher.releaseChunk();
        queue.close();
    }
}
