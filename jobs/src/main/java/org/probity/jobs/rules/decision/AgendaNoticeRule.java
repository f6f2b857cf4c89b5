package org.probity.jobs.rules.decision;

import org.probity.jobs.rules.Subjects;
import java.util.Set;
import java.time.LocalDate;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.Collector;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.SubjectRule;
import org.probity.jobs.rules.Rule;
import org.probity.schema.Alert;
import org.probity.schema.DecisionEvent;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * DECISION_AGENDA_NOTICE (议题需至少提前两天告知, seed 004): a topic DECIDED without having been
 * notified (AGENDA_NOTIFIED for that topic) at least {@code agendaNoticeDays} days before its meeting
 * opened (临时动议). Days are calendar days in the rules file's zone, as people count "two days
 * ahead": for a meeting opening on the 10th, a notice on the 8th at any hour is in time, on the 9th
 * it is late. {@code NO_NOTICE} (YELLOW) when the topic was never notified before it was decided,
 * {@code LATE_NOTICE} (NOTICE) when notified too late (including after the meeting opened). Judged
 * at the topic's first DECIDED and dated by it; subject {@code meetingId/topicId}; each topic of a
 * meeting on its own.
 *
 * <p>The meeting opened at its MEETING_OPENED, or at its first statement or decision if that came
 * earlier or the record is missing (a meeting is open by the time anyone speaks). Keyed by meetingId, in event-time order;
 * the meeting's state is dropped {@code meetingRetentionDays} after its last event.
 */
public final class AgendaNoticeRule implements Rule {
  public static final int VERSION = 1;
  public static final String NO_NOTICE = RuleId.DECISION_AGENDA_NOTICE.reason("NO_NOTICE");
  public static final String LATE_NOTICE = RuleId.DECISION_AGENDA_NOTICE.reason("LATE_NOTICE");

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.DECISION_AGENDA_NOTICE);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.meetings().rule(new Detect(config));
  }

  static String subject(DecisionEvent e) {
    return e.getMeetingId() + "/" + e.getTopicId();
  }

  static final class Detect extends SubjectRule<DecisionEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final ProbityConfig config;
    private transient ValueState<DecisionEvent> opened;
    private transient MapState<String, DecisionEvent> notices;
    private transient MapState<String, Boolean> judged;
    private transient ValueState<Long> forgetAt;

    Detect(ProbityConfig config) {
      this.config = config;
    }

    @Override
    protected void openState() {
      opened = getRuntimeContext().getState(new ValueStateDescriptor<>("opened", DecisionEvent.class));
      notices = getRuntimeContext().getMapState(new MapStateDescriptor<>("first-notice", Types.STRING,
          TypeInformation.of(DecisionEvent.class)));
      judged = getRuntimeContext().getMapState(new MapStateDescriptor<>("judged-topics", Types.STRING, Types.BOOLEAN));
      forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    @Override
    protected void processInOrder(DecisionEvent e, Context ctx, Collector<Alert> out) throws Exception {
      switch (e.getAction()) {
        case AGENDA_NOTIFIED -> {
          if (!notices.contains(e.getTopicId())) {
            notices.put(e.getTopicId(), e);
          }
        }
        case MEETING_OPENED, STATEMENT -> openedAtTheLatest(e);
        case DECIDED -> {
          openedAtTheLatest(e);
          decided(e, out);
        }
      }
      keepUntil(ctx.timestamp() + config.decision().meetingRetentionDays() * 86_400_000L, ctx);
    }

    /** The meeting opened at its first MEETING_OPENED, statement or decision, whichever came first. */
    private void openedAtTheLatest(DecisionEvent e) throws Exception {
      if (opened.value() == null) {
        opened.update(e);
      }
    }

    private void decided(DecisionEvent e, Collector<Alert> out) throws Exception {
      if (judged.contains(e.getTopicId())) {
        return;
      }
      judged.put(e.getTopicId(), Boolean.TRUE);
      DecisionEvent opening = opened.value();
      LocalDate openedOn = opening.getEventTime().atZone(config.zone()).toLocalDate();
      LocalDate latestNotice = openedOn.minusDays(config.decision().agendaNoticeDays());
      DecisionEvent notice = notices.get(e.getTopicId());
      if (notice != null && !notice.getEventTime().atZone(config.zone()).toLocalDate().isAfter(latestNotice)) {
        return;
      }
      Alerts.Builder alert = Alerts.of(RuleId.DECISION_AGENDA_NOTICE, VERSION, notice == null ? NO_NOTICE : LATE_NOTICE)
          .severity(notice == null ? Severity.YELLOW : Severity.NOTICE)
          .unit(e.getUnitId())
          .subject(SubjectType.MEETING, subject(e))
          .amountFen(e.getAmountFen())
          .eventTime(e.getEventTime());
      if (notice != null) {
        alert.evidence(notice.getEventId());
      }
      String topic = "会议" + e.getMeetingId() + "议题" + e.getTopicId();
      alert.evidence(opening.getEventId())
          .evidence(e.getEventId())
          .message(notice == null
              ? topic + "未经提前告知即作出决策（临时动议）"
              : topic + "于" + notice.getEventTime().atZone(config.zone()).toLocalDate() + "告知，会议"
                  + openedOn + "召开，未提前" + config.decision().agendaNoticeDays() + "天告知");
      out.collect(alert.build());
    }

    private void keepUntil(long time, Context ctx) throws Exception {
      Long previous = forgetAt.value();
      if (previous != null && previous >= time) {
        return;
      }
      if (previous != null) {
        ctx.timerService().deleteEventTimeTimer(previous);
      }
      forgetAt.update(time);
      ctx.timerService().registerEventTimeTimer(time);
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      Long at = forgetAt.value();
      if (at != null && at == time) {
        opened.clear();
        notices.clear();
        judged.clear();
        forgetAt.clear();
      }
    }
  }
}
