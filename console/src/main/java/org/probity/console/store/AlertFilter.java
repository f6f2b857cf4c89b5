package org.probity.console.store;

/**
 * The feed's filters; null means any.
 *
 * @param status RAISED, ESCALATED, RESOLVED, OPEN (see {@link StoredAlert#open()}) or CLOSED (by rectification)
 * @param ack PENDING (open, needs an acknowledgement) or DONE (acknowledged at its current severity)
 * @param sort the order: by the violation's time (newest or oldest first) or by the latest change
 */
public record AlertFilter(String ruleId, String unitId, String severity, String status, String ack, Sort sort) {
  public static final AlertFilter ALL = new AlertFilter(null, null, null, null, null, Sort.NEWEST);

  public enum Sort { NEWEST, OLDEST, CHANGED }

  public AlertFilter {
    sort = sort == null ? Sort.NEWEST : sort;
  }
}
