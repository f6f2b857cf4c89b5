package org.probity.jobs.config;

/** A bad rules file or argument: a one-line message that names the field, printed without a stack trace. */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
