package org.probity.connectors.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.connectors.TestEvents.approval;
import static org.probity.connectors.TestEvents.decided;
import static org.probity.connectors.TestEvents.order;
import static org.probity.connectors.TestEvents.signedPayment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.probity.connectors.TestEvents;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * The contract's bounds ("every identifier is at most 128 characters; every amount is a whole
 * number of fen from 0 to 10^15; extensionDays from 1 to 365"), the per-action table of required
 * fields, and the bound on event times ahead of the clock, all through the decoder as a source
 * meets them: each breach is a dead letter whose reason names the field and the bound.
 */
class EventBoundsTest {
  private final IngestDecoder decoder = TestEvents.decoder();

  // ---------------------------------------------------------------- string lengths

  @Test
  void anEventIdOf250CharactersIsADeadLetter() {
    ProcurementEvent event = order("r-1", 1L);
    event.setEventId("e".repeat(250));

    Ingested in = kafka(EventStream.PROCUREMENT, event);

    assertThat(in.isDeadLetter()).as("%s", in).isTrue();
    assertThat(in.deadLetter.getError()).isEqualTo("field 'eventId' is 250 characters, over the maximum 128");
  }

  /** Every string field of the four records, set to 129 characters. */
  static Stream<Arguments> everyStringField() {
    List<Arguments> out = new ArrayList<>();
    for (SpecificRecordBase sample : samples()) {
      for (Schema.Field f : sample.getSchema().getFields()) {
        if (isString(f.schema())) {
          out.add(Arguments.of(sample.getSchema().getName() + "." + f.name(), sample, f.name()));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStringField")
  void everyStringFieldIsAtMost128Characters(String what, SpecificRecordBase sample, String field) {
    SpecificRecordBase atLimit = copy(sample);
    atLimit.put(field, "x".repeat(128));
    assertThat(kafka(EventStream.of(atLimit), atLimit).isDeadLetter()).as("128 characters in %s", what).isFalse();

    SpecificRecordBase over = copy(sample);
    over.put(field, "x".repeat(129));
    Ingested in = kafka(EventStream.of(over), over);
    assertThat(in.isDeadLetter()).as("129 characters in %s", what).isTrue();
    assertThat(in.deadLetter.getError()).isEqualTo("field '" + field + "' is 129 characters, over the maximum 128");
  }

  @Test
  void charactersAreCountedNotBytesOrUtf16Units() {
    ApprovalEvent event = approval("a-1");
    event.setApplicantId("申".repeat(128)); // 384 UTF-8 bytes
    assertThat(kafka(EventStream.APPROVAL, event).isDeadLetter()).isFalse();
    event.setApplicantId("\uD83D\uDE00".repeat(128)); // 128 characters outside the BMP, 256 UTF-16 units
    assertThat(kafka(EventStream.APPROVAL, event).isDeadLetter()).isFalse();
  }

  @Test
  void aControlCharacterInAnIdentifierIsADeadLetter() {
    ProcurementEvent nul = order("r-nul", 1L);
    nul.setSupplierId("S\u00002");
    assertThat(kafka(EventStream.PROCUREMENT, nul).deadLetter.getError())
        .isEqualTo("field 'supplierId' contains the control character U+0000 at character 1");

    ApprovalEvent tab = approval("a-tab");
    tab.setCaseId("C-1\t");
    assertThat(kafka(EventStream.APPROVAL, tab).deadLetter.getError())
        .isEqualTo("field 'caseId' contains the control character U+0009 at character 3");

    PaymentEvent newline = signedPayment("p-\n");
    assertThat(kafka(EventStream.PAYMENT, newline).deadLetter.getError())
        .isEqualTo("field 'eventId' contains the control character U+000A at character 2");

    DecisionEvent c1 = decided("d-1");
    c1.setDecisionRef("D\u00851");
    assertThat(kafka(EventStream.DECISION, c1).deadLetter.getError())
        .isEqualTo("field 'decisionRef' contains the control character U+0085 at character 1");
  }

  // ---------------------------------------------------------------- amounts and days

  static Stream<Arguments> everyAmountField() {
    List<Arguments> out = new ArrayList<>();
    for (SpecificRecordBase sample : samples()) {
      for (Schema.Field f : sample.getSchema().getFields()) {
        if (f.name().endsWith("Fen")) {
          out.add(Arguments.of(sample.getSchema().getName() + "." + f.name(), sample, f.name()));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyAmountField")
  void everyAmountIsFrom0To10To15Fen(String what, SpecificRecordBase sample, String field) {
    for (long ok : new long[] {0L, 1_000_000_000_000_000L}) {
      SpecificRecordBase e = copy(sample);
      e.put(field, ok);
      assertThat(kafka(EventStream.of(e), e).isDeadLetter()).as("%s = %d", what, ok).isFalse();
    }
    SpecificRecordBase over = copy(sample);
    over.put(field, 1_000_000_000_000_001L);
    assertThat(kafka(EventStream.of(over), over).deadLetter.getError())
        .isEqualTo("field '" + field + "' is 1000000000000001, over the maximum 10^15 fen");
    SpecificRecordBase negative = copy(sample);
    negative.put(field, -1L);
    assertThat(kafka(EventStream.of(negative), negative).deadLetter.getError())
        .isEqualTo("field '" + field + "' is negative: -1 (amounts are 0 to 10^15 fen)");
  }

  @Test
  void twoExtensionsOf1point5BillionDaysAreDeadLetters() {
    for (String id : new String[] {"a-ext-1", "a-ext-2"}) {
      ApprovalEvent e = extended(id, 1_500_000_000);
      Ingested in = kafka(EventStream.APPROVAL, e);
      assertThat(in.isDeadLetter()).as("%s", in).isTrue();
      assertThat(in.deadLetter.getEventId()).isEqualTo(id);
      assertThat(in.deadLetter.getError()).isEqualTo("field 'extensionDays' is 1500000000, outside 1 to 365");
    }
  }

  @Test
  void extensionDaysAreFrom1To365() {
    assertThat(kafka(EventStream.APPROVAL, extended("a-1", 1)).isDeadLetter()).isFalse();
    assertThat(kafka(EventStream.APPROVAL, extended("a-365", 365)).isDeadLetter()).isFalse();
    assertThat(kafka(EventStream.APPROVAL, extended("a-366", 366)).deadLetter.getError())
        .isEqualTo("field 'extensionDays' is 366, outside 1 to 365");
    assertThat(kafka(EventStream.APPROVAL, extended("a-0", 0)).deadLetter.getError())
        .isEqualTo("field 'extensionDays' is 0, outside 1 to 365");
    assertThat(kafka(EventStream.APPROVAL, extended("a-neg", -3)).deadLetter.getError())
        .isEqualTo("field 'extensionDays' is -3, outside 1 to 365");
  }

  // ---------------------------------------------------------------- the per-action table

  /**
   * Each row of the contract's table: the event with only the common fields, the subject id and
   * the row's required fields is valid, and without any one of them it is a dead letter naming it.
   */
  static Stream<Arguments> requiredFields() {
    return Stream.of(
        row(approvalWith(ApprovalAction.RECEIVED)),
        row(approvalWith(ApprovalAction.EXTENDED), "extensionDays"),
        row(paymentWith(PaymentAction.SUBMITTED, "amountFen", "payeeId"), "amountFen", "payeeId"),
        row(paymentWith(PaymentAction.PAID, "amountFen", "payeeId"), "amountFen", "payeeId"),
        row(paymentWith(PaymentAction.SIGNED, "signerId", "signerRole"), "signerId", "signerRole"),
        row(paymentWith(PaymentAction.REJECTED)),
        row(procurementWith(ProcurementAction.ORDER_PLACED, "supplierId", "amountFen", "method"),
            "supplierId", "amountFen", "method"),
        row(procurementWith(ProcurementAction.AWARDED, "supplierId", "amountFen", "method"),
            "supplierId", "amountFen", "method"),
        row(procurementWith(ProcurementAction.BID_SUBMITTED, "bidderId", "amountFen"), "bidderId", "amountFen"),
        row(procurementWith(ProcurementAction.BIDS_OPENED)),
        row(procurementWith(ProcurementAction.CHANGE_ORDER, "amountFen"), "amountFen"),
        row(decisionWith(DecisionAction.AGENDA_NOTIFIED, "topicId"), "topicId"),
        row(decisionWith(DecisionAction.MEETING_OPENED)),
        row(decisionWith(DecisionAction.STATEMENT, "topicId", "memberId", "memberRole"),
            "topicId", "memberId", "memberRole"),
        row(decisionWith(DecisionAction.DECIDED, "topicId", "decisionRef"), "topicId", "decisionRef"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requiredFields")
  void theContractsTableOfRequiredFieldsExactly(String what, SpecificRecordBase minimal, List<String> required) {
    Ingested ok = kafka(EventStream.of(minimal), minimal);
    assertThat(ok.isDeadLetter()).as("%s with only its required fields: %s", what, ok).isFalse();
    for (String field : required) {
      SpecificRecordBase without = copy(minimal);
      without.put(field, null);
      Ingested in = kafka(EventStream.of(without), without);
      assertThat(in.isDeadLetter()).as("%s without %s", what, field).isTrue();
      assertThat(in.deadLetter.getError())
          .isEqualTo("missing field '" + field + "' required on " + minimal.get("action"));
    }
  }

  // ---------------------------------------------------------------- event time ahead of the clock

  @Test
  void anEventDated2099IsADeadLetterLive() {
    ApprovalEvent e = approval("a-2099");
    e.setEventTime(Instant.parse("2099-06-01T00:00:00Z"));

    Ingested in = kafka(EventStream.APPROVAL, e);

    assertThat(in.isDeadLetter()).as("%s", in).isTrue();
    assertThat(in.deadLetter.getError()).startsWith("field 'eventTime' is P").contains(" ahead of the clock (")
        .endsWith("; the maximum is P3D");
  }

  @Test
  void liveTheClockIsTheWallClockAtDecodeTime() {
    ApprovalEvent soon = approval("a-soon");
    soon.setEventTime(Instant.now().plus(Duration.ofDays(2)));
    assertThat(kafka(EventStream.APPROVAL, soon).isDeadLetter()).isFalse();
    ApprovalEvent later = approval("a-later");
    later.setEventTime(Instant.now().plus(Duration.ofDays(3)).plus(Duration.ofHours(1)));
    // P3DT1H less the milliseconds between setting the time and decoding it
    assertThat(kafka(EventStream.APPROVAL, later).deadLetter.getError()).startsWith("field 'eventTime' is P3DT")
        .contains(" ahead of the clock (").endsWith("the maximum is P3D");
  }

  /** A replay's clock is fixed by the caller: the same file gives the same dead letters whenever replayed. */
  @Test
  void inAReplayTheClockIsTheInstantTheCallerGives() {
    Instant reference = Instant.parse("2025-10-01T00:00:00Z");
    IngestDecoder replay = new IngestDecoder(decoder.json(), IngestLimits.replay(reference));
    ApprovalEvent atLimit = approval("a-limit");
    atLimit.setEventTime(reference.plus(IngestLimits.DEFAULT_MAX_AHEAD));
    ApprovalEvent over = approval("a-over");
    over.setEventTime(reference.plus(Duration.ofDays(4)).plusMillis(1));

    assertThat(replay.fromKafka(EventStream.APPROVAL, "t", 0, 0, encode(atLimit)).isDeadLetter()).isFalse();
    assertThat(replay.fromKafka(EventStream.APPROVAL, "t", 0, 1, encode(over)).deadLetter.getError())
        .isEqualTo("field 'eventTime' is P4DT0.001S ahead of the clock (2025-10-05T00:00:00.001Z against "
            + "2025-10-01T00:00:00Z); the maximum is P3D");
    String line = replay.toJsonLine(over);
    assertThat(replay.fromJsonLine("replay.jsonl", 1, line).deadLetter.getError())
        .startsWith("field 'eventTime' is P4DT0.001S ahead of the clock");
    // The same events against the wall clock of today (2026 or later): both long past, both valid.
    assertThat(kafka(EventStream.APPROVAL, over).isDeadLetter()).isFalse();
  }

  @Test
  void theBoundAheadIsASetting() {
    Instant reference = Instant.parse("2025-10-01T00:00:00Z");
    IngestDecoder strict = new IngestDecoder(decoder.json(),
        IngestLimits.replay(reference).withMaxAhead(Duration.ofHours(1)));
    ApprovalEvent e = approval("a-2h");
    e.setEventTime(reference.plus(Duration.ofHours(2)));
    assertThat(strict.fromKafka(EventStream.APPROVAL, "t", 0, 0, encode(e)).deadLetter.getError())
        .endsWith("the maximum is PT1H");
  }

  @Test
  void theLimitsTravelWithTheDecoder() throws Exception {
    Instant reference = Instant.parse("2025-10-01T00:00:00Z");
    IngestDecoder shipped = org.apache.flink.util.InstantiationUtil.clone(
        new IngestDecoder(decoder.json(), IngestLimits.replay(reference)));
    assertThat(shipped.limits()).isEqualTo(IngestLimits.replay(reference));
  }

  // ---------------------------------------------------------------- invalid UTF-8 in Avro strings

  @Test
  void anAvroStringWithInvalidUtf8IsADeadLetterNotReplaced() {
    ProcurementEvent event = order("r-utf8", 1L);
    event.setSupplierId("SUPPLIER-7");
    byte[] bytes = encode(event);
    int at = indexOf(bytes, "SUPPLIER-7".getBytes(StandardCharsets.US_ASCII));
    bytes[at + 3] = (byte) 0xFF;

    Ingested in = decoder.fromKafka(EventStream.PROCUREMENT, "probity.procurement", 0, 9L, bytes);

    assertThat(in.isDeadLetter()).as("%s", in).isTrue();
    assertThat(in.deadLetter.getError())
        .isEqualTo("cannot decode ProcurementEvent: field 'supplierId': invalid UTF-8 at byte 3");
    assertThat(in.deadLetter.getRaw().array()).isEqualTo(bytes);
  }

  // ---------------------------------------------------------------- helpers

  private Ingested kafka(EventStream stream, SpecificRecordBase event) {
    return decoder.fromKafka(stream, stream.defaultTopic(), 0, 1L, encode(event));
  }

  private static List<SpecificRecordBase> samples() {
    ProcurementEvent bid = order("r-bid", 5L);
    bid.setAction(ProcurementAction.BID_SUBMITTED);
    bid.setBidderId("B1");
    bid.setBidderFingerprint("fp");
    bid.setDecisionRef("D-9");
    ApprovalEvent approval = extended("a-1", 5);
    approval.setFeeFen(100L);
    return List.of(approval, signedPayment("p-1"), bid, decided("d-1"));
  }

  private static ApprovalEvent extended(String id, int days) {
    ApprovalEvent e = approval(id);
    e.setAction(ApprovalAction.EXTENDED);
    e.setExtensionDays(days);
    return e;
  }

  private static Arguments row(SpecificRecordBase minimal, String... required) {
    return Arguments.of(minimal.getSchema().getName() + " " + minimal.get("action"), minimal, List.of(required));
  }

  /** The sample of that record with every optional field null but {@code keep}, and {@code action}. */
  private static SpecificRecordBase minimal(SpecificRecordBase sample, Object action, String... keep) {
    SpecificRecordBase e = copy(sample);
    e.put("action", action);
    List<String> kept = List.of(keep);
    for (Schema.Field f : e.getSchema().getFields()) {
      if (f.schema().getType() == Schema.Type.UNION && !kept.contains(f.name())) {
        e.put(f.pos(), null);
      }
    }
    return e;
  }

  private static SpecificRecordBase approvalWith(ApprovalAction action, String... keep) {
    ApprovalEvent e = (ApprovalEvent) minimal(approval("a-min"), action, keep);
    if (action == ApprovalAction.EXTENDED) {
      e.setExtensionDays(3);
    }
    return e;
  }

  private static SpecificRecordBase paymentWith(PaymentAction action, String... keep) {
    return minimal(signedPayment("p-min"), action, keep);
  }

  private static SpecificRecordBase procurementWith(ProcurementAction action, String... keep) {
    ProcurementEvent full = order("r-min", 7L);
    full.setBidderId("B1");
    return minimal(full, action, keep);
  }

  private static SpecificRecordBase decisionWith(DecisionAction action, String... keep) {
    return minimal(decided("d-min"), action, keep);
  }

  private static boolean isString(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      return s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.STRING);
    }
    return s.getType() == Schema.Type.STRING;
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> T copy(T event) {
    return (T) org.apache.avro.specific.SpecificData.get().deepCopy(event.getSchema(), event);
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecordBase> byte[] encode(T event) {
    return SingleObjectCodec.of((Class<T>) event.getClass()).encode(event);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
