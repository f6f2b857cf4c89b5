package org.probity.console.store;

import java.time.Instant;

/** A source event the console has seen, kept as the contract's JSON form (with {@code "stream"}). */
public record StoredEvent(String eventId, String stream, String unitId, Instant eventTime, String json) {}
