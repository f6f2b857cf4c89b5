package org.probity.jobs.index;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.probity.jobs.config.IndexParameters;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.Colour;
import org.probity.schema.Grade;
import org.probity.schema.Severity;
import org.probity.schema.UnitStatus;

/**
 * The 廉情指数 of each unit (seed 003, 镇海: 三色显示 绿/橙/红, 三级评定 A/B/C, quarterly scoring),
 * from the alerts after their lifecycle.
 *
 * <ul>
 *   <li>score: the sum of the weights of the unit's alerts (by each alert's worst severity) whose
 *       violation happened in the trailing {@code windowDays};
 *   <li>colour: GREEN below {@code orangeAt}, ORANGE below {@code redAt}, else RED;
 *   <li>grade: the same thresholds on the alerts of the current calendar quarter (A, B, C);
 *   <li>openAlerts: alerts of the window not yet RESOLVED.
 * </ul>
 *
 * A {@link UnitStatus} goes out whenever one of these changes, stamped with the event time of the
 * change: a new or escalated alert, an alert leaving the window, a new quarter — at most one per
 * unit and instant, published when the watermark passes the instant. Keyed by unitId;
 * an alert is forgotten once it is out of both the window and its quarter, so state is bounded by
 * the unit's recent alerts.
 */
public final class UnitIntegrityIndex extends KeyedProcessFunction<String, Alert, UnitStatus> {
  private static final long serialVersionUID = 1L;
  private static final long DAY = 86_400_000L;

  private final IndexParameters params;
  private final ZoneId zone;
  /** alertId → {first event time, weight, open (1/0)}. */
  private transient MapState<String, long[]> alerts;
  private transient ValueState<UnitStatus> last;

  public UnitIntegrityIndex(IndexParameters params, ZoneId zone) {
    this.params = params;
    this.zone = zone;
  }

  @Override
  public void open(OpenContext context) {
    alerts = getRuntimeContext().getMapState(new MapStateDescriptor<>("alerts", Types.STRING,
        TypeInformation.of(long[].class)));
    last = getRuntimeContext().getState(new ValueStateDescriptor<>("last-status",
        TypeInformation.of(UnitStatus.class)));
  }

  @Override
  public void processElement(Alert alert, Context ctx, Collector<UnitStatus> out) throws Exception {
    long[] entry = alerts.get(alert.getAlertId());
    long weight = weightMillipoints(alert.getSeverity());
    if (entry == null) {
      long first = alert.getEventTime().toEpochMilli();
      entry = new long[] {first, weight, 1};
      ctx.timerService().registerEventTimeTimer(first + params.windowDays() * DAY);
      ctx.timerService().registerEventTimeTimer(quarterEnd(first));
    } else {
      entry[1] = Math.max(entry[1], weight);
    }
    entry[2] = alert.getStatus() == AlertStatus.RESOLVED ? 0 : 1;
    alerts.put(alert.getAlertId(), entry);
    // Publish once the watermark has passed this instant: alerts of one instant arrive from several
    // rules in no fixed order, and one status per unit and instant keeps replays deterministic.
    ctx.timerService().registerEventTimeTimer(Math.max(ctx.timestamp(), ctx.timerService().currentWatermark() + 1));
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<UnitStatus> out) throws Exception {
    var it = alerts.iterator();
    while (it.hasNext()) {
      long first = it.next().getValue()[0];
      if (first + params.windowDays() * DAY <= time && quarterEnd(first) <= time) {
        it.remove();
      }
    }
    emitIfChanged(time, ctx.getCurrentKey(), out);
    if (alerts.isEmpty()) {
      // Nothing left to score: the unit is green and needs no state until its next alert.
      alerts.clear();
      last.clear();
    }
  }

  private void emitIfChanged(long now, String unitId, Collector<UnitStatus> out) throws Exception {
    long windowStart = now - params.windowDays() * DAY;
    long quarterStart = quarterStart(now);
    long score = 0;
    long quarterScore = 0;
    int open = 0;
    for (Map.Entry<String, long[]> e : alerts.entries()) {
      long[] v = e.getValue();
      if (v[0] > windowStart && v[0] <= now) {
        score += v[1];
        open += (int) v[2];
      }
      if (v[0] >= quarterStart && v[0] <= now) {
        quarterScore += v[1];
      }
    }
    double scoreValue = score / 1000.0;
    UnitStatus status = UnitStatus.newBuilder()
        .setUnitId(unitId)
        .setScore(scoreValue)
        .setColour(colour(scoreValue))
        .setGrade(grade(quarterScore / 1000.0))
        .setOpenAlerts(open)
        .setAsOf(Instant.ofEpochMilli(now))
        .build();
    UnitStatus previous = last.value();
    if (previous == null && score == 0 && quarterScore == 0 && open == 0) {
      return;
    }
    if (previous != null && previous.getScore() == status.getScore() && previous.getColour() == status.getColour()
        && previous.getGrade() == status.getGrade() && previous.getOpenAlerts() == status.getOpenAlerts()) {
      return;
    }
    last.update(status);
    out.collect(status);
  }

  /** Weights in thousandths, so sums are exact. */
  private long weightMillipoints(Severity severity) {
    double w = switch (severity) {
      case NOTICE -> params.noticeWeight();
      case YELLOW -> params.yellowWeight();
      case RED -> params.redWeight();
    };
    return Math.round(w * 1000);
  }

  Colour colour(double score) {
    return score >= params.redAt() ? Colour.RED : score >= params.orangeAt() ? Colour.ORANGE : Colour.GREEN;
  }

  Grade grade(double quarterScore) {
    return quarterScore >= params.redAt() ? Grade.C : quarterScore >= params.orangeAt() ? Grade.B : Grade.A;
  }

  private long quarterStart(long millis) {
    LocalDate d = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
    LocalDate start = LocalDate.of(d.getYear(), ((d.getMonthValue() - 1) / 3) * 3 + 1, 1);
    return start.atStartOfDay(zone).toInstant().toEpochMilli();
  }

  private long quarterEnd(long millis) {
    ZonedDateTime start = Instant.ofEpochMilli(quarterStart(millis)).atZone(zone);
    return start.plusMonths(3).toInstant().toEpochMilli();
  }
}
