package org.probity.connectors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.json.AvroJson;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.MemberRole;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;
import org.probity.schema.TopicType;

/** Valid sample records and hand-made poison bytes shared by the connector tests. */
public final class TestEvents {
  public static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  /** 2025-09-29T09:00:00+08:00. */
  public static final Instant T0 = Instant.parse("2025-09-29T01:00:00Z");

  private TestEvents() {}

  public static IngestDecoder decoder() {
    return new IngestDecoder(new AvroJson(SHANGHAI));
  }

  public static ApprovalEvent approval(String eventId) {
    return ApprovalEvent.newBuilder()
        .setEventId(eventId)
        .setEventTime(T0)
        .setUnitId("U01")
        .setCaseId("C-1")
        .setItemCode("ITEM-1")
        .setAction(ApprovalAction.RECEIVED)
        .setActorId("P1")
        .setActorRole("CLERK")
        .setApplicantId("A1")
        .build();
  }

  public static PaymentEvent signedPayment(String eventId) {
    return PaymentEvent.newBuilder()
        .setEventId(eventId)
        .setEventTime(T0)
        .setUnitId("U01")
        .setVoucherId("V-1")
        .setAction(PaymentAction.SIGNED)
        .setAmountFen(12_345_678L)
        .setPayeeId("S1")
        .setInvoiceNo("INV-9")
        .setSignerId("P2")
        .setSignerRole(SignerRole.DEPUTY)
        .build();
  }

  public static ProcurementEvent order(String eventId, long amountFen) {
    return ProcurementEvent.newBuilder()
        .setEventId(eventId)
        .setEventTime(T0)
        .setUnitId("U01")
        .setProcurementId("PR-" + eventId)
        .setAction(ProcurementAction.ORDER_PLACED)
        .setActorId("P3")
        .setSupplierId("S2")
        .setCategory("IT")
        .setAmountFen(amountFen)
        .setMethod(ProcurementMethod.INQUIRY)
        .build();
  }

  public static DecisionEvent decided(String eventId) {
    return DecisionEvent.newBuilder()
        .setEventId(eventId)
        .setEventTime(T0)
        .setUnitId("U01")
        .setMeetingId("M-1")
        .setAction(DecisionAction.DECIDED)
        .setTopicId("T-1")
        .setTopicType(TopicType.LARGE_FUNDS)
        .setMemberId("P1")
        .setMemberRole(MemberRole.PRINCIPAL)
        .setDecisionRef("D-1")
        .setAmountFen(10_000_000L)
        .build();
  }

  public static Alert alert(String alertId) {
    return Alert.newBuilder()
        .setAlertId(alertId)
        .setRuleId("PAYMENT_SIGNATURE_CHAIN")
        .setRuleVersion(1)
        .setReason("MISSING_SIGNATURE")
        .setSeverity(Severity.RED)
        .setStatus(AlertStatus.RAISED)
        .setUnitId("U01")
        .setSubjectType(SubjectType.VOUCHER)
        .setSubjectId("V-" + alertId)
        .setPersonIds(List.of("P1", "P2"))
        .setAmountFen(100L)
        .setEventTime(T0)
        .setDetectedAt(T0.plusSeconds(5))
        .setEvidence(List.of("p-1", "p-2"))
        .setMessage("支付凭证缺少纪检签字")
        .build();
  }

  /** Single-object bytes whose fingerprint matches no released schema. */
  public static byte[] withUnknownFingerprint(byte[] valid) {
    byte[] bytes = valid.clone();
    for (int i = 2; i < 10; i++) {
      bytes[i] = (byte) ~bytes[i];
    }
    return bytes;
  }

  /** The valid header of {@code valid} followed by a first field that claims {@code length} bytes. */
  public static byte[] claimingLength(byte[] valid, long length) {
    ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    out.put(valid, 0, 10);
    long zigzag = (length << 1) ^ (length >> 63);
    while ((zigzag & ~0x7FL) != 0) {
      out.put((byte) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.put((byte) zigzag);
    out.put("abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return Arrays.copyOf(out.array(), out.position());
  }
}
