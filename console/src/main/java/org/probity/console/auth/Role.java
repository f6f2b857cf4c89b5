package org.probity.console.auth;

/** What an account may do: everyone signed in reads; only operators acknowledge alerts. */
public enum Role {
  /** 值班员: reads the board, the feed, the evidence and the notices; acknowledges alerts. */
  OPERATOR,
  /** 只读: reads everything, changes nothing. */
  READ_ONLY;

  public boolean mayAcknowledge() {
    return this == OPERATOR;
  }
}
