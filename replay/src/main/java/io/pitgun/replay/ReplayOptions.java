package io.pitgun.replay;

import io.pitgun.codecs.dictionary.ParameterRegistry;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Everything a replay needs to know.
 *
 * @param target            the gateway.
 * @param input             the CSV file.
 * @param framesPerSecond   a fixed rate, or 0 for real time from the timestamps.
 * @param loop              start again at the end of the file (timestamps keep increasing).
 * @param webSocket         send over {@code /ws} instead of {@code POST /beacon}.
 * @param batch             frames per envelope, 1..1024.
 * @param allowRemote       allow a target that is not a loopback address.
 * @param includeRestricted send restricted channels too.
 * @param sessionMarkers    send {@code session.start} before and {@code session.end} after the frames.
 * @param maxRetries        retries of one envelope after 429/503 or a broken connection before giving up on it.
 * @param sessionId         the session id, or null for a fresh one.
 * @param playerId          the producer id, or null for a fresh one.
 * @param registry          the dictionary columns are mapped to.
 */
public record ReplayOptions(
    ReplayTarget target,
    Path input,
    double framesPerSecond,
    boolean loop,
    boolean webSocket,
    int batch,
    boolean allowRemote,
    boolean includeRestricted,
    boolean sessionMarkers,
    int maxRetries,
    UUID sessionId,
    UUID playerId,
    ParameterRegistry registry)
{
    /** Default frames per envelope: 100 ms of a 100 Hz source. */
    public static final int DEFAULT_BATCH = 10;
    /** Default retries of one envelope. */
    public static final int DEFAULT_MAX_RETRIES = 20;
    /**
     * Default wait of one try of an envelope, seconds: for the connection (over {@code --ws}, the socket's opening)
     * and then for the gateway's answer, each.
     */
    public static final int DEFAULT_TIMEOUT_S = 30;

    /**
     * Checks the options that do not need the network.
     *
     * @throws ReplayInputException naming the option.
     */
    public void validate()
    {
        checkBatch(batch);
        if (maxRetries < 0)
        {
            throw new ReplayInputException("--max-retries must not be negative, got " + maxRetries);
        }
        if (!allowRemote && !target.isLoopback())
        {
            throw new ReplayInputException("--target " + target + " is not a loopback address: a replay floods its " +
                "target, so sending to another machine needs --allow-remote");
        }
    }

    /**
     * Checks a frames-per-envelope count on its own, for a command that takes {@code --batch} before it has the rest
     * of the options ({@code pitgun demo}, which refuses it before it starts a gateway).
     *
     * @throws ReplayInputException naming the option.
     */
    public static void checkBatch(final int batch)
    {
        if (batch < 1 || batch > 1024)
        {
            throw new ReplayInputException("--batch must be in [1, 1024] (the envelope contract's frame limit), got " +
                batch);
        }
    }
}
