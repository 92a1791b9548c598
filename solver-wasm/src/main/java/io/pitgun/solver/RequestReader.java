package io.pitgun.solver;

import io.pitgun.solver.json.DoubleToDecimal;
import io.pitgun.solver.json.JsonNumber;
import io.pitgun.solver.json.JsonReader;
import io.pitgun.solver.json.JsonSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code risk-analysis-request/v1} JSON text into a {@link RiskAnalysisRequest}. It is the solver's
 * validator wherever it runs (the browser page has no schema validator): it enforces every rule of the schema
 * ({@code schemas/risk-analysis-request/v1.json}, with {@code canonical-config/v1}) — no property the schema does
 * not define, names by the schema's pattern and lengths, every bound — and adds what a schema cannot express
 * (cross-field checks, integers written as integers, strings of Unicode scalar values). So the page refuses
 * everything {@code pitgun solve} refuses; {@code RequestReaderSchemaAgreementTest} holds the two to that. The
 * first problem is reported with its JSON pointer.
 */
public final class RequestReader
{
    /** Largest lap count the solver accepts (bounds the per-thread stint table). */
    public static final int MAX_LAPS = 300;
    /** Largest scenario count of one request. */
    public static final int MAX_SCENARIOS = 1_000_000;
    /** Largest number of candidate strategies, given or enumerated. */
    public static final int MAX_STRATEGIES = 1_000;
    /** Largest scenarios × strategies product: the solver keeps every total time and failure count (10 bytes each). */
    public static final long MAX_RESULTS = 25_000_000L;
    /** Largest seed: 2^53 - 1, so that JavaScript callers can write it as a number. */
    public static final long MAX_SEED = (1L << 53) - 1;
    /** Longest strategy name, in code points (the schema's {@code maxLength} counts code points). */
    public static final int MAX_STRATEGY_NAME = 64;
    /** Longest tyre compound name. */
    public static final int MAX_COMPOUND_NAME = 32;

    // The properties each object of the schema defines (additionalProperties: false everywhere).
    private static final List<String> REQUEST_KEYS = List.of(
        "base_config", "laps", "scenarios_count", "seed", "risk_factors", "strategies", "strategy_search");
    private static final List<String> CONFIG_KEYS = List.of("race_laps", "base_lap_time_s", "pit_lane_time_loss_s",
        "tyre_failure_time_loss_s", "fuel", "tyre_compounds", "weather", "safety_car");
    private static final List<String> FUEL_KEYS = List.of("start_load_kg", "burn_kg_per_lap", "time_per_kg_s");
    private static final List<String> COMPOUND_KEYS = List.of("name", "kind", "pace_offset_s",
        "degradation_s_per_lap", "wear_per_lap", "cliff_wear", "cliff_multiplier", "failure_wear", "rain_penalty_s",
        "dry_penalty_s");
    private static final List<String> WEATHER_KEYS = List.of("rain_lap_time_delta_s", "shower_min_laps",
        "shower_max_laps");
    private static final List<String> SAFETY_CAR_KEYS = List.of("lap_time_factor", "pit_loss_factor", "wear_factor",
        "min_laps", "max_laps");
    private static final List<String> RISK_KEYS = List.of("tire_degradation_variance", "rain_probability_per_lap",
        "safety_car_chance");
    private static final List<String> SEARCH_KEYS = List.of("max_stops", "stop_lap_step", "min_stint_laps");
    private static final List<String> STRATEGY_KEYS = List.of("name", "compounds", "pit_laps");

    private RequestReader()
    {
    }

    /** Parses and checks a request. */
    public static RiskAnalysisRequest read(final String json)
    {
        final Object root;
        try
        {
            root = JsonReader.parse(json);
        }
        catch (final JsonSyntaxException ex)
        {
            throw new SolverInputException("", "not valid JSON: " + ex.getMessage());
        }
        final Map<String, Object> request = object(root, "", REQUEST_KEYS);
        final CanonicalConfig config = readConfig(object(required(request, "base_config", ""), "/base_config", CONFIG_KEYS));
        final int laps = request.containsKey("laps")
            ? integer(request.get("laps"), "/laps", 1, MAX_LAPS) : config.raceLaps();
        if (laps > MAX_LAPS)
        {
            throw new SolverInputException("/base_config/race_laps", "must be at most " + MAX_LAPS);
        }
        final int scenarios = integer(required(request, "scenarios_count", ""), "/scenarios_count", 1, MAX_SCENARIOS);
        final long seed = request.containsKey("seed") ? longInteger(request.get("seed"), "/seed", 0, MAX_SEED) : 0;
        final RiskFactors risk = readRiskFactors(object(required(request, "risk_factors", ""), "/risk_factors", RISK_KEYS));
        requirePositiveLapTimes(config, risk);

        final List<Strategy> strategies;
        if (request.containsKey("strategies"))
        {
            if (request.containsKey("strategy_search"))
            {
                throw new SolverInputException("/strategy_search", "give either strategies or strategy_search, not both");
            }
            strategies = readStrategies(request.get("strategies"), config, laps);
        }
        else
        {
            final StrategySearch search = request.containsKey("strategy_search")
                ? readSearch(object(request.get("strategy_search"), "/strategy_search", SEARCH_KEYS)) : StrategySearch.DEFAULT;
            strategies = StrategyEnumerator.enumerate(config, laps, search);
            final String where = request.containsKey("strategy_search") ? "/strategy_search" : "";
            if (strategies.isEmpty())
            {
                throw new SolverInputException(where, "the strategy search finds no strategy for " + laps + " laps");
            }
            if (strategies.size() > MAX_STRATEGIES)
            {
                throw new SolverInputException(where, "the strategy search finds more than "
                    + MAX_STRATEGIES + " strategies; raise stop_lap_step or min_stint_laps, or lower max_stops");
            }
        }
        if ((long)scenarios * strategies.size() > MAX_RESULTS)
        {
            throw new SolverInputException("/scenarios_count", scenarios + " scenarios × " + strategies.size()
                + " strategies exceeds " + MAX_RESULTS + " results; run fewer scenarios or fewer strategies");
        }
        return new RiskAnalysisRequest(config, laps, scenarios, seed, risk, strategies);
    }

    private static CanonicalConfig readConfig(final Map<String, Object> c)
    {
        final String p = "/base_config";
        final int raceLaps = integer(required(c, "race_laps", p), p + "/race_laps", 1, MAX_LAPS);
        final double baseLap = number(required(c, "base_lap_time_s", p), p + "/base_lap_time_s", 1e-3, 1e6);
        final double pitLoss = number(required(c, "pit_lane_time_loss_s", p), p + "/pit_lane_time_loss_s", 0, 1e6);
        final double failureLoss =
            number(required(c, "tyre_failure_time_loss_s", p), p + "/tyre_failure_time_loss_s", 0, 1e6);

        final Map<String, Object> f = object(required(c, "fuel", p), p + "/fuel", FUEL_KEYS);
        final String fp = p + "/fuel";
        final FuelModel fuel = new FuelModel(
            number(required(f, "start_load_kg", fp), fp + "/start_load_kg", 0, 1e4),
            number(required(f, "burn_kg_per_lap", fp), fp + "/burn_kg_per_lap", 0, 1e3),
            number(required(f, "time_per_kg_s", fp), fp + "/time_per_kg_s", 0, 10));

        final List<Object> list = array(required(c, "tyre_compounds", p), p + "/tyre_compounds", 1, 8);
        final List<TyreCompound> compounds = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String cp = p + "/tyre_compounds/" + i;
            final TyreCompound compound = readCompound(object(list.get(i), cp, COMPOUND_KEYS), cp);
            for (final TyreCompound earlier : compounds)
            {
                if (earlier.name().equals(compound.name()))
                {
                    throw new SolverInputException(cp + "/name", "duplicate compound name \"" + compound.name() + "\"");
                }
            }
            compounds.add(compound);
        }

        final Map<String, Object> w = object(required(c, "weather", p), p + "/weather", WEATHER_KEYS);
        final String wp = p + "/weather";
        final WeatherModel weather = new WeatherModel(
            number(required(w, "rain_lap_time_delta_s", wp), wp + "/rain_lap_time_delta_s", 0, 1e4),
            integer(required(w, "shower_min_laps", wp), wp + "/shower_min_laps", 1, MAX_LAPS),
            integer(required(w, "shower_max_laps", wp), wp + "/shower_max_laps", 1, MAX_LAPS));
        if (weather.showerMaxLaps() < weather.showerMinLaps())
        {
            throw new SolverInputException(wp + "/shower_max_laps", "must be at least shower_min_laps");
        }

        final Map<String, Object> s = object(required(c, "safety_car", p), p + "/safety_car", SAFETY_CAR_KEYS);
        final String sp = p + "/safety_car";
        final SafetyCarModel safetyCar = new SafetyCarModel(
            number(required(s, "lap_time_factor", sp), sp + "/lap_time_factor", 1, 10),
            number(required(s, "pit_loss_factor", sp), sp + "/pit_loss_factor", 0, 1),
            number(required(s, "wear_factor", sp), sp + "/wear_factor", 0, 1),
            integer(required(s, "min_laps", sp), sp + "/min_laps", 1, MAX_LAPS),
            integer(required(s, "max_laps", sp), sp + "/max_laps", 1, MAX_LAPS));
        if (safetyCar.maxLaps() < safetyCar.minLaps())
        {
            throw new SolverInputException(sp + "/max_laps", "must be at least min_laps");
        }
        return new CanonicalConfig(raceLaps, baseLap, pitLoss, failureLoss, fuel, compounds, weather, safetyCar);
    }

    /**
     * Every lap a compound can run takes more than 0 s. Each bound of the schema allows a compound's pace offset or
     * penalty to outweigh the base lap time, and the model adds them up as they are: such a race had negative lap
     * and race times, a result outside simulation-result/v1 (its times are above 0). A lap's shortest time is the
     * base lap time plus the pace offset and the dry (or, when a shower can start, the wet) penalty: the fuel and
     * degradation terms are never negative, and a safety-car lap is at least the base lap time.
     */
    private static void requirePositiveLapTimes(final CanonicalConfig config, final RiskFactors risk)
    {
        final boolean rainCanFall = risk.rainProbabilityPerLap() > 0;
        for (int i = 0; i < config.compounds().size(); i++)
        {
            final TyreCompound compound = config.compounds().get(i);
            final double fastest = config.baseLapTimeS() + compound.paceOffsetS();
            final double dry = fastest + compound.dryPenaltyS();
            final double wet = fastest + config.weather().rainLapTimeDeltaS() + compound.rainPenaltyS();
            if (!(dry > 0))
            {
                throw nonPositiveLap(i, "dry", "dry_penalty_s", dry);
            }
            if (rainCanFall && !(wet > 0))
            {
                throw nonPositiveLap(i, "wet", "rain_lap_time_delta_s + rain_penalty_s", wet);
            }
        }
    }

    private static SolverInputException nonPositiveLap(final int compound, final String weather, final String penalty,
        final double seconds)
    {
        return new SolverInputException("/base_config/tyre_compounds/" + compound, "a " + weather + " lap on it would"
            + " take " + DoubleToDecimal.format(seconds) + " s at best (base_lap_time_s + pace_offset_s + " + penalty
            + "); it must take more than 0 s");
    }

    private static TyreCompound readCompound(final Map<String, Object> t, final String p)
    {
        final String name = compoundName(required(t, "name", p), p + "/name");
        final String kindName = string(required(t, "kind", p), p + "/kind");
        final CompoundKind kind = CompoundKind.ofJsonName(kindName);
        if (kind == null)
        {
            throw new SolverInputException(p + "/kind", "must be one of slick, intermediate, wet");
        }
        final double wearPerLap = number(required(t, "wear_per_lap", p), p + "/wear_per_lap", 1e-9, 1);
        return new TyreCompound(
            name,
            kind,
            number(required(t, "pace_offset_s", p), p + "/pace_offset_s", -1e3, 1e3),
            number(required(t, "degradation_s_per_lap", p), p + "/degradation_s_per_lap", 0, 1e3),
            wearPerLap,
            number(required(t, "cliff_wear", p), p + "/cliff_wear", 0, 1),
            number(required(t, "cliff_multiplier", p), p + "/cliff_multiplier", 1, 1e3),
            number(required(t, "failure_wear", p), p + "/failure_wear", 1e-9, 10),
            number(required(t, "rain_penalty_s", p), p + "/rain_penalty_s", -1e3, 1e3),
            number(required(t, "dry_penalty_s", p), p + "/dry_penalty_s", -1e3, 1e3));
    }

    private static RiskFactors readRiskFactors(final Map<String, Object> r)
    {
        final String p = "/risk_factors";
        return new RiskFactors(
            number(required(r, "tire_degradation_variance", p), p + "/tire_degradation_variance", 0, 1),
            number(required(r, "rain_probability_per_lap", p), p + "/rain_probability_per_lap", 0, 1),
            number(required(r, "safety_car_chance", p), p + "/safety_car_chance", 0, 1));
    }

    private static StrategySearch readSearch(final Map<String, Object> s)
    {
        final String p = "/strategy_search";
        final StrategySearch d = StrategySearch.DEFAULT;
        return new StrategySearch(
            s.containsKey("max_stops") ? integer(s.get("max_stops"), p + "/max_stops", 1, 3) : d.maxStops(),
            s.containsKey("stop_lap_step")
                ? integer(s.get("stop_lap_step"), p + "/stop_lap_step", 1, MAX_LAPS) : d.stopLapStep(),
            s.containsKey("min_stint_laps")
                ? integer(s.get("min_stint_laps"), p + "/min_stint_laps", 1, MAX_LAPS) : d.minStintLaps());
    }

    private static List<Strategy> readStrategies(final Object node, final CanonicalConfig config, final int laps)
    {
        final List<Object> list = array(node, "/strategies", 1, MAX_STRATEGIES);
        final List<Strategy> strategies = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String p = "/strategies/" + i;
            final Map<String, Object> s = object(list.get(i), p, STRATEGY_KEYS);
            final List<Object> names = array(required(s, "compounds", p), p + "/compounds", 1, 4);
            final int[] compounds = new int[names.size()];
            for (int j = 0; j < compounds.length; j++)
            {
                final String name = compoundName(names.get(j), p + "/compounds/" + j);
                compounds[j] = config.compoundIndex(name);
                if (compounds[j] < 0)
                {
                    throw new SolverInputException(p + "/compounds/" + j, "no tyre compound named \"" + name + "\"");
                }
            }
            final List<Object> stops = s.containsKey("pit_laps")
                ? array(s.get("pit_laps"), p + "/pit_laps", 0, 3) : new ArrayList<>();
            if (stops.size() != compounds.length - 1)
            {
                throw new SolverInputException(p + "/pit_laps", "needs one pit lap per compound change: "
                    + (compounds.length - 1) + " for " + compounds.length + " compounds, found " + stops.size());
            }
            final int[] pitLaps = new int[stops.size()];
            for (int j = 0; j < pitLaps.length; j++)
            {
                final String sp = p + "/pit_laps/" + j;
                pitLaps[j] = integer(stops.get(j), sp, 1, MAX_LAPS - 1);
                if (pitLaps[j] >= laps)
                {
                    throw new SolverInputException(sp, "must be before the last lap (" + laps + ")");
                }
                if (j > 0 && pitLaps[j] <= pitLaps[j - 1])
                {
                    throw new SolverInputException(sp, "pit laps must be strictly increasing");
                }
            }
            final String name = s.containsKey("name")
                ? strategyName(s.get("name"), p + "/name") : Strategy.defaultName(config, compounds, pitLaps);
            for (final Strategy earlier : strategies)
            {
                if (earlier.name().equals(name))
                {
                    throw new SolverInputException(p, "duplicate strategy name \"" + name + "\"");
                }
            }
            strategies.add(new Strategy(name, compounds, pitLaps));
        }
        return strategies;
    }

    private static Object required(final Map<String, Object> object, final String key, final String pointer)
    {
        final Object value = object.get(key);
        if (value == null)
        {
            throw new SolverInputException(pointer, "missing required property \"" + key + "\"");
        }
        return value;
    }

    /** An object whose properties are all among {@code allowed}: a misspelt property is an error, never ignored. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(final Object node, final String pointer, final List<String> allowed)
    {
        if (!(node instanceof Map))
        {
            throw new SolverInputException(pointer, "must be an object");
        }
        final Map<String, Object> object = (Map<String, Object>)node;
        for (final String key : object.keySet())
        {
            if (!allowed.contains(key))
            {
                throw new SolverInputException(pointer + "/" + pointerToken(key),
                    "unknown property; allowed here: " + String.join(", ", allowed));
            }
        }
        return object;
    }

    /** {@code key} as a JSON pointer reference token (RFC 6901: {@code ~} as {@code ~0}, {@code /} as {@code ~1}). */
    private static String pointerToken(final String key)
    {
        return key.replace("~", "~0").replace("/", "~1");
    }

    /** A tyre compound name, the schema's pattern {@code ^[a-z][a-z0-9_]{0,31}$}. */
    private static String compoundName(final Object node, final String pointer)
    {
        final String name = string(node, pointer);
        boolean valid = !name.isEmpty() && name.length() <= MAX_COMPOUND_NAME
            && name.charAt(0) >= 'a' && name.charAt(0) <= 'z';
        for (int i = 1; valid && i < name.length(); i++)
        {
            final char c = name.charAt(i);
            valid = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }
        if (!valid)
        {
            throw new SolverInputException(pointer, "must be a lower-case letter followed by up to "
                + (MAX_COMPOUND_NAME - 1) + " lower-case letters, digits or _ (^[a-z][a-z0-9_]{0,31}$)");
        }
        return name;
    }

    /** A strategy name: 1 to {@link #MAX_STRATEGY_NAME} characters, counted in code points as the schema does. */
    private static String strategyName(final Object node, final String pointer)
    {
        final String name = string(node, pointer);
        final int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_STRATEGY_NAME)
        {
            throw new SolverInputException(pointer, "must be 1 to " + MAX_STRATEGY_NAME + " characters, found " + length);
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> array(final Object node, final String pointer, final int minItems, final int maxItems)
    {
        if (!(node instanceof List))
        {
            throw new SolverInputException(pointer, "must be an array");
        }
        final List<Object> list = (List<Object>)node;
        if (list.size() < minItems || list.size() > maxItems)
        {
            throw new SolverInputException(pointer, "must have " + minItems + " to " + maxItems + " items");
        }
        return list;
    }

    /**
     * A string of Unicode scalar values. JSON can escape half a surrogate pair ({@code "\ud800"}), which is no
     * character: the result could not be written as UTF-8 (nor shown), so it is refused here, as the gateway's own
     * JSON decoder refuses it.
     */
    private static String string(final Object node, final String pointer)
    {
        if (!(node instanceof String))
        {
            throw new SolverInputException(pointer, "must be a string");
        }
        final String text = (String)node;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)))
            {
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                throw new SolverInputException(pointer, "unpaired surrogate \\u" + Integer.toHexString(c)
                    + " at character " + i + ": a string must be Unicode text (a \\u escape of half a surrogate"
                    + " pair is no character)");
            }
        }
        return text;
    }

    private static double number(final Object node, final String pointer, final double min, final double max)
    {
        if (!(node instanceof JsonNumber))
        {
            throw new SolverInputException(pointer, "must be a number");
        }
        final double value;
        try
        {
            value = ((JsonNumber)node).toDouble();
        }
        catch (final NumberFormatException ex)
        {
            throw new SolverInputException(pointer, "number out of range");
        }
        if (!(value >= min && value <= max))
        {
            throw new SolverInputException(pointer, "must be between " + DoubleToDecimal.format(min) + " and "
                + DoubleToDecimal.format(max));
        }
        return value;
    }

    private static int integer(final Object node, final String pointer, final int min, final int max)
    {
        return (int)longInteger(node, pointer, min, max);
    }

    private static long longInteger(final Object node, final String pointer, final long min, final long max)
    {
        if (!(node instanceof JsonNumber) || !((JsonNumber)node).isIntegerLiteral())
        {
            throw new SolverInputException(pointer, "must be an integer");
        }
        final String text = ((JsonNumber)node).text();
        final long value;
        try
        {
            value = text.length() > 18 ? Long.MIN_VALUE : Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new SolverInputException(pointer, "must be an integer");
        }
        if (value < min || value > max)
        {
            throw new SolverInputException(pointer, "must be between " + min + " and " + max);
        }
        return value;
    }
}
