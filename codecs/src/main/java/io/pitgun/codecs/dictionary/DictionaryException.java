package io.pitgun.codecs.dictionary;

import java.util.List;

/** A dictionary document that cannot be used; {@link #problems()} lists every reason, each naming its entry. */
public final class DictionaryException extends RuntimeException
{
    private final List<String> problems;

    public DictionaryException(final String source, final List<String> problems)
    {
        super(source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem found, e.g. {@code parameters[3] 'Speed': duplicate id 3 (also used by 'Gear')}. */
    public List<String> problems()
    {
        return problems;
    }
}
