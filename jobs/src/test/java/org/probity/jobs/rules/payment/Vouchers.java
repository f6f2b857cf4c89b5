package org.probity.jobs.rules.payment;

import java.time.Instant;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.SignerRole;

/** Payment events of one test voucher, with eventIds that sort in creation order and times a minute apart by default. */
final class Vouchers {
  static final long MINUTE = 60_000L;
  static final long DAY = 86_400_000L;
  static final long T0 = Instant.parse("2025-09-01T02:00:00Z").toEpochMilli();

  private int seq;

  PaymentEvent event(String voucherId, PaymentAction action, long time, long amountFen) {
    return PaymentEvent.newBuilder()
        .setEventId(String.format("EP%04d", ++seq))
        .setEventTime(Instant.ofEpochMilli(time))
        .setUnitId("U01")
        .setVoucherId(voucherId)
        .setAction(action)
        .setAmountFen(amountFen)
        .setPayeeId("PAYEE-1")
        .setInvoiceNo("INV-1")
        .setCategory("办公经费")
        .build();
  }

  PaymentEvent signed(String voucherId, String signer, SignerRole role, long time, long amountFen) {
    PaymentEvent e = event(voucherId, PaymentAction.SIGNED, time, amountFen);
    e.setSignerId(signer);
    e.setSignerRole(role);
    return e;
  }

  static void feed(KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, ?> harness, PaymentEvent... events)
      throws Exception {
    for (PaymentEvent e : events) {
      harness.processElement(e, e.getEventTime().toEpochMilli());
    }
  }

  /** A SIGNED as the contract allows it: the signer and role, none of the voucher's fields. */
  PaymentEvent bareSigned(String voucherId, String signer, SignerRole role, long time) {
    PaymentEvent e = signed(voucherId, signer, role, time, 0);
    e.setAmountFen(null);
    e.setPayeeId(null);
    e.setInvoiceNo(null);
    e.setCategory(null);
    return e;
  }
}
