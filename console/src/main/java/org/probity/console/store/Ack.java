package org.probity.console.store;

import java.time.Instant;
import org.probity.schema.AlertStatus;
import org.probity.schema.Severity;

/**
 * An acknowledgement (签收): who, when, and the state of the alert they saw, so an escalation
 * after it shows as needing a new one.
 */
public record Ack(String alertId, String username, String displayName, Instant at, Severity severity,
    AlertStatus status, String note) {}
