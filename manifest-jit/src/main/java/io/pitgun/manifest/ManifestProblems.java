package io.pitgun.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** How a list of manifest problems is shown: once each, in source order (problems without a position first). */
final class ManifestProblems
{
    private static final Comparator<ManifestProblem> SOURCE_ORDER = Comparator.comparing(
        (ManifestProblem problem) -> problem.location() == null ? 0 : problem.location().line())
        .thenComparing(problem -> problem.location() == null ? 0 : problem.location().column());

    private ManifestProblems()
    {
    }

    /** {@code problems} without repeats (same place, same reason), sorted by line then column; stable otherwise. */
    static List<ManifestProblem> inSourceOrder(final List<ManifestProblem> problems)
    {
        final List<ManifestProblem> unique = new ArrayList<>(new LinkedHashSet<>(problems));
        unique.sort(SOURCE_ORDER);
        return unique;
    }
}
