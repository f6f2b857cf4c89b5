package org.probity.connectors.ingest;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DeadLetter;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/**
 * What a source hands the pipeline for one input record: exactly one of the four events, or the
 * dead letter the record became. Sources never throw on bad input (a throwing deserializer makes
 * the Kafka source restart-loop); they wrap the failure here and the pipeline routes it.
 *
 * <p>A Flink POJO whose fields are Avro specific records, so it is serialized by Flink's POJO and
 * Avro serializers, never Kryo.
 */
public class Ingested {
  public ApprovalEvent approval;
  public PaymentEvent payment;
  public ProcurementEvent procurement;
  public DecisionEvent decision;
  public DeadLetter deadLetter;

  public Ingested() {}

  public static Ingested of(SpecificRecordBase event) {
    Ingested in = new Ingested();
    if (event instanceof ApprovalEvent a) {
      in.approval = a;
    } else if (event instanceof PaymentEvent p) {
      in.payment = p;
    } else if (event instanceof ProcurementEvent p) {
      in.procurement = p;
    } else if (event instanceof DecisionEvent d) {
      in.decision = d;
    } else if (event instanceof DeadLetter d) {
      in.deadLetter = d;
    } else {
      throw new IllegalArgumentException("not an event: " + event.getClass().getName());
    }
    return in;
  }

  public boolean isDeadLetter() {
    return deadLetter != null;
  }

  /** The event, or null for a dead letter. */
  public SpecificRecordBase event() {
    if (approval != null) {
      return approval;
    }
    if (payment != null) {
      return payment;
    }
    if (procurement != null) {
      return procurement;
    }
    return decision;
  }

  public String eventId() {
    if (approval != null) {
      return approval.getEventId();
    }
    if (payment != null) {
      return payment.getEventId();
    }
    if (procurement != null) {
      return procurement.getEventId();
    }
    if (decision != null) {
      return decision.getEventId();
    }
    return null;
  }

  /** Event time in epoch millis; {@link Long#MIN_VALUE} for a dead letter, so it never moves a watermark. */
  public long timestamp() {
    if (approval != null) {
      return approval.getEventTime().toEpochMilli();
    }
    if (payment != null) {
      return payment.getEventTime().toEpochMilli();
    }
    if (procurement != null) {
      return procurement.getEventTime().toEpochMilli();
    }
    if (decision != null) {
      return decision.getEventTime().toEpochMilli();
    }
    return Long.MIN_VALUE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ingested other
        && Objects.equals(approval, other.approval)
        && Objects.equals(payment, other.payment)
        && Objects.equals(procurement, other.procurement)
        && Objects.equals(decision, other.decision)
        && Objects.equals(deadLetter, other.deadLetter);
  }

  @Override
  public int hashCode() {
    return Objects.hash(approval, payment, procurement, decision, deadLetter);
  }

  @Override
  public String toString() {
    return isDeadLetter() ? "DeadLetter" + deadLetter : String.valueOf(event());
  }
}
