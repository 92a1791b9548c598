package io.pitgun.engine;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A reader of the {@link JournalIndexHistory} while the journaling thread replaces an entry gets each sequence's own
 * position or -1, never the other sequence's: a history of one entry holds sequence 0 at position 100, and the writer
 * records sequence 1 at position 200 over it.
 */
@JCStressTest
@Outcome(id = "100, -1", expect = ACCEPTABLE, desc = "read before the entry was replaced")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "read while it was replaced")
@Outcome(id = "-1, 200", expect = ACCEPTABLE, desc = "read after it was replaced")
@Outcome(id = "100, 200", expect = ACCEPTABLE, desc = "the first read before, the second after")
@Outcome(expect = FORBIDDEN, desc = "a position under another sequence's tag, or a torn entry")
@State
public class JournalIndexHistoryStress
{
    private final JournalIndexHistory history = new JournalIndexHistory(1);

    public JournalIndexHistoryStress()
    {
        history.record(0, 100);
    }

    @Actor
    public void journal()
    {
        history.record(1, 200);
    }

    @Actor
    public void reader(final JJ_Result r)
    {
        r.r1 = history.positionOf(0);
        r.r2 = history.positionOf(1);
    }
}
