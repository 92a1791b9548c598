package io.pitgun.perf.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces the text between {@code <!-- bench:NAME -->} and {@code <!-- /bench:NAME -->} markers of a Markdown
 * document; everything outside the markers stays byte for byte. Every marked block must get fresh content: a block
 * left as it was would show an earlier run's figures as if they were this run's.
 */
final class MarkedBlocks
{
    private static final Pattern BLOCK = Pattern.compile(
        "(<!-- bench:([A-Za-z0-9]+) -->\\n)(.*?)(<!-- /bench:\\2 -->)", Pattern.DOTALL);

    private MarkedBlocks()
    {
    }

    /** The names of the document's marked blocks, in order. */
    static List<String> names(final String document)
    {
        final List<String> names = new ArrayList<>();
        final Matcher m = BLOCK.matcher(document);
        while (m.find())
        {
            names.add(m.group(2));
        }
        return names;
    }

    /**
     * The document with each marked block's content replaced by {@code bodies.get(NAME)}.
     *
     * @throws IllegalArgumentException naming every block that has no body, before anything is replaced.
     */
    static String replace(final String document, final Map<String, String> bodies)
    {
        final List<String> missing = new ArrayList<>();
        for (final String name : names(document))
        {
            if (!bodies.containsKey(name))
            {
                missing.add(name);
            }
        }
        if (!missing.isEmpty())
        {
            throw new IllegalArgumentException("no data in this run for block(s) " + missing + " (a marker " +
                "<!-- bench:NAME --> needs JMH results of class NAMEBenchmark or an input named NAME)");
        }
        final Matcher m = BLOCK.matcher(document);
        final StringBuilder out = new StringBuilder(document.length() + 1024);
        int last = 0;
        while (m.find())
        {
            final String body = bodies.get(m.group(2));
            out.append(document, last, m.start(3)).append(body.endsWith("\n") ? body : body + "\n");
            last = m.end(3);
        }
        return out.append(document, last, document.length()).toString();
    }
}
