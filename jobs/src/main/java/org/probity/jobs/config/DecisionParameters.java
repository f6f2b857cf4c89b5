package org.probity.jobs.config;

import java.io.Serializable;

/**
 * Parameters of the DECISION_* rules.
 *
 * @param agendaNoticeDays a topic must be notified at least this many days before the meeting opens (议题需至少提前两天告知)
 * @param meetingRetentionDays state of a meeting is dropped this long after its last event
 */
public record DecisionParameters(int agendaNoticeDays, int meetingRetentionDays) implements Serializable {

  public static final DecisionParameters DEFAULTS = new DecisionParameters(2, 30);

  static DecisionParameters from(ConfigNode n) {
    DecisionParameters d = DEFAULTS;
    DecisionParameters p = new DecisionParameters(
        n.integer("agendaNoticeDays", d.agendaNoticeDays, 0, 365),
        n.integer("meetingRetentionDays", d.meetingRetentionDays, 1, 3650));
    n.finish();
    return p;
  }
}
