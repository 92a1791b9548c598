package io.pitgun.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block of a Markdown page generated from code (a settings table): between a begin and an end marker the page
 * must hold exactly what the code gives. When it does not, the generated block is written to
 * {@code target/<fileName>} to paste in, and the check fails naming it.
 */
public final class GeneratedDocBlock
{
    private GeneratedDocBlock()
    {
    }

    /**
     * @throws AssertionError when {@code doc} lacks the markers or holds another block between them.
     */
    public static void assertMatches(final Path doc, final String begin, final String end, final String expected,
        final String fileName) throws IOException
    {
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", fileName), expected);
        final String text = Files.readString(doc);
        final int from = text.indexOf(begin);
        final int to = text.indexOf(end);
        if (from < 0 || to <= from)
        {
            throw new AssertionError(doc + " lacks the markers " + begin + " ... " + end);
        }
        final String actual = text.substring(from + begin.length() + 1, to);
        if (!actual.equals(expected))
        {
            throw new AssertionError(doc + "'s generated block disagrees with the code; target/" + fileName +
                " holds the right one:\n" + expected);
        }
    }
}
