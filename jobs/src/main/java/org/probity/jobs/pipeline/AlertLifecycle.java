package org.probity.jobs.pipeline;

import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;

/**
 * The alert lifecycle the case system relies on, per alertId: RAISED → ESCALATED … → RESOLVED;
 * never a RESOLVED before its RAISED, never the same record twice, nothing after RESOLVED.
 *
 * <p>Suppression: a rule that fires again for the same subject and reason (same alertId) while
 * the alert is open updates it — the repeat goes out as ESCALATED if it brings a new severity,
 * evidence or amount, and not at all if it brings nothing new. A first record that is not RAISED
 * is raised (a case system cannot escalate what it never opened); a RESOLVED for an alert never
 * raised is dropped. Drops are counted in {@code lifecycleSuppressed}.
 *
 * <p>Keyed by alertId, so one alert's records leave in order and, keyed by alertId again at the
 * Kafka sink, land in one partition. The last record is kept {@code retention} ms of event time
 * after the alert's last record (a RESOLVED alert's id is remembered so a late repeat cannot
 * reopen it), then forgotten.
 */
public final class AlertLifecycle extends KeyedProcessFunction<String, Alert, Alert> {
  private static final long serialVersionUID = 1L;

  private final long retentionMillis;
  private transient ValueState<Alert> last;
  private transient ValueState<Long> expiry;
  private transient Counter suppressed;

  public AlertLifecycle(long retentionMillis) {
    this.retentionMillis = retentionMillis;
  }

  @Override
  public void open(OpenContext context) {
    last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-record", TypeInformation.of(Alert.class)));
    expiry = getRuntimeContext().getState(new ValueStateDescriptor<>("expiry", Types.LONG));
    suppressed = getRuntimeContext().getMetricGroup().counter("lifecycleSuppressed");
  }

  @Override
  public void processElement(Alert alert, Context ctx, Collector<Alert> out) throws Exception {
    Alert previous = last.value();
    Alert emit;
    if (previous == null) {
      if (alert.getStatus() == AlertStatus.RESOLVED) {
        suppressed.inc();
        return;
      }
      emit = alert.getStatus() == AlertStatus.RAISED ? alert : withStatus(alert, AlertStatus.RAISED);
    } else if (previous.getStatus() == AlertStatus.RESOLVED) {
      suppressed.inc();
      return;
    } else if (alert.getStatus() == AlertStatus.RESOLVED) {
      emit = alert;
    } else if (sameState(previous, alert)) {
      suppressed.inc();
      return;
    } else {
      emit = alert.getStatus() == AlertStatus.ESCALATED ? alert : withStatus(alert, AlertStatus.ESCALATED);
    }
    out.collect(emit);
    last.update(emit);

    Long oldExpiry = expiry.value();
    long newExpiry = Math.max(alert.getEventTime().toEpochMilli(), ctx.timerService().currentWatermark())
        + retentionMillis;
    if (oldExpiry == null || newExpiry > oldExpiry) {
      if (oldExpiry != null) {
        ctx.timerService().deleteEventTimeTimer(oldExpiry);
      }
      ctx.timerService().registerEventTimeTimer(newExpiry);
      expiry.update(newExpiry);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) {
    last.clear();
    expiry.clear();
  }

  private static boolean sameState(Alert a, Alert b) {
    return a.getSeverity() == b.getSeverity()
        && a.getEvidence().equals(b.getEvidence())
        && Objects.equals(a.getAmountFen(), b.getAmountFen());
  }

  private static Alert withStatus(Alert alert, AlertStatus status) {
    return Alert.newBuilder(alert).setStatus(status).build();
  }
}
