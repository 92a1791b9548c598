package io.pitgun.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import java.util.function.IntSupplier;

/**
 * Stops a long-running command gracefully on SIGTERM and SIGINT and exits with the status its stop returns (0 for a
 * clean stop), instead of the JVM's 143/130, and on any other exit (a shutdown hook). The signal handler runs the
 * stop on the thread the JVM made to deliver the signal, then {@code System.exit}: it starts no thread of its own,
 * because under a thread limit ({@code ulimit -u}) the one thread the JVM could make for the signal may be the last.
 * Before, the handler started a thread to call {@code System.exit}, whose shutdown hook started another for the
 * drain: with {@code -u 28} the first failed ("unable to create native thread") and the gateway ignored SIGTERM; only
 * SIGKILL stopped it. The shutdown hook's thread is started by the JVM at exit and may fail there too: the stop has
 * run by then. Uses {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where it is missing the shutdown
 * hook alone stops, and the exit status is the JVM's.
 */
final class SignalExit
{
    private SignalExit()
    {
    }

    /**
     * Runs {@code stop} once, on whichever comes first: SIGTERM, SIGINT (then exits with the status it returns), or
     * the JVM's shutdown (a hook named {@code hookName}). A caller that comes while it runs waits until it is done.
     *
     * @return the shutdown hook, registered: a command that stops by itself may remove it and run it.
     */
    static Thread install(final String hookName, final IntSupplier stop)
    {
        final IntSupplier once = once(stop);
        final Thread hook = new Thread(once::getAsInt, hookName);
        Runtime.getRuntime().addShutdownHook(hook);
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Object handler = java.lang.reflect.Proxy.newProxyInstance(SignalExit.class.getClassLoader(),
                new Class<?>[] { handlerClass }, (proxy, method, args) ->
                {
                    if ("handle".equals(method.getName()))
                    {
                        onSignal(once);
                    }
                    return null;
                });
            for (final String name : new String[] { "TERM", "INT" })
            {
                final Object signal = signalClass.getConstructor(String.class).newInstance(name);
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            // Not available: the shutdown hook still stops.
        }
        return hook;
    }

    /**
     * Runs {@code body}, a command that ends by itself, so that SIGTERM or SIGINT meanwhile calls {@code stop} (which
     * makes the body end early, reporting what it did) and exits with the status the body then returns, not the JVM's
     * 130/143. The signal waits at most {@code waitS} seconds for that status, and exits 1 without it (the body threw,
     * or is stuck). The shutdown hook is removed once the body returns.
     *
     * @return the body's status.
     */
    static int runStoppable(final String hookName, final Runnable stop, final long waitS,
        final Callable<Integer> body) throws Exception
    {
        final CompletableFuture<Integer> status = new CompletableFuture<>();
        final Thread hook = install(hookName, () ->
        {
            stop.run();
            try
            {
                return status.get(waitS, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return CliErrorHandler.FAILED;
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                return CliErrorHandler.FAILED; // no status to go by
            }
        });
        try
        {
            final int exit = body.call();
            status.complete(exit);
            return exit;
        }
        finally
        {
            status.complete(CliErrorHandler.FAILED); // if the body threw: a signal now exits 1
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // Already shutting down: the hook is running and will see the status.
            }
        }
    }

    /** What a signal does, on the thread that delivers it: the stop, then the exit with the stop's status. */
    private static void onSignal(final IntSupplier once)
    {
        System.exit(once.getAsInt());
    }

    /** {@code stop} run at most once; a concurrent or later caller waits for the first to finish and gets its
     *  status. */
    static IntSupplier once(final IntSupplier stop)
    {
        return new IntSupplier()
        {
            private boolean ran;
            private int status;

            @Override
            public synchronized int getAsInt()
            {
                if (!ran)
                {
                    ran = true;
                    status = stop.getAsInt();
                }
                return status;
            }
        };
    }
}
