package org.probity.console.store;

import java.time.Instant;
import org.probity.schema.Alert;

/** One state an alert went through (预警 → 黄牌 → 红牌 → 办结), as received. */
public record AlertStep(Alert alert, Instant receivedAt) {}
