package org.probity.console.store;

/**
 * The feed's filters; null means any.
 *
 * @param status RAISED, ESCALATED, RESOLVED, or OPEN (not resolved)
 * @param ack PENDING (needs an acknowledgement) or DONE (acknowledged at its current severity)
 */
public record AlertFilter(String ruleId, String unitId, String severity, String status, String ack) {
  public static final AlertFilter ALL = new AlertFilter(null, null, null, null, null);
}
