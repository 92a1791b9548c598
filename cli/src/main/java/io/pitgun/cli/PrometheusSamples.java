package io.pitgun.cli;

import io.pitgun.replay.ConnectFailure;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition that carry one label of interest ({@code edge}, say) or none, read
 * back by the status commands: {@code name -> label value ("" for none) -> value}. Only what Pitgun's own
 * endpoints write is understood (one sample a line, no timestamps).
 */
final class PrometheusSamples
{
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Map<String, Map<String, String>> samples = new LinkedHashMap<>();
    private final Set<String> labelValues = new LinkedHashSet<>();

    private PrometheusSamples()
    {
    }

    /** Reads {@code exposition}, keeping each sample's value of {@code label}. */
    static PrometheusSamples parse(final String exposition, final String label)
    {
        final PrometheusSamples parsed = new PrometheusSamples();
        final Pattern labelPattern = Pattern.compile("(?:^|,)" + Pattern.quote(label) + "=\"([^\"]*)\"");
        for (final String line : exposition.split("\n"))
        {
            final Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches())
            {
                continue;
            }
            String value = "";
            if (m.group(3) != null)
            {
                final Matcher l = labelPattern.matcher(m.group(3));
                value = l.find() ? l.group(1) : "";
            }
            if (!value.isEmpty())
            {
                parsed.labelValues.add(value);
            }
            parsed.samples.computeIfAbsent(m.group(1), k -> new LinkedHashMap<>())
                .put(value, m.group(4));
        }
        return parsed;
    }

    /** GETs {@code url} and reads it as {@link #parse} does. */
    static PrometheusSamples fetch(final URI url, final String label) throws IOException, InterruptedException
    {
        final HttpResponse<String> response;
        try
        {
            response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build().send(
                HttpRequest.newBuilder(url).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final ConnectException ex)
        {
            throw new IOException(ConnectFailure.describe(ex), ex); // callers printed 'cannot read: null'
        }
        if (response.statusCode() != 200)
        {
            throw new IOException(url + ": HTTP " + response.statusCode());
        }
        return parse(response.body(), label);
    }

    /** The values of the label seen, in order of first appearance. */
    Set<String> labelValues()
    {
        return labelValues;
    }

    /** The sample {@code name} whose label has {@code labelValue} ("" for none), or NaN. */
    double get(final String name, final String labelValue)
    {
        final String text = text(name, labelValue);
        return text == null ? Double.NaN :
            Double.parseDouble(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    }

    /**
     * The sample as written, or null: a whole number as Pitgun writes it (exactly, e.g. a journal position past
     * 2^53, which a double would round).
     */
    String text(final String name, final String labelValue)
    {
        final Map<String, String> byLabel = samples.get(name);
        return byLabel == null ? null : byLabel.get(labelValue);
    }
}
