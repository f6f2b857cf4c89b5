package org.probity.connectors.ingest;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The limits a source applies to its input, in one place (the contract's own bounds on fields are
 * in {@link EventValidator}). Serializable: it travels with the {@link IngestDecoder} to the tasks.
 *
 * @param maxAhead how far an event time may lie ahead of the reference clock (clocks upstream
 *     drift, typos and seconds-for-millis do not stop at 2100)
 * @param referenceMillis the reference clock: null is the wall clock at decode time (live); a fixed
 *     instant for a replay, so the same file gives the same dead letters whenever it is replayed
 * @param rawLimit the most bytes of a bad record a dead letter carries (the rest is described by
 *     rawLength and rawSha256), so a dead letter always fits the dead-letter topic
 * @param maxLineBytes the longest JSON line held in memory; a longer line is a dead letter
 */
public record IngestLimits(Duration maxAhead, Long referenceMillis, int rawLimit, int maxLineBytes)
    implements Serializable {
  public static final Duration DEFAULT_MAX_AHEAD = Duration.ofDays(3);
  /** 64 KiB: enough to see what a record was, far below any topic's 1 MB limit. */
  public static final int DEFAULT_RAW_LIMIT = 64 * 1024;
  /** 1 MiB: the largest Kafka record the default broker takes; a real event line is a few hundred bytes. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

  public IngestLimits {
    Objects.requireNonNull(maxAhead, "maxAhead");
    if (maxAhead.isNegative()) {
      throw new IllegalArgumentException("maxAhead must not be negative: " + maxAhead);
    }
    if (rawLimit < 0) {
      throw new IllegalArgumentException("rawLimit must not be negative: " + rawLimit);
    }
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
    }
  }

  /** The defaults, against the wall clock: for the Kafka sources. */
  public static IngestLimits live() {
    return new IngestLimits(DEFAULT_MAX_AHEAD, null, DEFAULT_RAW_LIMIT, DEFAULT_MAX_LINE_BYTES);
  }

  /** The defaults, against a fixed {@code reference} instant: for a replay. */
  public static IngestLimits replay(Instant reference) {
    return live().withReference(reference);
  }

  public IngestLimits withMaxAhead(Duration value) {
    return new IngestLimits(value, referenceMillis, rawLimit, maxLineBytes);
  }

  /** {@code value} null: the wall clock. */
  public IngestLimits withReference(Instant value) {
    return new IngestLimits(maxAhead, value == null ? null : value.toEpochMilli(), rawLimit, maxLineBytes);
  }

  public IngestLimits withRawLimit(int value) {
    return new IngestLimits(maxAhead, referenceMillis, value, maxLineBytes);
  }

  public IngestLimits withMaxLineBytes(int value) {
    return new IngestLimits(maxAhead, referenceMillis, rawLimit, value);
  }

  /** The reference clock now, in epoch millis. */
  public long referenceNow() {
    return referenceMillis != null ? referenceMillis : System.currentTimeMillis();
  }
}
