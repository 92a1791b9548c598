package io.pitgun.perf.paced;

import java.io.Serializable;

/**
 * One measured point: a configuration at one rate, with the bare Chronicle append measured at the same rate just
 * before it. Latencies are from each frame's intended send time.
 *
 * @param rate            the schedule's frames/s.
 * @param achieved        frames/s the pipeline's producer achieved.
 * @param commit          intended time → {@code commit()} returned (the frame written and published).
 * @param journaled       intended time → appended to the journal (the pipeline's own recorder).
 * @param processed       intended time → manifest, segments and sinks done (the pipeline's own recorder).
 * @param bareAchieved    frames/s the bare append achieved.
 * @param bare            intended time → the bare Chronicle append returned.
 * @param stepUp          whether this point belongs to the search for the highest sustainable rate.
 * @param bareAllocation  what the sending thread allocated in the bare append's measured rounds.
 * @param pipelineAllocation what the producer allocated in the pipeline's measured rounds.
 * @param ringFloor       intended time → journaled through the hand-built journaled ring ({@link JournaledRingFloor}),
 *                        measured at the same rate between the bare append and the pipeline.
 */
public record PacedPoint(long rate, double achieved, Percentiles commit, Percentiles journaled,
    Percentiles processed, double bareAchieved, Percentiles bare, boolean stepUp, SendAllocation bareAllocation,
    SendAllocation pipelineAllocation, Percentiles ringFloor) implements Serializable
{
    /** Whether the pipeline's producer kept up with the schedule. */
    public boolean keptUp()
    {
        return new PacedSchedule(rate).keptUp(achieved);
    }

    /** Whether the bare append kept up with the schedule. */
    public boolean bareKeptUp()
    {
        return new PacedSchedule(rate).keptUp(bareAchieved);
    }
}
