package io.pitgun.replay;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * A failed connection in words for the user. The JDK's HTTP and WebSocket clients throw a {@link ConnectException}
 * without a message for a refused connection, so a bare {@code getMessage()} printed "null".
 */
public final class ConnectFailure
{
    /** What a replay that cannot reach its gateway at start suggests. */
    static final String HINT = "is the gateway running? start it with 'pitgun gateway'";

    private ConnectFailure()
    {
    }

    /** {@code failure}'s message, or what it means when it has none. */
    public static String describe(final Throwable failure)
    {
        if (failure.getMessage() != null)
        {
            return failure.getMessage();
        }
        return failure instanceof ConnectException ? "connection refused (nothing listens there)" :
            failure.getClass().getSimpleName();
    }

    /**
     * A connection (or a WebSocket's opening handshake) not made within the replay's {@code --timeout}: a
     * {@link ConnectException}, so it is handled as a refused one (at start the replay ends, mid-run it is retried),
     * but named as what it is.
     */
    static final class TimedOut extends ConnectException
    {
        /** @param what "connect to URI" or "open URI". */
        TimedOut(final String what, final Duration timeout)
        {
            super("cannot " + what + " within " + timeout.toSeconds() + " s (" + HINT + ")");
        }
    }

    /**
     * A try whose connection was made (over the WebSocket, the socket opened) and whose answer did not come within
     * the replay's {@code --timeout}: a gateway that hangs, or another program on the port that never answers. An
     * {@link HttpTimeoutException}, so mid-run it is retried and counted as timed out; at start the replay ends, as
     * for a connection not made ({@link #atStart}).
     */
    static final class NoAnswer extends HttpTimeoutException
    {
        NoAnswer(final URI from, final Duration timeout)
        {
            super("no answer from " + from + " within " + timeout.toSeconds() + " s");
        }
    }

    /**
     * {@code noAnswer} as the end of a run whose gateway has not answered yet: nothing there answers, so, as for a
     * connection not made, retrying would only hold the run for {@code --max-retries} × {@code --timeout}.
     */
    static ConnectException atStart(final NoAnswer noAnswer)
    {
        final ConnectException atStart = new ConnectException(noAnswer.getMessage() + " (" + HINT + ")");
        atStart.initCause(noAnswer);
        return atStart;
    }
}
