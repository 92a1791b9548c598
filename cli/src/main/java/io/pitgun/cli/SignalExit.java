package io.pitgun.cli;

/**
 * Stops a long-running command gracefully on SIGTERM and SIGINT and exits with status 0, instead of the JVM's
 * 143/130, and on any other exit (a shutdown hook). The signal handler runs the stop on the thread the JVM made to
 * deliver the signal, then {@code System.exit(0)}: it starts no thread of its own, because under a thread limit
 * ({@code ulimit -u}) the one thread the JVM could make for the signal may be the last. Before, the handler started
 * a thread to call {@code System.exit}, whose shutdown hook started another for the drain: with {@code -u 28} the
 * first failed ("unable to create native thread") and the gateway ignored SIGTERM; only SIGKILL stopped it. The
 * shutdown hook's thread is started by the JVM at exit and may fail there too: the stop has run by then.
 * Uses {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where it is missing the shutdown hook alone
 * stops, and the exit status is the JVM's.
 */
final class SignalExit
{
    private SignalExit()
    {
    }

    /**
     * Runs {@code stop} once, on whichever comes first: SIGTERM, SIGINT (then exits 0), or the JVM's shutdown (a
     * hook named {@code hookName}). A caller that comes while it runs waits until it is done.
     *
     * @return the shutdown hook, registered: a command that stops by itself may remove it and run it.
     */
    static Thread install(final String hookName, final Runnable stop)
    {
        final Runnable once = once(stop);
        final Thread hook = new Thread(once, hookName);
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

    /** What a signal does, on the thread that delivers it: the stop, then the exit. */
    private static void onSignal(final Runnable once)
    {
        once.run();
        System.exit(0);
    }

    /** {@code stop} run at most once; a concurrent caller waits for the first to finish. */
    static Runnable once(final Runnable stop)
    {
        return new Runnable()
        {
            private boolean ran;

            @Override
            public synchronized void run()
            {
                if (!ran)
                {
                    ran = true;
                    stop.run();
                }
            }
        };
    }
}
