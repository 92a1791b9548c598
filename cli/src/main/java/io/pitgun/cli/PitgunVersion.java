package io.pitgun.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code pitgun --version}: the build's version and the JVM it runs on. */
final class PitgunVersion implements CommandLine.IVersionProvider
{
    /** The build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
    static String version() throws IOException
    {
        return properties().getProperty("version", "(unknown version)");
    }

    /** The git commit the build was made from, or {@code unknown} (a build without bin/pitgun's flag). */
    static String commit() throws IOException
    {
        final String commit = properties().getProperty("commit", "unknown");
        return commit.startsWith("${") ? "unknown" : commit;
    }

    private static Properties properties() throws IOException
    {
        final Properties properties = new Properties();
        try (InputStream in = PitgunVersion.class.getResourceAsStream("/pitgun-version.properties"))
        {
            if (in != null)
            {
                properties.load(in);
            }
        }
        return properties;
    }

    @Override
    public String[] getVersion() throws IOException
    {
        final Properties properties = properties();
        return new String[] {
            "pitgun " + properties.getProperty("version", "(unknown version)"),
            "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        };
    }
}
