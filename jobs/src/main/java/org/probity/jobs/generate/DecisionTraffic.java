package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.rules.decision.AgendaNoticeRule;
import org.probity.jobs.rules.decision.PrincipalNotLastRule;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.Severity;
import org.probity.schema.SubjectType;
import org.probity.schema.TopicType;

/**
 * 议事决策: a weekly 班子会 per unit, planted on Monday and held on Thursday, of one to three topics.
 * A clean topic is notified on Monday (three days ahead), heard from every member before the
 * principal (末位表态), and decided. Planted, each topic at the violation rate: DECISION_AGENDA_NOTICE
 * LATE_NOTICE (notified Wednesday afternoon) or NO_NOTICE (never notified: 临时动议), and
 * DECISION_PRINCIPAL_NOT_LAST (the principal speaks first). Near misses: a topic notified on the
 * last day still in time (Tuesday 23:59). {@link #meeting} also holds the collective decisions the
 * payment traffic's large payments cite.
 */
final class DecisionTraffic implements TrafficPlanter {
  /** What is wrong with a topic, if anything. */
  enum Flaw { NONE, LATE_NOTICE, NO_NOTICE, PRINCIPAL_FIRST, NOTICED_ON_THE_LAST_DAY }

  /** One topic of a meeting; {@code ref} and {@code amountFen} are what its DECIDED carries. */
  record Topic(TopicType type, String ref, Long amountFen, Flaw flaw) {}

  private static final List<TopicType> ROUTINE_TYPES = List.of(TopicType.ROUTINE, TopicType.MAJOR_DECISION,
      TopicType.APPOINTMENT, TopicType.MAJOR_PROJECT);
  private static final List<Flaw> VIOLATIONS = List.of(Flaw.LATE_NOTICE, Flaw.NO_NOTICE, Flaw.PRINCIPAL_FIRST);
  /** Minutes from one topic's start to the next: members from 5 to 19, the principal at 20, the decision at 25. */
  static final int TOPIC_MINUTES = 30;

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (day.getDayOfWeek() != DayOfWeek.MONDAY) {
      return;
    }
    String meetingId = ctx.nextId("MTG");
    int count = 1 + ctx.random().nextInt(3);
    List<Topic> topics = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Flaw flaw = ctx.plantViolation(unit.id()) ? VIOLATIONS.get(ctx.random().nextInt(VIOLATIONS.size()))
          : ctx.random().nextInt(10) == 0 ? Flaw.NOTICED_ON_THE_LAST_DAY : Flaw.NONE;
      topics.add(new Topic(ROUTINE_TYPES.get(ctx.random().nextInt(ROUTINE_TYPES.size())),
          "DEC-" + meetingId + "-T" + (i + 1), null, flaw));
    }
    meeting(ctx, unit.id(), meetingId, day, day.plusDays(3), topics);
  }

  /**
   * Emits a meeting of {@code unitId} notified on {@code noticeDay} and opened at 09:00 on {@code
   * meetingDay}, its topics one after another, and expects the alerts of their flaws. Returns the
   * DECIDED events, in topic order. Every event is on or after {@code noticeDay}.
   */
  static List<DecisionEvent> meeting(GenContext ctx, String unitId, String meetingId, LocalDate noticeDay,
      LocalDate meetingDay, List<Topic> topics) {
    Instant opened = ctx.at(meetingDay, 9, 0);
    DecisionEvent open = event(ctx, meetingId, unitId, DecisionAction.MEETING_OPENED, opened, null, null);
    List<DecisionEvent> notices = new ArrayList<>();
    for (int i = 0; i < topics.size(); i++) {
      String topicId = meetingId + "-T" + (i + 1);
      Instant noticed = switch (topics.get(i).flaw()) {
        case NO_NOTICE -> null;
        case LATE_NOTICE -> ctx.at(meetingDay.minusDays(1), 16, 0);
        case NOTICED_ON_THE_LAST_DAY -> ctx.at(meetingDay.minusDays(2), 23, 59);
        default -> ctx.at(noticeDay, 8, 30);
      };
      notices.add(noticed == null ? null
          : event(ctx, meetingId, unitId, DecisionAction.AGENDA_NOTIFIED, noticed, topicId, topics.get(i).type()));
    }
    notices.stream().filter(n -> n != null).forEach(ctx::emit);
    ctx.emit(open);

    List<String> members = ctx.people(unitId, "MEMBER");
    String principal = ctx.person(unitId, "PRINCIPAL");
    List<DecisionEvent> decided = new ArrayList<>();
    for (int i = 0; i < topics.size(); i++) {
      Topic topic = topics.get(i);
      String topicId = meetingId + "-T" + (i + 1);
      Instant start = opened.plusSeconds(60L * TOPIC_MINUTES * i);
      List<DecisionEvent> memberStatements = new ArrayList<>();
      for (int m = 0; m < members.size(); m++) {
        memberStatements.add(statement(ctx, meetingId, unitId, topic, topicId, members.get(m), MemberRole.MEMBER,
            start.plusSeconds(300L + m * 840L / members.size())));
      }
      Instant principalAt = topic.flaw() == Flaw.PRINCIPAL_FIRST ? start.plusSeconds(60)
          : start.plusSeconds(60L * 20);
      DecisionEvent principalStatement = statement(ctx, meetingId, unitId, topic, topicId, principal,
          MemberRole.PRINCIPAL, principalAt);
      memberStatements.forEach(ctx::emit);
      ctx.emit(principalStatement);
      DecisionEvent d = event(ctx, meetingId, unitId, DecisionAction.DECIDED, start.plusSeconds(60L * 25), topicId,
          topic.type());
      d.setDecisionRef(topic.ref());
      d.setAmountFen(topic.amountFen());
      ctx.emit(d);
      decided.add(d);

      String subject = meetingId + "/" + topicId;
      switch (topic.flaw()) {
        case LATE_NOTICE -> ctx.expect(Alerts.of(RuleId.DECISION_AGENDA_NOTICE, AgendaNoticeRule.VERSION,
                AgendaNoticeRule.LATE_NOTICE)
            .severity(Severity.NOTICE).unit(unitId).subject(SubjectType.MEETING, subject).amountFen(d.getAmountFen())
            .eventTime(d.getEventTime()).evidence(notices.get(i).getEventId()).evidence(open.getEventId())
            .evidence(d.getEventId()).build());
        case NO_NOTICE -> ctx.expect(Alerts.of(RuleId.DECISION_AGENDA_NOTICE, AgendaNoticeRule.VERSION,
                AgendaNoticeRule.NO_NOTICE)
            .severity(Severity.YELLOW).unit(unitId).subject(SubjectType.MEETING, subject).amountFen(d.getAmountFen())
            .eventTime(d.getEventTime()).evidence(open.getEventId()).evidence(d.getEventId()).build());
        case PRINCIPAL_FIRST -> {
          DecisionEvent firstAfter = memberStatements.get(0);
          ctx.expect(Alerts.of(RuleId.DECISION_PRINCIPAL_NOT_LAST, PrincipalNotLastRule.VERSION,
                  PrincipalNotLastRule.PRINCIPAL_NOT_LAST)
              .severity(Severity.YELLOW).unit(unitId).subject(SubjectType.MEETING, subject)
              .person(principal).person(firstAfter.getMemberId()).eventTime(firstAfter.getEventTime())
              .evidence(principalStatement.getEventId()).evidence(firstAfter.getEventId()).build());
        }
        default -> { }
      }
    }
    return decided;
  }

  private static DecisionEvent statement(GenContext ctx, String meetingId, String unitId, Topic topic, String topicId,
      String member, MemberRole role, Instant at) {
    DecisionEvent s = event(ctx, meetingId, unitId, DecisionAction.STATEMENT, at, topicId, topic.type());
    s.setMemberId(member);
    s.setMemberRole(role);
    return s;
  }

  static DecisionEvent event(GenContext ctx, String meetingId, String unitId, DecisionAction action, Instant time,
      String topicId, TopicType type) {
    return DecisionEvent.newBuilder()
        .setEventId(ctx.nextId("ED"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setMeetingId(meetingId)
        .setAction(action)
        .setTopicId(topicId)
        .setTopicType(type)
        .build();
  }
}
