package org.probity.console.store;

import java.time.Instant;
import org.probity.schema.Alert;

/**
 * The latest state of one alert as the console keeps it.
 *
 * @param firstEventTime when the violation first became true (the first state's eventTime)
 * @param receivedAt when the console received the latest state
 * @param version the console-wide order of changes: the feed shows the highest first
 * @param latestAck the latest acknowledgement, or null
 */
public record StoredAlert(Alert alert, Instant firstEventTime, Instant receivedAt, long version, Ack latestAck) {

  /** Open and not acknowledged at its current severity: someone must look at it. */
  public boolean needsAck() {
    return !resolved() && (latestAck == null || alert.getSeverity().ordinal() > latestAck.severity().ordinal());
  }

  public boolean resolved() {
    return alert.getStatus() == org.probity.schema.AlertStatus.RESOLVED;
  }
}
