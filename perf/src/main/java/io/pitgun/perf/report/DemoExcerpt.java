package io.pitgun.perf.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of {@code bin/pitgun demo}'s output that is a measurement: the replay summary (starting at {@code replay
 * of ...}) and the latency table (starting at {@code Latency (µs)}), each up to the blank line after it, as a
 * preformatted block. The lap table is the session's data, not a measurement, and stays out.
 */
final class DemoExcerpt
{
    private DemoExcerpt()
    {
    }

    /**
     * The block's Markdown.
     *
     * @throws IllegalArgumentException naming the missing section when the output has no replay summary or no
     *                                  latency table (the demo failed or its output changed).
     */
    static String render(final String output)
    {
        final List<String> lines = List.of(output.replace("\r", "").split("\n"));
        final List<String> out = new ArrayList<>();
        section(lines, "replay of ", out);
        out.add("");
        section(lines, "Latency (µs)", out);
        return "```text\n" + String.join("\n", out) + "\n```\n";
    }

    private static void section(final List<String> lines, final String start, final List<String> out)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).startsWith(start))
            {
                for (int j = i; j < lines.size() && !lines.get(j).isBlank(); j++)
                {
                    out.add(lines.get(j).stripTrailing());
                }
                return;
            }
        }
        throw new IllegalArgumentException("no line starting with '" + start + "' in the demo's output");
    }
}
