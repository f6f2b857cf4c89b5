package org.probity.jobs.rules.decision;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.TopicType;

/** Decision events of test meetings, at local times in Asia/Shanghai, eventIds in creation order. */
final class Meetings {
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  static final long DAY = 86_400_000L;
  private int seq;

  static long at(String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(ZONE).toInstant().toEpochMilli();
  }

  DecisionEvent event(String meeting, DecisionAction action, String topic, long time) {
    return DecisionEvent.newBuilder()
        .setEventId(String.format("ED%04d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId("U01")
        .setMeetingId(meeting)
        .setAction(action)
        .setTopicId(topic)
        .setTopicType(topic == null ? null : TopicType.MAJOR_DECISION)
        .build();
  }

  DecisionEvent statement(String meeting, String topic, String member, MemberRole role, long time) {
    DecisionEvent e = event(meeting, DecisionAction.STATEMENT, topic, time);
    e.setMemberId(member);
    e.setMemberRole(role);
    return e;
  }

  DecisionEvent decided(String meeting, String topic, long time) {
    DecisionEvent e = event(meeting, DecisionAction.DECIDED, topic, time);
    e.setDecisionRef("DEC-" + meeting + "-" + topic);
    return e;
  }

  static void feed(KeyedOneInputStreamOperatorTestHarness<String, DecisionEvent, ?> harness, DecisionEvent... events)
      throws Exception {
    for (DecisionEvent e : events) {
      harness.processElement(e, e.getEventTime().toEpochMilli());
    }
  }
}
