package org.probity.jobs.generate;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.probity.jobs.config.ReferenceData;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.TopicType;

/**
 * 议事决策: a weekly 班子会 per unit (on Thursdays). Clean meetings notify every topic three days
 * ahead, hear the members before the principal (末位表态), and decide.
 */
final class DecisionTraffic implements TrafficPlanter {

  @Override
  public void plantDay(LocalDate day, ReferenceData.Unit unit, GenContext ctx) {
    if (day.getDayOfWeek() != DayOfWeek.MONDAY) {
      return;
    }
    String unitId = unit.id();
    String meetingId = ctx.nextId("MTG");
    String topicId = meetingId + "-T1";
    LocalDate meetingDay = day.plusDays(3);
    Instant notified = ctx.at(day, 8, 30);
    Instant opened = ctx.at(meetingDay, 9, 0);
    ctx.emit(event(ctx, meetingId, unitId, DecisionAction.AGENDA_NOTIFIED, notified, topicId));
    ctx.emit(event(ctx, meetingId, unitId, DecisionAction.MEETING_OPENED, opened, null));
    List<String> members = ctx.people(unitId, "MEMBER");
    int minute = 5;
    for (String member : members) {
      DecisionEvent s = event(ctx, meetingId, unitId, DecisionAction.STATEMENT, opened.plusSeconds(60L * minute), topicId);
      s.setMemberId(member);
      s.setMemberRole(MemberRole.MEMBER);
      ctx.emit(s);
      minute += 5;
    }
    DecisionEvent principal = event(ctx, meetingId, unitId, DecisionAction.STATEMENT, opened.plusSeconds(60L * minute),
        topicId);
    principal.setMemberId(ctx.person(unitId, "PRINCIPAL"));
    principal.setMemberRole(MemberRole.PRINCIPAL);
    ctx.emit(principal);
    DecisionEvent decided = event(ctx, meetingId, unitId, DecisionAction.DECIDED, opened.plusSeconds(60L * (minute + 10)),
        topicId);
    decided.setDecisionRef("DEC-" + meetingId);
    ctx.emit(decided);
  }

  static DecisionEvent event(GenContext ctx, String meetingId, String unitId, DecisionAction action, Instant time,
      String topicId) {
    return DecisionEvent.newBuilder()
        .setEventId(ctx.nextId("ED"))
        .setEventTime(time)
        .setUnitId(unitId)
        .setMeetingId(meetingId)
        .setAction(action)
        .setTopicId(topicId)
        .setTopicType(topicId == null ? null : TopicType.ROUTINE)
        .build();
  }
}
