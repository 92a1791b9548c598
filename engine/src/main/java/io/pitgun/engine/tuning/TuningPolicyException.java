package io.pitgun.engine.tuning;

import java.util.List;

/**
 * A tuning policy that cannot be used (unreadable, not {@code tuning-policy/v1}, naming a channel the dictionary
 * lacks, ...) or a manifest that a policy forbids. Every problem is listed, each a sentence naming where it is.
 */
public final class TuningPolicyException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    /** @param problems what is wrong, at least one. */
    public TuningPolicyException(final List<String> problems)
    {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one sentence each. */
    public List<String> problems()
    {
        return problems;
    }
}
