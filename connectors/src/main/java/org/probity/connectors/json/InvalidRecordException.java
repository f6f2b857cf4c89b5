package org.probity.connectors.json;

/** A record that parses but breaks the contract; the message names the field and goes to the dead letters. */
public class InvalidRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidRecordException(String message) {
    super(message, null, false, false);
  }
}
