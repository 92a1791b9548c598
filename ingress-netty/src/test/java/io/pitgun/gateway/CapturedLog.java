package io.pitgun.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * What one class logs during each test ({@code @RegisterExtension final CapturedLog log = new CapturedLog(X.class)}):
 * an appender attached before each test and detached after it.
 */
final class CapturedLog implements BeforeEachCallback, AfterEachCallback
{
    private final Logger logger;
    private ListAppender<ILoggingEvent> appender;

    CapturedLog(final Class<?> of)
    {
        logger = (Logger)LoggerFactory.getLogger(of);
    }

    @Override
    public void beforeEach(final ExtensionContext context)
    {
        appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
    }

    @Override
    public void afterEach(final ExtensionContext context)
    {
        logger.detachAppender(appender);
    }

    /** The events logged so far at {@code level}, oldest first. */
    List<ILoggingEvent> at(final Level level)
    {
        return List.copyOf(appender.list).stream().filter(event -> event.getLevel() == level).toList();
    }
}
