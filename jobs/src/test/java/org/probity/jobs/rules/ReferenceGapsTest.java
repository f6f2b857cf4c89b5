package org.probity.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.probity.jobs.alert.RuleId;

class ReferenceGapsTest {
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final AbstractAppender capture = new AbstractAppender("reference-gaps-test", null, null, true,
      Property.EMPTY_ARRAY) {
    @Override
    public void append(LogEvent event) {
      if (event.getLoggerName().equals(ReferenceGaps.class.getName())) {
        logged.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
      }
    }
  };

  @BeforeEach
  void captureTheLog() {
    capture.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().addAppender(capture, Level.WARN, null);
    context.updateLoggers();
  }

  @AfterEach
  void release() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender(capture.getName());
    context.updateLoggers();
  }

  @Test
  void everyEventIsCountedAndEachIdLoggedOnceNamingWhatToAdd() {
    InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    ReferenceGaps gaps = new ReferenceGaps(metrics, RuleId.PAYMENT_BEYOND_AUTHORITY, "skips the limit check",
        ReferenceGaps.Gap.UNKNOWN_PERSON, ReferenceGaps.Gap.NO_AUTHORITY_LIMIT);
    assertThat(((Counter) metrics.get("referenceGapNoAuthorityLimit")).getCount()).as("registered up front").isZero();

    gaps.report(ReferenceGaps.Gap.UNKNOWN_PERSON, "U99-X", "signer of voucher V1");
    gaps.report(ReferenceGaps.Gap.UNKNOWN_PERSON, "U99-X", "signer of voucher V2");
    gaps.report(ReferenceGaps.Gap.UNKNOWN_PERSON, "U99-Y", "signer of voucher V3");

    assertThat(((Counter) metrics.get("referenceGapUnknownPerson")).getCount()).isEqualTo(3);
    assertThat(logged).hasSize(2);
    assertThat(logged.get(0)).startsWith("WARN reference data gap: person U99-X is not in the rules file's people")
        .contains("signer of voucher V1").contains("PAYMENT_BEYOND_AUTHORITY skips the limit check")
        .contains("referenceGapUnknownPerson");
    assertThat(logged.get(1)).contains("U99-Y");
  }

  @Test
  void aGapTheRuleDidNotDeclareIsAProgrammingError() {
    ReferenceGaps gaps = new ReferenceGaps(new InterceptingOperatorMetricGroup(), RuleId.PAYMENT_PRINCIPAL_DIRECT,
        "", ReferenceGaps.Gap.UNKNOWN_PERSON);
    assertThatThrownBy(() -> gaps.report(ReferenceGaps.Gap.UNKNOWN_UNIT, "U99", "")).isInstanceOf(
        IllegalArgumentException.class);
  }
}
