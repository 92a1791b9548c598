package io.pitgun.codecs.dictionary;

import java.util.List;

/** A dictionary document that cannot be used; {@link #problems()} lists every reason, each naming its entry. */
public final class DictionaryException extends RuntimeException
{
    private final List<String> problems;
    private final int schemaProblems;

    public DictionaryException(final String source, final List<String> problems)
    {
        this(source, problems, 0);
    }

    /**
     * @param schemaProblems how many of {@code problems}, at their start, are the {@code metrics-dictionary/v1}
     *                       schema's; the rest are the checks a schema cannot make.
     */
    public DictionaryException(final String source, final List<String> problems, final int schemaProblems)
    {
        super(source + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
        this.schemaProblems = schemaProblems;
    }

    /** Each problem found, e.g. {@code parameters[3] 'Speed': duplicate id 3 (also used by 'Gear')}. */
    public List<String> problems()
    {
        return problems;
    }

    /** The problems a schema cannot find (duplicates, empty ranges, ...): those after the schema's own. */
    public List<String> beyondSchema()
    {
        return problems.subList(schemaProblems, problems.size());
    }
}
