package io.pitgun.gateway;

import java.util.List;

/** The gateway's configuration is unusable; the message lists every problem, each naming its setting. */
public final class GatewayConfigException extends RuntimeException
{
    private final List<String> problems;

    public GatewayConfigException(final List<String> problems)
    {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One sentence per problem. */
    public List<String> problems()
    {
        return problems;
    }
}
