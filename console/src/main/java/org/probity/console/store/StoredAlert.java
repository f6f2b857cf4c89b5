package org.probity.console.store;

import java.time.Instant;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;

/**
 * The latest state of one alert as the console keeps it.
 *
 * @param firstEventTime when the violation first became true (the first state's eventTime)
 * @param receivedAt when the console received the latest state
 * @param version the console-wide order of changes
 * @param latestAck the latest acknowledgement, or null
 * @param closedAt when an accepted rectification closed it, or null
 * @param closedBy who accepted that rectification, or null
 */
public record StoredAlert(Alert alert, Instant firstEventTime, Instant receivedAt, long version, Ack latestAck,
    Instant closedAt, String closedBy) {

  /** Open and not acknowledged at its current severity: someone must look at it. */
  public boolean needsAck() {
    return open() && (latestAck == null || alert.getSeverity().ordinal() > latestAck.severity().ordinal());
  }

  public boolean resolved() {
    return alert.getStatus() == AlertStatus.RESOLVED;
  }

  /** The one meaning of open (tile, feed, notice, reports): neither resolved by its rule nor closed by rectification. */
  public boolean open() {
    return !resolved() && closedAt == null;
  }
}
