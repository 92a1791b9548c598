package io.pitgun.cli;

import java.util.concurrent.CountDownLatch;

/**
 * Makes SIGTERM and SIGINT end the process with status 0 after a graceful drain, instead of the JVM's 143/130:
 * the handler calls {@code System.exit(0)}, which runs the shutdown hooks (the drain) and exits 0. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where it is missing the shutdown hook alone
 * still drains, and the exit status is the JVM's.
 */
final class SignalExit
{
    private SignalExit()
    {
    }

    static void install(final CountDownLatch stopped)
    {
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Object handler = java.lang.reflect.Proxy.newProxyInstance(SignalExit.class.getClassLoader(),
                new Class<?>[] { handlerClass }, (proxy, method, args) ->
                {
                    if ("handle".equals(method.getName()))
                    {
                        new Thread(() -> System.exit(0), "pitgun-signal-exit").start();
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
            // Not available: the shutdown hook still drains.
        }
    }
}
