package io.pitgun.cli;

import java.util.regex.Pattern;

/**
 * A path or argument written into a command line the CLI prints for the user to paste ({@code demo}'s "Next:"
 * lines, {@code loadgen}'s report command): one word to a POSIX shell whatever it holds. Unquoted, a data directory
 * {@code run 1} made {@code rm -rf /tmp/x/run 1} delete {@code ./1} and leave the directory, and a path with
 * {@code '} or {@code $} broke or changed the command.
 */
final class ShellWord
{
    /** What a shell takes literally without quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellWord()
    {
    }

    /**
     * {@code text} as it is when plain, else in single quotes (a {@code '} inside as {@code '\''}); a relative path
     * that starts with {@code -} gets {@code ./} first, so that the command does not take it for an option.
     */
    static String of(final Object text)
    {
        final String t = String.valueOf(text);
        final String s = t.startsWith("-") ? "./" + t : t;
        return PLAIN.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
