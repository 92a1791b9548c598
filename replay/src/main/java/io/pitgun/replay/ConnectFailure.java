package io.pitgun.replay;

import java.net.ConnectException;

/**
 * A failed connection in words for the user. The JDK's HTTP and WebSocket clients throw a {@link ConnectException}
 * without a message for a refused connection, so a bare {@code getMessage()} printed "null".
 */
public final class ConnectFailure
{
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
}
