package org.probity.connectors.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.connectors.TestEvents.approval;
import static org.probity.connectors.TestEvents.claimingLength;
import static org.probity.connectors.TestEvents.decided;
import static org.probity.connectors.TestEvents.order;
import static org.probity.connectors.TestEvents.signedPayment;
import static org.probity.connectors.TestEvents.withUnknownFingerprint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.probity.connectors.TestEvents;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DeadLetter;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.codec.SingleObjectCodec;

class IngestDecoderTest {
  private static final String TOPIC = "probity.procurement";
  private static final int PARTITION = 1;
  private static final long OFFSET = 17L;

  private final IngestDecoder decoder = TestEvents.decoder();

  // ---------------------------------------------------------------- Kafka

  @Test
  void decodesAValidRecordOfEveryStream() {
    assertDecodes(EventStream.APPROVAL, approval("a-1"));
    assertDecodes(EventStream.PAYMENT, signedPayment("p-1"));
    assertDecodes(EventStream.PROCUREMENT, order("r-1", 50_000L));
    assertDecodes(EventStream.DECISION, decided("d-1"));
  }

  private void assertDecodes(EventStream stream, SpecificRecordBase event) {
    Ingested in = decoder.fromKafka(stream, stream.defaultTopic(), 0, 5L, encode(event));
    assertThat(in.isDeadLetter()).as("%s", in).isFalse();
    assertThat(in.event()).isEqualTo(event);
    assertThat(in.eventId()).isEqualTo(event.get("eventId"));
    assertThat(in.timestamp()).isEqualTo(TestEvents.T0.toEpochMilli());
  }

  static Stream<Arguments> poisonBytes() {
    byte[] valid = encode(order("r-1", 50_000L));
    return Stream.of(
        Arguments.of("garbage", "this is not avro at all".getBytes(StandardCharsets.UTF_8),
            "cannot decode ProcurementEvent"),
        Arguments.of("a JSON line sent to a binary topic", "{\"stream\":\"procurement\"}".getBytes(StandardCharsets.UTF_8),
            "cannot decode ProcurementEvent"),
        Arguments.of("shorter than the header", new byte[] {(byte) 0xC3, 0x01, 7},
            "cannot decode ProcurementEvent"),
        Arguments.of("the header with an unknown fingerprint", withUnknownFingerprint(valid),
            "unknown schema fingerprint for ProcurementEvent"),
        Arguments.of("another stream's record", encode(approval("a-1")),
            "unknown schema fingerprint for ProcurementEvent"),
        Arguments.of("a truncated body", Arrays.copyOf(valid, valid.length - 4), "cannot decode ProcurementEvent"),
        Arguments.of("only the header", Arrays.copyOf(valid, 10), "cannot decode ProcurementEvent"),
        Arguments.of("bytes after the record", Arrays.copyOf(valid, valid.length + 3),
            "cannot decode ProcurementEvent: unexpected bytes after the end of the record"),
        Arguments.of("a field claiming 1 TB", claimingLength(valid, 1L << 40), "cannot decode ProcurementEvent"),
        Arguments.of("a negative length", claimingLength(valid, -5), "cannot decode ProcurementEvent"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("poisonBytes")
  void aRecordThatCannotBeDecodedBecomesADeadLetter(String what, byte[] bytes, String reason) {
    Ingested in = fromKafka(bytes, OFFSET);

    assertKafkaDeadLetter(in, bytes, reason);
    assertThat(in.deadLetter.getEventId()).isNull();
  }

  /**
   * 14 bytes whose first field claims a 2 GB string. The Avro decoder allocates the claimed length
   * before it reads, so without a bounds check this is an OutOfMemoryError in the source task (a
   * restart loop in production), not a dead letter.
   */
  @Test
  void aFieldClaimingGigabytesIsADeadLetterNotAnOutOfMemoryError() {
    byte[] bytes = claimingLength(encode(order("r-1", 50_000L)), Integer.MAX_VALUE - 16);
    assertThat(bytes).hasSizeLessThan(20);

    Ingested in = fromKafka(bytes, OFFSET);

    assertKafkaDeadLetter(in, bytes, "cannot decode ProcurementEvent: truncated or corrupt body");
  }

  @Test
  void anEmptyOrNullValueBecomesADeadLetter() {
    assertKafkaDeadLetter(decoder.fromKafka(EventStream.PROCUREMENT, TOPIC, PARTITION, OFFSET, new byte[0]),
        new byte[0], "empty record");
    assertKafkaDeadLetter(decoder.fromKafka(EventStream.PROCUREMENT, TOPIC, PARTITION, OFFSET, null),
        new byte[0], "empty record");
  }

  static Stream<Arguments> invalidEvents() {
    ApprovalEvent extended = approval("a-ext");
    extended.setAction(ApprovalAction.EXTENDED);
    ApprovalEvent extendedByZero = approval("a-ext0");
    extendedByZero.setAction(ApprovalAction.EXTENDED);
    extendedByZero.setExtensionDays(0);
    ApprovalEvent blankCase = approval("a-blank");
    blankCase.setCaseId("  ");
    ApprovalEvent in1970 = approval("a-1970");
    in1970.setEventTime(Instant.parse("1970-01-21T00:00:00Z")); // seconds taken for millis
    ApprovalEvent in2200 = approval("a-2200");
    in2200.setEventTime(Instant.parse("2200-01-01T00:00:00Z"));
    ApprovalEvent negativeFee = approval("a-fee");
    negativeFee.setFeeFen(-1L);
    PaymentEvent negative = signedPayment("p-neg");
    negative.setAmountFen(-100L);
    PaymentEvent unsigned = signedPayment("p-nosigner");
    unsigned.setSignerId(null);
    PaymentEvent blankSigner = signedPayment("p-blanksigner");
    blankSigner.setSignerId(" ");
    PaymentEvent noRole = signedPayment("p-norole");
    noRole.setSignerRole(null);
    ProcurementEvent bid = order("r-bid", 10L);
    bid.setAction(ProcurementAction.BID_SUBMITTED);
    return Stream.of(
        Arguments.of(EventStream.PAYMENT, negative, "field 'amountFen' is negative: -100"),
        Arguments.of(EventStream.APPROVAL, negativeFee, "field 'feeFen' is negative: -1"),
        Arguments.of(EventStream.APPROVAL, in1970, "field 'eventTime' is out of range: 1970-01-21T00:00:00Z"),
        Arguments.of(EventStream.APPROVAL, in2200, "field 'eventTime' is out of range: 2200-01-01T00:00:00Z"),
        Arguments.of(EventStream.APPROVAL, blankCase, "field 'caseId' is blank"),
        Arguments.of(EventStream.PAYMENT, unsigned, "missing field 'signerId' required on SIGNED"),
        Arguments.of(EventStream.PAYMENT, blankSigner, "missing field 'signerId' required on SIGNED"),
        Arguments.of(EventStream.PAYMENT, noRole, "missing field 'signerRole' required on SIGNED"),
        Arguments.of(EventStream.APPROVAL, extended, "missing field 'extensionDays' required on EXTENDED"),
        Arguments.of(EventStream.APPROVAL, extendedByZero, "field 'extensionDays' is 0, outside 1 to 365"),
        Arguments.of(EventStream.PROCUREMENT, bid, "missing field 'bidderId' required on BID_SUBMITTED"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("invalidEvents")
  void aDecodableButInvalidEventBecomesADeadLetterWithItsEventId(EventStream stream, SpecificRecordBase event,
      String reason) {
    byte[] bytes = encode(event);

    Ingested in = decoder.fromKafka(stream, TOPIC, PARTITION, OFFSET, bytes);

    assertKafkaDeadLetter(in, bytes, reason);
    assertThat(in.deadLetter.getEventId()).isEqualTo(event.get("eventId"));
  }

  @Test
  void theEdgesOfTheTimeRangeAreValid() {
    ApprovalEvent first = approval("a-2000");
    first.setEventTime(Instant.parse("2000-01-01T00:00:00Z"));
    ApprovalEvent last = approval("a-2099");
    last.setEventTime(Instant.parse("2099-12-31T23:59:59.999Z"));
    assertThat(EventValidator.validate(first)).isNull();
    assertThat(EventValidator.validate(last)).isNull();
    ApprovalEvent tooLate = approval("a-2100");
    tooLate.setEventTime(Instant.parse("2100-01-01T00:00:00Z"));
    assertThat(EventValidator.validate(tooLate)).contains("eventTime");
  }

  @Test
  void neverThrowsOnArbitraryBytes() {
    byte[] valid = encode(order("r-1", 50_000L));
    Random random = new Random(20250929L);
    int events = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        // the valid header, then random body bytes: reaches the Avro decoder every time
        bytes = Arrays.copyOf(valid, 10 + random.nextInt(40));
        for (int b = 10; b < bytes.length; b++) {
          bytes[b] = (byte) random.nextInt(256);
        }
      } else {
        // the valid record with a few bytes flipped
        bytes = valid.clone();
        for (int k = 0; k < 1 + random.nextInt(3); k++) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      Ingested in = fromKafka(bytes, i);
      if (in.isDeadLetter()) {
        assertThat(in.deadLetter.getSourceOffset()).isEqualTo(i);
        assertThat(in.deadLetter.getRaw()).isEqualTo(ByteBuffer.wrap(bytes));
        assertThat(in.deadLetter.getError()).isNotBlank();
      } else {
        events++;
        assertThat(EventValidator.validate(in.event())).isNull();
      }
    }
    assertThat(events).as("some flips leave a valid event").isPositive();
  }

  @Test
  void survivesJavaSerializationAsFlinkShipsIt() throws Exception {
    byte[] bytes = encode(order("r-1", 50_000L));
    decoder.fromKafka(EventStream.PROCUREMENT, TOPIC, 0, 0, bytes); // caches filled before shipping
    IngestDecoder shipped = org.apache.flink.util.InstantiationUtil.clone(decoder);
    assertThat(shipped.fromKafka(EventStream.PROCUREMENT, TOPIC, 0, 0, bytes).event())
        .isEqualTo(order("r-1", 50_000L));
  }

  // ---------------------------------------------------------------- JSON Lines

  @Test
  void decodesAValidJsonLine() {
    PaymentEvent event = signedPayment("p-1");
    String line = decoder.toJsonLine(event);
    assertThat(line).startsWith("{\"stream\":\"payment\",");

    Ingested in = decoder.fromJsonLine("events.jsonl", 3, line);

    assertThat(in.isDeadLetter()).as("%s", in).isFalse();
    assertThat(in.payment).isEqualTo(event);
  }

  @Test
  void everyStreamRoundTripsThroughItsJsonLine() {
    for (SpecificRecordBase event : new SpecificRecordBase[] {
        approval("a-1"), signedPayment("p-1"), order("r-1", 1L), decided("d-1")}) {
      assertThat(decoder.fromJsonLine("f", 1, decoder.toJsonLine(event)).event()).isEqualTo(event);
    }
  }

  static Stream<Arguments> badLines() {
    String good = TestEvents.decoder().toJsonLine(signedPayment("p-1"));
    return Stream.of(
        Arguments.of("{\"stream\":\"payment\",", null, "not JSON"),
        Arguments.of("payment,p-1,2025-09-29", null, "not JSON"),
        Arguments.of("[1,2,3]", null, "not a JSON object"),
        Arguments.of("\"payment\"", null, "not a JSON object"),
        // A lost newline: the second event must not vanish silently behind the first.
        Arguments.of(good + good, null, "not JSON"),
        Arguments.of(good.replace("\"stream\":\"payment\",", ""), "p-1",
            "field 'stream': must be one of approval, payment, procurement, decision"),
        Arguments.of(good.replace("\"stream\":\"payment\"", "\"stream\":\"payroll\""), "p-1",
            "field 'stream': must be one of"),
        Arguments.of(good.replace("\"stream\":\"payment\"", "\"stream\":\"PAYMENT\""), "p-1",
            "field 'stream': must be one of"),
        Arguments.of(good.replace("\"stream\":\"payment\"", "\"stream\":null"), "p-1",
            "field 'stream': must be one of"),
        Arguments.of(good.replace("\"amountFen\":12345678", "\"amountFen\":123456.78"), "p-1",
            "field 'amountFen' must be an integer number of fen"),
        Arguments.of(good.replace("\"action\":\"SIGNED\"", "\"action\":\"STAMPED\""), "p-1",
            "field 'action': unknown value \"STAMPED\""),
        Arguments.of(good.replace("+08:00", ""), "p-1", "field 'eventTime' is not an ISO-8601 time with an offset"),
        // Optional in PaymentEvent v2, required on SUBMITTED and PAID by the contract's table.
        Arguments.of(good.replace("\"SIGNED\"", "\"SUBMITTED\"").replace(",\"payeeId\":\"S1\"", ""), "p-1",
            "missing field 'payeeId' required on SUBMITTED"),
        Arguments.of(good.replace("\"amountFen\":12345678", "\"amountFen\":-1"), "p-1",
            "field 'amountFen' is negative: -1"),
        Arguments.of(good.replace(",\"signerId\":\"P2\"", ""), "p-1", "missing field 'signerId' required on SIGNED"),
        Arguments.of(good.replace("2025-09-29", "2200-09-29"), "p-1", "field 'eventTime' is out of range"));
  }

  @ParameterizedTest(name = "{2}: {0}")
  @MethodSource("badLines")
  void aBadJsonLineBecomesADeadLetterNamingFileAndLine(String line, String eventId, String reason) {
    Ingested in = decoder.fromJsonLine("replay-2025.jsonl", 42, line);

    assertThat(in.isDeadLetter()).as("%s", in).isTrue();
    assertThat(in.event()).isNull();
    DeadLetter d = in.deadLetter;
    assertThat(d.getSourceTopic()).isEqualTo("replay-2025.jsonl");
    assertThat(d.getLineNumber()).isEqualTo(42L);
    assertThat(d.getSourcePartition()).isNull();
    assertThat(d.getSourceOffset()).isNull();
    assertThat(d.getEventId()).isEqualTo(eventId);
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
    assertThat(d.getError()).contains(reason);
    assertThat(d.getFailedAt()).isNotNull();
    assertThat(in.timestamp()).isEqualTo(Long.MIN_VALUE);
  }

  // ---------------------------------------------------------------- dead-letter size

  /** A dead letter carries the first rawLimit bytes, and the whole record's length and hash. */
  @Test
  void aLargePoisonRecordsDeadLetterCarriesItsHeadLengthAndHash() throws Exception {
    byte[] bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);

    Ingested in = fromKafka(bytes, OFFSET);

    DeadLetter d = in.deadLetter;
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(Arrays.copyOf(bytes, IngestLimits.DEFAULT_RAW_LIMIT)));
    assertThat(d.getRawLength()).isEqualTo(300_000L);
    assertThat(d.getRawSha256()).isEqualTo(java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(SingleObjectCodec.of(DeadLetter.class).encode(d)).hasSizeLessThan(IngestLimits.DEFAULT_RAW_LIMIT + 2048);
  }

  @Test
  void aSmallRecordsDeadLetterCarriesItWholeWithLengthAndHash() {
    byte[] bytes = "garbage".getBytes(StandardCharsets.UTF_8);
    DeadLetter d = fromKafka(bytes, OFFSET).deadLetter;
    assertThat(d.getRawLength()).isEqualTo(7L);
    assertThat(d.getRawSha256()).isEqualTo(IngestDecoder.sha256(bytes, bytes.length)).hasSize(64)
        .matches("[0-9a-f]+");
  }

  @Test
  void theRawLimitIsTheDecodersSetting() {
    IngestDecoder small = new IngestDecoder(decoder.json(), IngestLimits.live().withRawLimit(4));
    DeadLetter d = small.fromKafka(EventStream.PROCUREMENT, TOPIC, PARTITION, OFFSET,
        "garbage".getBytes(StandardCharsets.UTF_8)).deadLetter;
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap("garb".getBytes(StandardCharsets.UTF_8)));
    assertThat(d.getRawLength()).isEqualTo(7L);
  }

  /** A reason may quote the input (an unknown enum value of a megabyte): it is cut, as raw is. */
  @Test
  void aReasonQuotingAHugeValueIsCut() {
    String good = decoder.toJsonLine(signedPayment("p-1"));
    String line = good.replace("\"action\":\"SIGNED\"", "\"action\":\"" + "S".repeat(500_000) + "\"");
    DeadLetter d = decoder.fromJsonLine("f", 1, line).deadLetter;
    assertThat(d.getError()).startsWith("field 'action'").hasSizeLessThanOrEqualTo(IngestDecoder.MAX_ERROR_CHARS + 1);
    assertThat(d.getRaw().remaining()).isEqualTo(IngestLimits.DEFAULT_RAW_LIMIT);
    assertThat(d.getRawLength()).isEqualTo(line.length());
  }

  // ---------------------------------------------------------------- strict UTF-8 in a JSON line

  @Test
  void aJsonLineWithInvalidUtf8IsADeadLetterWithTheBytesAsReceived() {
    byte[] line = decoder.toJsonLine(signedPayment("p-1")).getBytes(StandardCharsets.UTF_8);
    int at = 30;
    byte[] bad = line.clone();
    bad[at] = (byte) 0xC0; // never valid in UTF-8
    byte[] buffer = Arrays.copyOf(bad, bad.length + 10); // the reader's buffer is longer than the line

    DeadLetter d = decoder.fromJsonLine("f.jsonl", 5, buffer, bad.length).deadLetter;

    assertThat(d.getError()).isEqualTo("invalid UTF-8 at byte " + at);
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(bad));
    assertThat(d.getLineNumber()).isEqualTo(5L);
    assertThat(decoder.fromJsonLine("f.jsonl", 6, Arrays.copyOf(line, line.length + 3), line.length).payment)
        .isEqualTo(signedPayment("p-1"));
  }

  @Test
  void anOverlongEncodingOrASurrogateIsInvalidUtf8() {
    // C0 AF: an overlong "/"; ED A0 80: a UTF-16 surrogate written as UTF-8 (CESU-8)
    for (byte[] bad : new byte[][] {{'{', (byte) 0xC0, (byte) 0xAF, '}'}, {'{', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '}'}}) {
      assertThat(decoder.fromJsonLine("f", 1, bad, bad.length).deadLetter.getError()).isEqualTo("invalid UTF-8 at byte 1");
    }
  }

  // ---------------------------------------------------------------- helpers

  /** A procurement record at {@code offset}; an OutOfMemoryError is reported as the failure it is. */
  private Ingested fromKafka(byte[] bytes, long offset) {
    try {
      return decoder.fromKafka(EventStream.PROCUREMENT, TOPIC, PARTITION, offset, bytes);
    } catch (OutOfMemoryError e) {
      // The allocation that failed was never made, so the heap is fine to report it; JUnit itself
      // would abort the whole test run on an OutOfMemoryError.
      throw new AssertionError("the decoder allocated what a " + bytes.length + "-byte record claims: "
          + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 24))), e);
    }
  }

  private static void assertKafkaDeadLetter(Ingested in, byte[] bytes, String reason) {
    assertThat(in.isDeadLetter()).as("%s", in).isTrue();
    assertThat(in.event()).isNull();
    assertThat(in.eventId()).isNull();
    assertThat(in.timestamp()).as("a dead letter never moves a watermark").isEqualTo(Long.MIN_VALUE);
    DeadLetter d = in.deadLetter;
    assertThat(d.getSourceTopic()).isEqualTo(TOPIC);
    assertThat(d.getSourcePartition()).isEqualTo(PARTITION);
    assertThat(d.getSourceOffset()).isEqualTo(OFFSET);
    assertThat(d.getLineNumber()).isNull();
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(bytes));
    assertThat(d.getError()).contains(reason);
    assertThat(d.getFailedAt()).isNotNull();
    // The dead letter itself must be writable to the dead-letter topic.
    assertThat(SingleObjectCodec.of(DeadLetter.class).encode(d)).isNotEmpty();
  }

  @SuppressWarnings("unchecked")
  static <T extends SpecificRecordBase> byte[] encode(T event) {
    return SingleObjectCodec.of((Class<T>) event.getClass()).encode(event);
  }
}
