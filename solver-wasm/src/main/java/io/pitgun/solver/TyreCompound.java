package io.pitgun.solver;

/**
 * One tyre compound of {@code canonical-config/v1}. Wear is a fraction of the tread (0 new, 1 gone);
 * the lap-time loss grows with wear, faster past the cliff, and the tyre fails at the failure threshold.
 *
 * @param name                unique name, referenced by strategies
 * @param kind                what weather the compound is for
 * @param paceOffsetS         lap-time offset of a new tyre against the base lap time (negative is faster)
 * @param degradationSPerLap  lap-time loss per lap of nominal wear, before the cliff
 * @param wearPerLap          nominal wear added per racing lap
 * @param cliffWear           wear past which degradation is multiplied by {@code cliffMultiplier}
 * @param cliffMultiplier     degradation factor past the cliff (at least 1)
 * @param failureWear         wear at which the tyre fails
 * @param rainPenaltyS        extra lap time on this compound while it rains
 * @param dryPenaltyS         extra lap time on this compound while it is dry
 */
public record TyreCompound(
    String name,
    CompoundKind kind,
    double paceOffsetS,
    double degradationSPerLap,
    double wearPerLap,
    double cliffWear,
    double cliffMultiplier,
    double failureWear,
    double rainPenaltyS,
    double dryPenaltyS)
{
}
