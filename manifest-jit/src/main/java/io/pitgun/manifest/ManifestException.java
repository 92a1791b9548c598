package io.pitgun.manifest;

import java.util.List;

/**
 * A manifest that cannot be loaded or compiled. {@link #getMessage()} lists every problem as
 * {@code file:line:column: reason}, each followed by the offending line and a caret.
 */
public final class ManifestException extends Exception
{
    private final List<ManifestProblem> problems;

    /** @param problems at least one problem. */
    public ManifestException(final List<ManifestProblem> problems)
    {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /** @param problem the one problem. */
    public ManifestException(final ManifestProblem problem)
    {
        this(List.of(problem));
    }

    /** Every problem found, in document order. */
    public List<ManifestProblem> problems()
    {
        return problems;
    }

    private static String format(final List<ManifestProblem> problems)
    {
        final StringBuilder sb = new StringBuilder();
        for (final ManifestProblem problem : problems)
        {
            if (sb.length() > 0)
            {
                sb.append(System.lineSeparator());
            }
            sb.append(problem.format());
        }
        return sb.toString();
    }
}
