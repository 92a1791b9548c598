package io.pitgun.perf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The main class of {@code benchmarks.jar}: JMH's own {@code org.openjdk.jmh.Main} with the JVM flags Pitgun's
 * libraries need (Agrona's and Chronicle's opens and exports, Chronicle's analytics off) prepended to every fork's
 * command line. The flags are not written here or in the benchmarks' {@code @Fork}: the build copies the root pom's
 * {@code pitgun.jvm.flags}, the list surefire's {@code argLine} uses for every test, into the resource
 * {@value #FLAGS_RESOURCE}, so benchmarks and tests run with the same flags. Arguments are passed to JMH as given;
 * a caller's own {@code -jvmArgsPrepend} replaces these flags.
 */
public final class BenchmarkMain
{
    /** The class-path resource holding the flags, space separated, on one line. */
    public static final String FLAGS_RESOURCE = "pitgun-jvm.flags";

    private BenchmarkMain()
    {
    }

    /**
     * Runs JMH.
     *
     * @param args JMH's command line ({@code -h} lists it).
     * @throws Exception what JMH throws.
     */
    public static void main(final String[] args) throws Exception
    {
        org.openjdk.jmh.Main.main(withJvmFlags(args, jvmFlags()));
    }

    /** {@code args} with {@code -jvmArgsPrepend FLAGS} in front, unless they set it themselves or flags are empty. */
    static String[] withJvmFlags(final String[] args, final String flags)
    {
        for (final String arg : args)
        {
            if (arg.startsWith("-jvmArgsPrepend"))
            {
                return args;
            }
        }
        if (flags.isBlank())
        {
            return args;
        }
        final List<String> all = new ArrayList<>(List.of("-jvmArgsPrepend", flags));
        all.addAll(List.of(args));
        return all.toArray(new String[0]);
    }

    /**
     * {@link #jvmFlags()} one flag per element, for the benchmark mains that start JVMs of their own
     * (paced.PacedLatencyMain, wrk.GatewayWrkMain); without {@value #UNSAFE_FLAG} on a JDK before 23, which refuses
     * it (a jar built on a newer JDK carries it), as bin/pitgun drops it.
     */
    public static List<String> jvmFlagList() throws IOException
    {
        final List<String> flags = new ArrayList<>();
        for (final String flag : jvmFlags().split(" "))
        {
            if (!flag.isEmpty() && (!flag.equals(UNSAFE_FLAG) || Runtime.version().feature() >= 23))
            {
                flags.add(flag);
            }
        }
        return flags;
    }

    /** A flag JDK 23+ takes and older JDKs refuse. */
    private static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access=allow";

    /** The flags the build wrote into {@value #FLAGS_RESOURCE}, whitespace collapsed. */
    public static String jvmFlags() throws IOException
    {
        try (InputStream in = BenchmarkMain.class.getClassLoader().getResourceAsStream(FLAGS_RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException(FLAGS_RESOURCE + " is missing from the class path: build perf with Maven");
            }
            final String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().replaceAll("\\s+", " ");
            if (flags.contains("${"))
            {
                throw new IllegalStateException(FLAGS_RESOURCE + " was not filtered by the build: " + flags);
            }
            return flags;
        }
    }
}
