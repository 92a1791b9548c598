package io.pitgun.perf.loadgen;

import java.util.concurrent.CompletionException;

/** Short names for transport failures in the loadgen error table (no stack traces to users). */
public final class LoadgenErrors
{
    private LoadgenErrors()
    {
    }

    /**
     * @param error a failure, possibly wrapped in {@code CompletionException}s.
     * @return the simple class name of the first cause that is not a {@code CompletionException}.
     */
    public static String name(final Throwable error)
    {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
