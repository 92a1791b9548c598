package io.pitgun.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reactor-wide default timeout (root pom, surefire configurationParameters) reaches the tests: without it a
 * hung test stalls CI until the job is killed. {@code -Dpitgun.test.timeout="3 s"} with a test that spins shows it
 * fail in 3 s.
 */
class ReactorTimeoutTest
{
    @RegisterExtension
    final ConfigurationReader configuration = new ConfigurationReader();

    @Test
    void shouldRunEveryTestUnderTheReactorsDefaultTimeoutInASeparateThread()
    {
        assertTrue(configuration.timeout.matches("\\d+ *(ns|μs|ms|s|m|h|d)"),
            "junit.jupiter.execution.timeout.default: '" + configuration.timeout + "'");
        assertEquals("SEPARATE_THREAD", configuration.threadMode);
    }

    /** Reads the configuration parameters the test runs with. */
    static final class ConfigurationReader implements BeforeEachCallback
    {
        String timeout = "";
        String threadMode = "";

        @Override
        public void beforeEach(final ExtensionContext context)
        {
            timeout = context.getConfigurationParameter("junit.jupiter.execution.timeout.default").orElse("");
            threadMode = context.getConfigurationParameter("junit.jupiter.execution.timeout.thread.mode.default")
                .orElse("");
        }
    }
}
