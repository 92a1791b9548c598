package io.pitgun.perf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-runs a benchmark's main class in a child JVM started with Pitgun's JVM flags ({@link BenchmarkMain#jvmFlagList}),
 * so a benchmark measures the runtime as it is deployed whatever JVM the caller started; a system property tells the
 * child it is the child and should run rather than start another one.
 */
public final class ChildJvm
{
    private ChildJvm()
    {
    }

    /**
     * The command line: this JVM's {@code java}, Pitgun's JVM flags, {@code -DchildProperty=true}, {@code jvmArgs},
     * this JVM's class path, {@code mainClass} and {@code args}.
     *
     * @param mainClass     the main class the child runs.
     * @param childProperty the system property set to {@code true} in the child.
     * @param jvmArgs       further JVM arguments (e.g. {@code -Dname=value}), after the child property.
     * @param args          the main class's arguments.
     * @return the command, for a {@link ProcessBuilder}.
     * @throws IOException when Pitgun's JVM flags cannot be read.
     */
    public static List<String> command(final Class<?> mainClass, final String childProperty,
        final List<String> jvmArgs, final String[] args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(BenchmarkMain.jvmFlagList());
        command.add("-D" + childProperty + "=true");
        command.addAll(jvmArgs);
        // Logging: benchmarks.jar's logback.xml (WARN), as pitgun's.
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        return command;
    }

    /**
     * Runs {@link #command} with this JVM's standard streams and waits for the child.
     *
     * @return the child's exit code.
     * @throws IOException          when the child cannot be started.
     * @throws InterruptedException when interrupted while waiting for it.
     */
    public static int run(final Class<?> mainClass, final String childProperty, final List<String> jvmArgs,
        final String[] args) throws IOException, InterruptedException
    {
        return new ProcessBuilder(command(mainClass, childProperty, jvmArgs, args)).inheritIO().start().waitFor();
    }
}
