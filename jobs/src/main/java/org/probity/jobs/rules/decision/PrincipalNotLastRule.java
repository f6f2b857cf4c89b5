package org.probity.jobs.rules.decision;

import org.probity.jobs.rules.Filtered;
import org.probity.jobs.rules.Subjects;
import java.util.Set;
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
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;

/**
 * DECISION_PRINCIPAL_NOT_LAST / PRINCIPAL_NOT_LAST (末位表态, seeds 002, 004: 决策会议上党委书记必须末位表态,
 * 避免事先发话定调): on a topic, a MEMBER states a position strictly after the principal (memberRole
 * PRINCIPAL on the STATEMENT) has stated one. The principal speaking again at the end does not
 * undo having spoken first. Raised when it becomes true, at the first such member statement, once
 * per topic (subject {@code meetingId/topicId}), YELLOW; evidence the principal's first statement
 * and that member's.
 *
 * <p>Keyed by meetingId, in event-time order. Per topic it keeps the principal's first statement
 * and the latest member statement, so a principal's statement that arrives behind the watermark,
 * after members who spoke later were already processed, still raises the alert. The meeting's state
 * is dropped {@code meetingRetentionDays} after its last event.
 */
public final class PrincipalNotLastRule implements Rule {
  public static final int VERSION = 1;
  public static final String PRINCIPAL_NOT_LAST = RuleId.DECISION_PRINCIPAL_NOT_LAST.reason("PRINCIPAL_NOT_LAST");

  @Override
  public Set<RuleId> ids() {
    return Set.of(RuleId.DECISION_PRINCIPAL_NOT_LAST);
  }

  @Override
  public void addTo(Subjects subjects, ProbityConfig config) {
    subjects.meetings().rule(Filtered.only(e -> e.getAction() == DecisionAction.STATEMENT, new Detect(config)));
  }

  static final class Detect extends SubjectRule<DecisionEvent, Alert> {
    private static final long serialVersionUID = 1L;
    private final long retentionMillis;
    private transient MapState<String, DecisionEvent> principalFirst;
    private transient MapState<String, DecisionEvent> memberLatest;
    private transient MapState<String, Boolean> raised;
    private transient ValueState<Long> forgetAt;

    Detect(ProbityConfig config) {
      this.retentionMillis = config.decision().meetingRetentionDays() * 86_400_000L;
    }

    @Override
    protected void openState() {
      TypeInformation<DecisionEvent> type = TypeInformation.of(DecisionEvent.class);
      principalFirst = getRuntimeContext().getMapState(new MapStateDescriptor<>("principal-first", Types.STRING, type));
      memberLatest = getRuntimeContext().getMapState(new MapStateDescriptor<>("member-latest", Types.STRING, type));
      raised = getRuntimeContext().getMapState(new MapStateDescriptor<>("raised-topics", Types.STRING, Types.BOOLEAN));
      forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-at", Types.LONG));
    }

    @Override
    protected void processInOrder(DecisionEvent e, Context ctx, Collector<Alert> out) throws Exception {
      String topic = e.getTopicId();
      if (e.getMemberRole() == MemberRole.PRINCIPAL) {
        DecisionEvent first = principalFirst.get(topic);
        if (first == null || e.getEventTime().isBefore(first.getEventTime())) {
          principalFirst.put(topic, e);
          DecisionEvent member = memberLatest.get(topic);
          if (member != null && member.getEventTime().isAfter(e.getEventTime())) {
            raise(e, member, out);
          }
        }
      } else {
        DecisionEvent latest = memberLatest.get(topic);
        if (latest == null || !e.getEventTime().isBefore(latest.getEventTime())) {
          memberLatest.put(topic, e);
        }
        DecisionEvent principal = principalFirst.get(topic);
        if (principal != null && e.getEventTime().isAfter(principal.getEventTime())) {
          raise(principal, e, out);
        }
      }
      long until = ctx.timestamp() + retentionMillis;
      Long previous = forgetAt.value();
      if (previous == null || previous < until) {
        if (previous != null) {
          ctx.timerService().deleteEventTimeTimer(previous);
        }
        forgetAt.update(until);
        ctx.timerService().registerEventTimeTimer(until);
      }
    }

    private void raise(DecisionEvent principal, DecisionEvent member, Collector<Alert> out) throws Exception {
      if (raised.contains(member.getTopicId())) {
        return;
      }
      raised.put(member.getTopicId(), Boolean.TRUE);
      out.collect(Alerts.of(RuleId.DECISION_PRINCIPAL_NOT_LAST, VERSION, PRINCIPAL_NOT_LAST)
          .severity(Severity.YELLOW)
          .unit(member.getUnitId())
          .subject(SubjectType.MEETING, AgendaNoticeRule.subject(member))
          .person(principal.getMemberId())
          .person(member.getMemberId())
          .eventTime(member.getEventTime())
          .evidence(principal.getEventId())
          .evidence(member.getEventId())
          .message("会议" + member.getMeetingId() + "议题" + member.getTopicId() + "上，一把手" + principal.getMemberId()
              + "先于" + member.getMemberId() + "表态，未末位表态")
          .build());
    }

    @Override
    protected void onTime(long time, OnTimerContext ctx, Collector<Alert> out) throws Exception {
      Long at = forgetAt.value();
      if (at != null && at == time) {
        principalFirst.clear();
        memberLatest.clear();
        raised.clear();
        forgetAt.clear();
      }
    }
  }
}
