package io.pitgun.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;

import static io.pitgun.gateway.IdempotencyWindow.CONFLICT;
import static io.pitgun.gateway.IdempotencyWindow.DUPLICATE;
import static io.pitgun.gateway.IdempotencyWindow.FULL;
import static io.pitgun.gateway.IdempotencyWindow.IN_PROGRESS;
import static io.pitgun.gateway.IdempotencyWindow.NEW;
import static io.pitgun.gateway.IdempotencyWindow.RESUME;
import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class IdempotencyWindowTest
{
    private final IdempotencyWindow.Claim claim = new IdempotencyWindow.Claim();

    @Test
    void shouldRememberTheNewestIdsAndForgetTheOldest()
    {
        final int capacity = 64;
        final IdempotencyWindow window = new IdempotencyWindow(capacity, Long.MAX_VALUE / 4);
        final SplittableRandom random = new SplittableRandom(7);
        final long[][] ids = new long[1000][2];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i][0] = random.nextLong();
            ids[i][1] = random.nextLong();
            window.claim(ids[i][0], ids[i][1], i, i % 7 + 1, 0, claim);
            assertEquals(NEW, claim.outcome);
            window.release(claim.ticket, i % 7 + 1, i);
            // The reference: exactly the last `capacity` ids are remembered, with what was recorded for them.
            for (int j = Math.max(0, i - 2 * capacity); j <= i; j++)
            {
                final int done = window.framesDone(ids[j][0], ids[j][1], 0);
                assertEquals(j > i - capacity ? j % 7 + 1 : -1, done, "id " + j + " after " + i);
            }
        }
    }

    /**
     * A request owns its id from its claim to its release; a whole capacity of other ids passing meanwhile (a publish
     * descheduled on one event loop while the others go on) must not make the window forget it, or a retry racing
     * it claims it as new and publishes it twice. The reference: a map of the ids owned now, which every claim of
     * them must answer IN_PROGRESS. A new id that would replace the oldest while that one is owned takes the next
     * oldest's place instead: it is ingested. Before, it was refused FULL (503 idempotency_window_full), and so was
     * every new id, on every loop, until that one publish ended.
     */
    @Test
    void shouldNeverForgetAnIdWhileARequestIsPublishingItNorRefuseNewIdsForIt()
    {
        final int capacity = 16;
        final IdempotencyWindow window = new IdempotencyWindow(capacity, Long.MAX_VALUE / 4);
        final Map<Long, Long> ownedTickets = new HashMap<>(); // id (msb; lsb 0) -> ticket
        window.claim(1, 0, 9, 1, 0, claim);
        assertEquals(NEW, claim.outcome);
        ownedTickets.put(1L, claim.ticket);
        for (long id = 2; id < 2 + 3L * capacity; id++)
        {
            window.claim(id, 0, 9, 1, 0, claim);
            // Ids 1..capacity fill the window; from there on each new id passes id 1, owned, and replaces the next.
            assertEquals(NEW, claim.outcome, "id " + id);
            window.release(claim.ticket, 1, id);
            for (final long owned : ownedTickets.keySet())
            {
                window.claim(owned, 0, 9, 1, 0, claim);
                assertEquals(IN_PROGRESS, claim.outcome, "id " + owned + " is still being published, after id " + id);
            }
            window.claim(id, 0, 9, 1, 0, claim);
            assertEquals(DUPLICATE, claim.outcome, "the newest id is remembered: " + id);
        }
        window.release(ownedTickets.remove(1L), 1, 1);
        window.claim(1, 0, 9, 1, 0, claim);
        assertEquals(DUPLICATE, claim.outcome, "its publish ended: its retry is a duplicate");
        for (long id = 100; id < 100 + capacity; id++)
        {
            window.claim(id, 0, 9, 1, 0, claim);
            assertEquals(NEW, claim.outcome, "no longer owned, the oldest is forgotten for a new id " + id);
            window.release(claim.ticket, 1, id);
        }
        window.claim(1, 0, 9, 1, 0, claim);
        assertEquals(NEW, claim.outcome, "forgotten once a whole capacity came after its publish ended");
    }

    /**
     * Only when each of the {@link IdempotencyWindow#PROBE_SLOTS} oldest ids is being published is a new id refused
     * FULL; once one of them ends, a new id takes its place, and the others are still remembered as in flight.
     */
    @Test
    void shouldRefuseANewIdOnlyWhenEveryProbedSlotIsInFlight()
    {
        final int capacity = IdempotencyWindow.PROBE_SLOTS;
        final IdempotencyWindow window = new IdempotencyWindow(capacity, Long.MAX_VALUE / 4);
        final long[] tickets = new long[capacity];
        for (int id = 0; id < capacity; id++)
        {
            window.claim(id, 0, 9, 1, 0, claim);
            assertEquals(NEW, claim.outcome);
            tickets[id] = claim.ticket;
        }
        window.claim(1_000, 0, 9, 1, 0, claim);
        assertEquals(FULL, claim.outcome, "every slot it could take is in flight");
        window.release(tickets[5], 1, 5);
        window.claim(1_000, 0, 9, 1, 0, claim);
        assertEquals(NEW, claim.outcome, "id 5's publish ended: its slot is free");
        for (int id = 0; id < capacity; id++)
        {
            window.claim(id, 0, 9, 1, 0, claim);
            // Id 5 was forgotten, its slot taken: new, but every slot is in flight again.
            assertEquals(id == 5 ? FULL : IN_PROGRESS, claim.outcome, "id " + id);
        }
        window.claim(1_000, 0, 9, 1, 0, claim);
        assertEquals(IN_PROGRESS, claim.outcome);
    }

    @Test
    void shouldForgetIdsOlderThanTheWindow()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, 1_000);
        window.claim(1, 2, 9, 1, 0, claim);
        window.release(claim.ticket, 1, 5);
        window.claim(1, 2, 9, 1, 1_000, claim);
        assertEquals(DUPLICATE, claim.outcome);
        assertEquals(5, claim.lastPosition);
        window.claim(1, 2, 9, 1, 1_001, claim);
        assertEquals(NEW, claim.outcome);
    }

    @Test
    void shouldAnswerConflictWhenTheSameIdComesWithOtherContent()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, Long.MAX_VALUE / 4);
        window.claim(1, 2, 100, 3, 0, claim);
        window.release(claim.ticket, 3, 7);
        window.claim(1, 2, 101, 3, 0, claim);
        assertEquals(CONFLICT, claim.outcome);
        window.claim(1, 2, 100, 4, 0, claim);
        assertEquals(CONFLICT, claim.outcome);
        window.claim(1, 2, 100, 3, 0, claim);
        assertEquals(DUPLICATE, claim.outcome);
    }

    @Test
    void shouldMatchAnEntryByItsOlderDigestAskedForOnlyWhenTheDigestDiffers()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, Long.MAX_VALUE / 4);
        window.claim(1, 2, 100, 3, 0, claim); // as restored from a journal of an older build: its ordered digest
        window.release(claim.ticket, 2, 7);
        final AtomicInteger asked = new AtomicInteger();
        window.claim(1, 2, 100, () ->
        {
            asked.incrementAndGet();
            return 999L;
        }, 3, 0, claim);
        assertEquals(RESUME, claim.outcome);
        assertEquals(100, claim.digest);
        assertEquals(0, asked.get(), "the older digest is asked for only when the entry's is another");
        window.release(claim.ticket, 2, 7);

        window.claim(1, 2, 200, () ->
        {
            asked.incrementAndGet();
            return 100L;
        }, 3, 0, claim);
        assertEquals(RESUME, claim.outcome, "the entry's digest is the envelope's older one");
        assertEquals(100, claim.digest, "the rest goes on with the digest its first part has");
        assertEquals(1, asked.get());
        window.release(claim.ticket, 3, 9);

        window.claim(1, 2, 300, () -> 301L, 3, 0, claim);
        assertEquals(CONFLICT, claim.outcome);
        window.claim(5, 6, 400, () -> 100L, 1, 0, claim);
        assertEquals(NEW, claim.outcome);
        assertEquals(400, claim.digest, "a new entry is remembered by the digest given");
    }

    /**
     * {@link EnvelopeDigest#orderedOf} is what {@code EnvelopeDigest.of} computed before the samples' order stopped
     * counting, which journals of older builds hold: pinned to the value that build's code gives (computed with it,
     * at {@code a76d359}).
     */
    @Test
    void shouldComputeTheOrderedDigestAsOlderBuildsDid()
    {
        final org.agrona.concurrent.UnsafeBuffer bytes = new org.agrona.concurrent.UnsafeBuffer(new byte[113]);
        for (int i = 0; i < 113; i++)
        {
            bytes.putByte(i, (byte)(i * 7 + 3));
        }
        assertEquals(-2581646169793878411L, EnvelopeDigest.orderedOf(bytes, new int[] {0, 100}, new int[] {100, 13},
            0, 2));
    }

    @Test
    void shouldAnswerInProgressWhileAnotherClaimOwnsTheId()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, Long.MAX_VALUE / 4);
        window.claim(1, 2, 100, 3, 0, claim);
        final long ticket = claim.ticket;
        final IdempotencyWindow.Claim retry = new IdempotencyWindow.Claim();
        window.claim(1, 2, 100, 3, 0, retry);
        assertEquals(IN_PROGRESS, retry.outcome);
        window.release(ticket, 2, 11);
        window.claim(1, 2, 100, 3, 0, retry);
        assertEquals(RESUME, retry.outcome);
        assertEquals(2, retry.framesDone);
    }

    @Test
    void shouldLearnWhereAPublishedEnvelopesLastFrameIsJournaledOnceItsOwnerLetGo()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, Long.MAX_VALUE / 4);
        final LongUnaryOperator journalIndexOf = position -> position == 10 ? 777 : -1;
        window.claim(1, 2, 100, 3, 0, claim);
        final long ticket = claim.ticket;
        window.learnJournalIndex(ticket, journalIndexOf);
        window.release(claim.ticket, 3, 10);
        window.claim(1, 2, 100, 3, 0, claim);
        assertEquals(DUPLICATE, claim.outcome);
        assertEquals(-1, claim.journalIndex, "nothing learnt while the envelope was owned");
        window.learnJournalIndex(ticket, position -> -1);
        window.claim(1, 2, 100, 3, 0, claim);
        assertEquals(-1, claim.journalIndex, "a slot already reused teaches nothing");
        window.learnJournalIndex(ticket, journalIndexOf);
        window.claim(1, 2, 100, 3, 0, claim);
        assertEquals(10, claim.lastPosition);
        assertEquals(777, claim.journalIndex);
        window.learnJournalIndex(ticket, position -> 5);
        window.claim(1, 2, 100, 3, 0, claim);
        assertEquals(777, claim.journalIndex, "learnt once");
        for (int i = 0; i < 16; i++) // forgets the id: its ticket's entry is reused
        {
            window.claim(9, i, 100, 1, 0, claim);
            window.release(claim.ticket, 1, 20 + i);
        }
        window.learnJournalIndex(ticket, journalIndexOf);
        window.claim(9, 0, 100, 1, 0, claim);
        assertEquals(-1, claim.journalIndex, "a forgotten ticket teaches nothing");
    }

    @Test
    void shouldResumeAnEnvelopeRestoredPartlyJournaled()
    {
        final IdempotencyWindow window = new IdempotencyWindow(16, Long.MAX_VALUE / 4);
        window.restore(1, 2, 100, 100, 64, 7L << 16 | 63, 0);
        window.claim(1, 2, 100, 100, 0, claim);
        assertEquals(RESUME, claim.outcome);
        assertEquals(64, claim.framesDone);
        assertEquals(-1, claim.lastPosition);
        assertEquals(7L << 16 | 63, claim.journalIndex, "where its last journaled frame is");
        window.release(claim.ticket, 100, 3);
        window.claim(1, 2, 100, 100, 0, claim);
        assertEquals(DUPLICATE, claim.outcome);
        assertEquals(3, claim.lastPosition);
        assertEquals(-1, claim.journalIndex, "its last frame is now one this process published");
    }

    @Test
    void shouldGiveEachIdToExactlyOneOfTwoRacingThreads() throws InterruptedException
    {
        final int ids = 20_000;
        final IdempotencyWindow window = new IdempotencyWindow(1 << 15, Long.MAX_VALUE / 4);
        final AtomicInteger owners = new AtomicInteger();
        final CountDownLatch start = new CountDownLatch(1);
        final Runnable racer = () ->
        {
            final IdempotencyWindow.Claim mine = new IdempotencyWindow.Claim();
            try
            {
                start.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            for (int i = 0; i < ids; i++)
            {
                window.claim(i, i * 31L, 5, 1, 0, mine);
                if (mine.outcome == NEW || mine.outcome == RESUME)
                {
                    owners.incrementAndGet();
                    window.release(mine.ticket, 1, i);
                }
            }
        };
        final Thread a = new Thread(racer);
        final Thread b = new Thread(racer);
        a.start();
        b.start();
        start.countDown();
        a.join(20_000);
        b.join(20_000);
        assertEquals(ids, owners.get());
    }
}
