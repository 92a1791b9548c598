package io.pitgun.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code pitgun --version}: the build's version and the JVM it runs on. */
final class PitgunVersion implements CommandLine.IVersionProvider
{
    @Override
    public String[] getVersion() throws IOException
    {
        final Properties properties = new Properties();
        try (InputStream in = PitgunVersion.class.getResourceAsStream("/pitgun-version.properties"))
        {
            if (in != null)
            {
                properties.load(in);
            }
        }
        return new String[] {
            "pitgun " + properties.getProperty("version", "(unknown version)"),
            "JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        };
    }
}
