package org.probity.jobs.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.probity.schema.Alert;

/**
 * Probity's own metrics on the delivered alert stream: a counter per rule, reason and status
 * ({@value #ALERTS}, labels {@code rule}, {@code reason}, {@code status} in Prometheus), created
 * when the first such alert passes, and the event-to-alert lag ({@code detectedAt − eventTime}: the
 * wall clock's delay in a live run, the detection's event-time delay in a replay). Passes every
 * alert on unchanged; chained to the alert lifecycle, so it costs no network hop.
 */
public final class AlertMetrics extends RichMapFunction<Alert, Alert> {
  private static final long serialVersionUID = 1L;
  public static final String ALERTS = "probityAlerts";
  public static final String LAG = "eventToAlertLagMs";
  public static final String LAST_LAG = "lastEventToAlertLagMs";

  private transient Map<String, Counter> counters;
  private transient MetricGroup group;
  private transient Histogram lag;
  private transient volatile long lastLag;

  /** {@code delivered} with its metrics counted; stateless, its uid only keeps the graph stable. */
  public static SingleOutputStreamOperator<Alert> observe(SingleOutputStreamOperator<Alert> delivered) {
    return delivered.map(new AlertMetrics()).uid("alert-metrics").name("alert metrics");
  }

  @Override
  public void open(OpenContext context) {
    counters = new HashMap<>();
    group = getRuntimeContext().getMetricGroup();
    lag = group.histogram(LAG, new DescriptiveStatisticsHistogram(1024));
    group.gauge(LAST_LAG, () -> lastLag);
  }

  @Override
  public Alert map(Alert a) {
    String status = a.getStatus().name();
    counters.computeIfAbsent(a.getRuleId() + '\u0000' + a.getReason() + '\u0000' + status,
        k -> group.addGroup("rule", a.getRuleId()).addGroup("reason", a.getReason()).addGroup("status", status)
            .counter(ALERTS)).inc();
    if (a.getDetectedAt() != null && a.getEventTime() != null) {
      lastLag = Math.max(0, a.getDetectedAt().toEpochMilli() - a.getEventTime().toEpochMilli());
      lag.update(lastLag);
    }
    return a;
  }
}
