package org.probity.console.auth;

/**
 * What an account may do: everyone signed in reads; only operators acknowledge alerts and work
 * rectifications; only rule owners change the rules the job judges by.
 */
public enum Role {
  /** 值班员: reads the board, the feed, the evidence and the notices; acknowledges alerts. */
  OPERATOR,
  /** 只读: reads everything, changes nothing. */
  READ_ONLY,
  /** 规则管理员 (纪委 analysts): reads everything; edits, backtests and publishes versions of the rules. */
  RULE_OWNER;

  public boolean mayAcknowledge() {
    return this == OPERATOR;
  }

  public boolean mayOwnRules() {
    return this == RULE_OWNER;
  }
}
