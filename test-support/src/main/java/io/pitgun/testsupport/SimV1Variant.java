package io.pitgun.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped {@code sim.v1} dictionary under another name, with chosen channels made restricted: a dictionary of a
 * gateway's own, for tests of which dictionary a reader judges a journal by (docs/security.md).
 */
public final class SimV1Variant
{
    private static final String RESOURCE = "dictionaries/sim.v1.yaml";

    private SimV1Variant()
    {
    }

    /**
     * Writes sim.v1 to {@code file} as dictionary {@code name}, each of the {@code restricted} channels (public in
     * sim.v1) made restricted.
     *
     * @return {@code file}.
     */
    public static Path write(final Path file, final String name, final String... restricted) throws IOException
    {
        String text;
        try (InputStream in = SimV1Variant.class.getClassLoader().getResourceAsStream(RESOURCE))
        {
            if (in == null)
            {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: sim.v1", "name: " + name);
        }
        for (final String channel : restricted)
        {
            // The channel's entry: its name line, then its indented fields down to its access level.
            final Matcher access = Pattern.compile("(name: " + Pattern.quote(channel) +
                "\n(?: {4}.*\n)*? {4}access: )public").matcher(text);
            if (!access.find())
            {
                throw new IllegalArgumentException(channel + ": no public channel of that name in sim.v1");
            }
            text = access.replaceFirst("$1restricted");
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
