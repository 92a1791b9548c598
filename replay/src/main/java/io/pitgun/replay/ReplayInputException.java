package io.pitgun.replay;

/** A problem with the replay's input (the CSV file or an option), with a message that says where and how to fix it. */
public final class ReplayInputException extends RuntimeException
{
    public ReplayInputException(final String message)
    {
        super(message);
    }
}
