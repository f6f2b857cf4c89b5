package org.probity.jobs.rules.procurement;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.schema.Alert;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;

/** Procurement events for the rules' harness tests: sequential eventIds (E0001, …), so ties sort as written. */
final class ProcurementEvents {
  static final long DAY = 86_400_000L;
  private int seq;

  ProcurementEvent order(String procurementId, String unit, String supplier, String category, long amount,
      ProcurementMethod method, long time) {
    return event(procurementId, unit, ProcurementAction.ORDER_PLACED, time)
        .setActorId(unit + "-B1")
        .setSupplierId(supplier)
        .setCategory(category)
        .setAmountFen(amount)
        .setMethod(method)
        .build();
  }

  ProcurementEvent bid(String procurementId, String bidder, long amount, String fingerprint, long time) {
    return event(procurementId, "U01", ProcurementAction.BID_SUBMITTED, time)
        .setBidderId(bidder)
        .setAmountFen(amount)
        .setBidderFingerprint(fingerprint)
        .build();
  }

  ProcurementEvent opened(String procurementId, long time) {
    return event(procurementId, "U01", ProcurementAction.BIDS_OPENED, time).setActorId("U01-D").build();
  }

  ProcurementEvent awarded(String procurementId, String supplier, long amount, long time) {
    return event(procurementId, "U01", ProcurementAction.AWARDED, time)
        .setActorId("U01-D")
        .setSupplierId(supplier)
        .setCategory("工程施工")
        .setAmountFen(amount)
        .setMethod(ProcurementMethod.OPEN_TENDER)
        .build();
  }

  ProcurementEvent changeOrder(String procurementId, long amount, String decisionRef, long time) {
    return event(procurementId, "U01", ProcurementAction.CHANGE_ORDER, time)
        .setActorId("U01-D")
        .setAmountFen(amount)
        .setDecisionRef(decisionRef)
        .build();
  }

  private ProcurementEvent.Builder event(String procurementId, String unit, ProcurementAction action, long time) {
    return ProcurementEvent.newBuilder()
        .setEventId(String.format("E%04d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId(unit)
        .setProcurementId(procurementId)
        .setAction(action);
  }

  static List<String> ids(ProcurementEvent... events) {
    return Arrays.stream(events).map(ProcurementEvent::getEventId).toList();
  }

  static void feed(KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness,
      ProcurementEvent... events) throws Exception {
    for (ProcurementEvent e : events) {
      harness.processElement(e, e.getEventTime().toEpochMilli());
    }
  }
}
