package org.probity.connectors.ingest;

import java.time.Duration;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * The checks a decoded event must pass before any rule sees it: what Avro's types cannot say.
 * The contract's bounds (every string at most {@value #MAX_STRING_CHARS} characters and free of
 * control characters, every {@code *Fen} amount from 0 to 10^15, {@code extensionDays} from
 * {@value #MIN_EXTENSION_DAYS} to {@value #MAX_EXTENSION_DAYS}), blank ids, absurd times, an event
 * time too far ahead of the clock, and the contract's table of the fields each action requires.
 * Returns the reason, naming the field and the bound, or null when the event is valid.
 *
 * <p>Every string field of the four event records is an identifier or a code (ids, item codes,
 * roles, invoice numbers, categories, the bidder fingerprint hash): none is free text, so the one
 * identifier bound applies to all of them.
 */
public final class EventValidator {
  /** Event times outside [2000-01-01, 2100-01-01) are typos or unit mix-ups (seconds vs millis). */
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");
  /** Contract: every identifier is at most 128 characters (Unicode code points). */
  public static final int MAX_STRING_CHARS = 128;
  /** Contract: every amount is from 0 to 10^15 fen (ten trillion yuan). */
  public static final long MAX_FEN = 1_000_000_000_000_000L;
  public static final int MIN_EXTENSION_DAYS = 1;
  public static final int MAX_EXTENSION_DAYS = 365;

  private EventValidator() {}

  /** The contract's checks without the bound ahead of the clock. */
  public static String validate(SpecificRecordBase event) {
    return validate(event, null, 0L);
  }

  /** All checks; the event time may be at most {@code limits.maxAhead()} ahead of {@code limits.referenceNow()}. */
  public static String validate(SpecificRecordBase event, IngestLimits limits) {
    return validate(event, limits.maxAhead(), limits.referenceNow());
  }

  private static String validate(SpecificRecordBase event, Duration maxAhead, long referenceMillis) {
    Schema schema = event.getSchema();
    for (Schema.Field field : schema.getFields()) {
      Object value = event.get(field.pos());
      String problem = null;
      if (value instanceof CharSequence s) {
        problem = string(field, s.toString());
      } else if (field.name().endsWith("Fen") && value instanceof Long amount) {
        problem = amount(field.name(), amount);
      } else if (value instanceof Instant t) {
        problem = time(field.name(), t, maxAhead, referenceMillis);
      } else if (field.name().equals("extensionDays") && value instanceof Integer days
          && (days < MIN_EXTENSION_DAYS || days > MAX_EXTENSION_DAYS)) {
        problem = "field 'extensionDays' is " + days + ", outside " + MIN_EXTENSION_DAYS + " to " + MAX_EXTENSION_DAYS;
      }
      if (problem != null) {
        return problem;
      }
    }
    if (event instanceof ApprovalEvent a) {
      return approval(a);
    }
    if (event instanceof PaymentEvent p) {
      return payment(p);
    }
    if (event instanceof ProcurementEvent p) {
      return procurement(p);
    }
    if (event instanceof DecisionEvent d) {
      return decision(d);
    }
    return null;
  }

  private static String string(Schema.Field field, String s) {
    // Length first and cheaply: a 1 MB id is reported by its length, not scanned further.
    if (s.length() > MAX_STRING_CHARS) {
      int chars = s.codePointCount(0, s.length());
      if (chars > MAX_STRING_CHARS) {
        return "field '" + field.name() + "' is " + chars + " characters, over the maximum " + MAX_STRING_CHARS;
      }
    }
    // Control characters are all below U+00A0: a surrogate, or a character it pairs into, never is one.
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        return "field '" + field.name() + "' contains the control character " + String.format("U+%04X", (int) c)
            + " at character " + s.codePointCount(0, i);
      }
    }
    if (s.isBlank() && !isOptional(field)) {
      return "field '" + field.name() + "' is blank";
    }
    return null;
  }

  private static String amount(String field, long amount) {
    if (amount < 0) {
      return "field '" + field + "' is negative: " + amount + " (amounts are 0 to 10^15 fen)";
    }
    if (amount > MAX_FEN) {
      return "field '" + field + "' is " + amount + ", over the maximum 10^15 fen";
    }
    return null;
  }

  private static String time(String field, Instant t, Duration maxAhead, long referenceMillis) {
    if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
      return "field '" + field + "' is out of range: " + t;
    }
    if (maxAhead != null) {
      Duration ahead = Duration.ofMillis(t.toEpochMilli() - referenceMillis);
      if (ahead.compareTo(maxAhead) > 0) {
        return "field '" + field + "' is " + period(ahead) + " ahead of the clock (" + t + " against "
            + Instant.ofEpochMilli(referenceMillis) + "); the maximum is " + period(maxAhead);
      }
    }
    return null;
  }

  /** ISO-8601 with days ({@code P3DT1H}); {@link Duration#toString()} says {@code PT73H}. */
  static String period(Duration d) {
    long days = d.toDays();
    Duration rest = d.minusDays(days);
    if (rest.isZero()) {
      return days == 0 ? "PT0S" : "P" + days + "D";
    }
    return "P" + (days == 0 ? "" : days + "D") + rest.toString().substring(1);
  }

  private static boolean isOptional(Schema.Field field) {
    return field.schema().getType() == Schema.Type.UNION;
  }

  private static String approval(ApprovalEvent e) {
    // itemCode, actorId and actorRole, required on every action, are required by the schema itself.
    if (e.getAction() == org.probity.schema.ApprovalAction.EXTENDED && e.getExtensionDays() == null) {
      return missing("extensionDays", e.getAction());
    }
    return null;
  }

  private static String payment(PaymentEvent e) {
    switch (e.getAction()) {
      case SUBMITTED:
      case PAID:
        // Optional in the schema since v2 (a SIGNED need not repeat them), required here.
        if (e.getAmountFen() == null) {
          return missing("amountFen", e.getAction());
        }
        return absent(e.getPayeeId()) ? missing("payeeId", e.getAction()) : null;
      case SIGNED:
        if (absent(e.getSignerId())) {
          return missing("signerId", e.getAction());
        }
        return e.getSignerRole() == null ? missing("signerRole", e.getAction()) : null;
      default:
        return null;
    }
  }

  private static String procurement(ProcurementEvent e) {
    switch (e.getAction()) {
      case ORDER_PLACED:
      case AWARDED:
        if (absent(e.getSupplierId())) {
          return missing("supplierId", e.getAction());
        }
        if (e.getAmountFen() == null) {
          return missing("amountFen", e.getAction());
        }
        return e.getMethod() == null ? missing("method", e.getAction()) : null;
      case BID_SUBMITTED:
        if (absent(e.getBidderId())) {
          return missing("bidderId", e.getAction());
        }
        return e.getAmountFen() == null ? missing("amountFen", e.getAction()) : null;
      case CHANGE_ORDER:
        return e.getAmountFen() == null ? missing("amountFen", e.getAction()) : null;
      default:
        return null;
    }
  }

  private static String decision(DecisionEvent e) {
    switch (e.getAction()) {
      case AGENDA_NOTIFIED:
        return absent(e.getTopicId()) ? missing("topicId", e.getAction()) : null;
      case STATEMENT:
        if (absent(e.getTopicId())) {
          return missing("topicId", e.getAction());
        }
        if (absent(e.getMemberId())) {
          return missing("memberId", e.getAction());
        }
        return e.getMemberRole() == null ? missing("memberRole", e.getAction()) : null;
      case DECIDED:
        if (absent(e.getTopicId())) {
          return missing("topicId", e.getAction());
        }
        return absent(e.getDecisionRef()) ? missing("decisionRef", e.getAction()) : null;
      default:
        return null;
    }
  }

  /** A field an action requires is missing when null or blank: a blank signer is no signer. */
  private static boolean absent(CharSequence value) {
    return value == null || value.toString().isBlank();
  }

  private static String missing(String field, Object action) {
    return "missing field '" + field + "' required on " + action;
  }
}
