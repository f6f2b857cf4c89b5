package org.probity.connectors.ingest;

import org.apache.avro.specific.SpecificRecordBase;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;

/** The four event streams of the contract: the JSON {@code "stream"} name, the record, the default topic. */
public enum EventStream {
  APPROVAL("approval", ApprovalEvent.class, "probity.approvals"),
  PAYMENT("payment", PaymentEvent.class, "probity.payments"),
  PROCUREMENT("procurement", ProcurementEvent.class, "probity.procurement"),
  DECISION("decision", DecisionEvent.class, "probity.decisions");

  private final String jsonName;
  private final Class<? extends SpecificRecordBase> recordClass;
  private final String defaultTopic;

  EventStream(String jsonName, Class<? extends SpecificRecordBase> recordClass, String defaultTopic) {
    this.jsonName = jsonName;
    this.recordClass = recordClass;
    this.defaultTopic = defaultTopic;
  }

  public String jsonName() {
    return jsonName;
  }

  public Class<? extends SpecificRecordBase> recordClass() {
    return recordClass;
  }

  public String defaultTopic() {
    return defaultTopic;
  }

  public static EventStream ofJsonName(String name) {
    for (EventStream s : values()) {
      if (s.jsonName.equals(name)) {
        return s;
      }
    }
    return null;
  }

  public static EventStream of(SpecificRecordBase event) {
    for (EventStream s : values()) {
      if (s.recordClass.isInstance(event)) {
        return s;
      }
    }
    throw new IllegalArgumentException("not an event: " + event.getClass().getName());
  }
}
