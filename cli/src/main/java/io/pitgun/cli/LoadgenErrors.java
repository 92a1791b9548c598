package io.pitgun.cli;

import java.util.concurrent.CompletionException;

/** Short names for transport failures in the loadgen error table (no stack traces to users). */
final class LoadgenErrors
{
    private LoadgenErrors()
    {
    }

    static String name(final Throwable error)
    {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }
}
