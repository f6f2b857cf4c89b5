package org.probity.connectors.ingest;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * The checks a decoded event must pass before any rule sees it: what Avro's types cannot say.
 * Blank ids, negative money ({@code *Fen}), absurd times, and the fields an action cannot do
 * without (a signature without its signer, a bid without its bidder). Returns the reason, naming
 * the field, or null when the event is valid.
 */
public final class EventValidator {
  /** Event times outside [2000-01-01, 2100-01-01) are typos or unit mix-ups (seconds vs millis). */
  static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
  static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

  private EventValidator() {}

  public static String validate(SpecificRecordBase event) {
    Schema schema = event.getSchema();
    for (Schema.Field field : schema.getFields()) {
      Object value = event.get(field.pos());
      if (value instanceof CharSequence s && s.toString().isBlank() && !isOptional(field)) {
        return "field '" + field.name() + "' is blank";
      }
      if (field.name().endsWith("Fen") && value instanceof Long amount && amount < 0) {
        return "field '" + field.name() + "' is negative: " + amount;
      }
      if (value instanceof Instant t && (t.isBefore(EARLIEST) || !t.isBefore(LATEST))) {
        return "field '" + field.name() + "' is out of range: " + t;
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

  private static boolean isOptional(Schema.Field field) {
    return field.schema().getType() == Schema.Type.UNION;
  }

  private static String approval(ApprovalEvent e) {
    switch (e.getAction()) {
      case EXTENDED:
        if (e.getExtensionDays() == null) {
          return missing("extensionDays", e.getAction());
        }
        if (e.getExtensionDays() <= 0) {
          return "field 'extensionDays' must be positive: " + e.getExtensionDays();
        }
        return null;
      default:
        return null;
    }
  }

  private static String payment(PaymentEvent e) {
    if (e.getAction() == org.probity.schema.PaymentAction.SIGNED) {
      if (absent(e.getSignerId())) {
        return missing("signerId", e.getAction());
      }
      if (e.getSignerRole() == null) {
        return missing("signerRole", e.getAction());
      }
    }
    return null;
  }

  private static String procurement(ProcurementEvent e) {
    switch (e.getAction()) {
      case ORDER_PLACED:
      case AWARDED:
        if (e.getAmountFen() == null) {
          return missing("amountFen", e.getAction());
        }
        if (e.getMethod() == null) {
          return missing("method", e.getAction());
        }
        if (absent(e.getSupplierId())) {
          return missing("supplierId", e.getAction());
        }
        return null;
      case BID_SUBMITTED:
        if (absent(e.getBidderId())) {
          return missing("bidderId", e.getAction());
        }
        if (e.getAmountFen() == null) {
          return missing("amountFen", e.getAction());
        }
        return null;
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
