package io.pitgun.cli;

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
