package org.probity.connectors.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.probity.connectors.TestEvents;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.DeadLetter;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.UnitStatus;

class AvroJsonTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final AvroJson json = new AvroJson(ZoneId.of("Asia/Shanghai"));

  /** One canonical line per record type, every field present, fields in schema order. */
  static Stream<Arguments> canonicalLines() {
    return Stream.of(
        Arguments.of(ApprovalEvent.class, "{\"eventId\":\"a-1\",\"eventTime\":\"2025-09-29T09:00:00+08:00\","
            + "\"unitId\":\"U01\",\"caseId\":\"C-1\",\"itemCode\":\"ITEM-1\",\"action\":\"EXTENDED\","
            + "\"actorId\":\"P1\",\"actorRole\":\"APPROVER\",\"applicantId\":\"A1\",\"feeFen\":5000,"
            + "\"extensionDays\":5}"),
        Arguments.of(PaymentEvent.class, "{\"eventId\":\"p-1\",\"eventTime\":\"2025-09-29T10:15:30.25+08:00\","
            + "\"unitId\":\"U01\",\"voucherId\":\"V-1\",\"action\":\"SIGNED\",\"amountFen\":12345678,"
            + "\"payeeId\":\"S1\",\"invoiceNo\":\"INV-9\",\"category\":\"办公用品\",\"signerId\":\"P2\","
            + "\"signerRole\":\"DISCIPLINE\",\"decisionRef\":\"D-1\"}"),
        Arguments.of(ProcurementEvent.class, "{\"eventId\":\"r-1\",\"eventTime\":\"2025-12-31T23:59:59.999+08:00\","
            + "\"unitId\":\"U01\",\"procurementId\":\"PR-1\",\"action\":\"BID_SUBMITTED\",\"actorId\":\"P3\","
            + "\"supplierId\":\"S2\",\"category\":\"IT\",\"amountFen\":9007199254740993,"
            + "\"method\":\"OPEN_TENDER\",\"bidderId\":\"B1\",\"bidderFingerprint\":\"fp-1\",\"decisionRef\":\"D-2\"}"),
        Arguments.of(DecisionEvent.class, "{\"eventId\":\"d-1\",\"eventTime\":\"2025-09-29T09:00:00+08:00\","
            + "\"unitId\":\"U01\",\"meetingId\":\"M-1\",\"action\":\"DECIDED\",\"topicId\":\"T-1\","
            + "\"topicType\":\"LARGE_FUNDS\",\"memberId\":\"P1\",\"memberRole\":\"PRINCIPAL\","
            + "\"decisionRef\":\"D-1\",\"amountFen\":0}"),
        Arguments.of(Alert.class, "{\"alertId\":\"al-1\",\"ruleId\":\"PAYMENT_SIGNATURE_CHAIN\",\"ruleVersion\":2,\"rulesVersion\":3,"
            + "\"reason\":\"MISSING_SIGNATURE\",\"severity\":\"RED\",\"status\":\"ESCALATED\",\"unitId\":\"U01\","
            + "\"subjectType\":\"VOUCHER\",\"subjectId\":\"V-1\",\"personIds\":[\"P1\",\"P2\"],\"amountFen\":100,"
            + "\"eventTime\":\"2025-09-29T09:00:00+08:00\",\"detectedAt\":\"2025-09-29T09:00:05.123+08:00\","
            + "\"evidence\":[\"p-1\",\"p-2\"],\"message\":\"支付凭证缺少纪检签字 \\\"引号\\\"\"}"),
        Arguments.of(UnitStatus.class, "{\"unitId\":\"U01\",\"score\":12.5,\"colour\":\"ORANGE\",\"grade\":\"B\","
            + "\"openAlerts\":3,\"asOf\":\"2025-09-30T00:00:00+08:00\"}"),
        Arguments.of(DeadLetter.class, "{\"sourceTopic\":\"probity.payments\",\"sourcePartition\":1,"
            + "\"sourceOffset\":42,\"lineNumber\":7,\"eventId\":\"p-9\",\"raw\":\"wwEAAP8=\","
            + "\"error\":\"field 'amountFen' is negative: -1\",\"failedAt\":\"2025-09-29T09:00:00.001+08:00\"}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonicalLines")
  void everyRecordTypeRoundTripsByteIdentically(Class<? extends SpecificRecordBase> type, String line)
      throws Exception {
    SpecificRecordBase record = json.read(MAPPER.readTree(line), type);

    String written = json.write(record);

    assertThat(written.getBytes(StandardCharsets.UTF_8)).isEqualTo(line.getBytes(StandardCharsets.UTF_8));
    // And the record itself survives a second trip unchanged.
    assertThat(json.read(MAPPER.readTree(written), type)).isEqualTo(record);
  }

  @Test
  void readsTheContractsTypes() throws Exception {
    ApprovalEvent a = json.read(MAPPER.readTree(canonical(ApprovalEvent.class)), ApprovalEvent.class);
    assertThat(a.getEventTime()).isEqualTo(Instant.parse("2025-09-29T01:00:00Z"));
    assertThat(a.getFeeFen()).isEqualTo(5000L);
    assertThat(a.getExtensionDays()).isEqualTo(5);

    DeadLetter d = json.read(MAPPER.readTree(canonical(DeadLetter.class)), DeadLetter.class);
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 0, 0, (byte) 0xFF}));

    ProcurementEvent p = json.read(MAPPER.readTree(canonical(ProcurementEvent.class)), ProcurementEvent.class);
    assertThat(p.getAmountFen()).as("beyond a double's exact range, still exact").isEqualTo(9007199254740993L);
  }

  @Test
  void writesTimesInTheConfiguredZoneWhateverOffsetTheyWereReadWith() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(canonical(ApprovalEvent.class));
    node.put("eventTime", "2025-09-29T01:00:00Z");
    ApprovalEvent utc = json.read(node, ApprovalEvent.class);
    node.put("eventTime", "2025-09-28T20:00:00-05:00");
    ApprovalEvent newYork = json.read(node, ApprovalEvent.class);

    assertThat(utc).isEqualTo(newYork);
    assertThat(json.write(utc)).contains("\"eventTime\":\"2025-09-29T09:00:00+08:00\"");
    assertThat(json.formatTime(Instant.parse("2025-09-29T01:00:00.120Z"))).isEqualTo("2025-09-29T09:00:00.12+08:00");
  }

  @Test
  void keepsTimesAtTheSchemasMillisecondPrecision() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(canonical(ApprovalEvent.class));
    node.put("eventTime", "2025-09-29T09:00:00.123456789+08:00");

    ApprovalEvent read = json.read(node, ApprovalEvent.class);

    // timestamp-millis: Kafka and Flink's Avro serializer keep millis, so must the JSON form, or a
    // replayed event would differ from the same event read off the topic.
    assertThat(read.getEventTime()).isEqualTo(Instant.parse("2025-09-29T01:00:00.123Z"));
    assertThat(json.write(read)).contains("\"eventTime\":\"2025-09-29T09:00:00.123+08:00\"");
  }

  @Test
  void omitsAnAbsentOptionalFieldOnWrite() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(canonical(ApprovalEvent.class));
    node.remove("applicantId");
    node.putNull("feeFen");
    node.remove("extensionDays");

    ApprovalEvent read = json.read(node, ApprovalEvent.class);

    assertThat(read.getApplicantId()).isNull();
    assertThat(read.getFeeFen()).isNull();
    assertThat(json.write(read)).isEqualTo("{\"eventId\":\"a-1\",\"eventTime\":\"2025-09-29T09:00:00+08:00\","
        + "\"unitId\":\"U01\",\"caseId\":\"C-1\",\"itemCode\":\"ITEM-1\",\"action\":\"EXTENDED\","
        + "\"actorId\":\"P1\",\"actorRole\":\"APPROVER\"}");
  }

  @Test
  void writesTheStreamNameFirstWhenAsked() {
    ApprovalEvent event = TestEvents.approval("a-7");
    assertThat(json.write(event, "stream", "approval")).startsWith("{\"stream\":\"approval\",\"eventId\":\"a-7\",");
  }

  @Test
  void anAbsentArrayIsEmptyAndIgnoresUnknownFields() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(canonical(Alert.class));
    node.remove("personIds");
    node.put("addedByANewerProducer", true);

    Alert alert = json.read(node, Alert.class);

    assertThat(alert.getPersonIds()).isEmpty();
    assertThat(json.write(alert)).contains("\"personIds\":[]").doesNotContain("addedByANewerProducer");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        // missing required field (payeeId and amountFen are optional since PaymentEvent v2; the
        // contract's per-action table, in EventValidator, requires them on SUBMITTED and PAID)
        Arguments.of(PaymentEvent.class, "voucherId", null, "missing required field 'voucherId'"),
        Arguments.of(PaymentEvent.class, "eventTime", MAPPER.nullNode(), "missing required field 'eventTime'"),
        // unknown enum value (and enum case matters)
        Arguments.of(PaymentEvent.class, "action", text("APPROVED"), "field 'action': unknown value \"APPROVED\""),
        Arguments.of(PaymentEvent.class, "signerRole", text("deputy"), "field 'signerRole': unknown value \"deputy\""),
        Arguments.of(PaymentEvent.class, "action", number("1"), "field 'action': unknown value 1"),
        // non-integer money
        Arguments.of(PaymentEvent.class, "amountFen", number("12.5"), "field 'amountFen' must be an integer number of fen"),
        Arguments.of(PaymentEvent.class, "amountFen", number("100.0"), "field 'amountFen' must be an integer number of fen"),
        Arguments.of(PaymentEvent.class, "amountFen", text("100"), "field 'amountFen' must be an integer number of fen"),
        Arguments.of(PaymentEvent.class, "amountFen", number("1e3"), "field 'amountFen' must be an integer number of fen"),
        Arguments.of(PaymentEvent.class, "amountFen", number("99999999999999999999"),
            "field 'amountFen' must be an integer number of fen"),
        // a time without an offset, or not a time
        Arguments.of(PaymentEvent.class, "eventTime", text("2025-09-29T09:00:00"),
            "field 'eventTime' is not an ISO-8601 time with an offset: 2025-09-29T09:00:00"),
        Arguments.of(PaymentEvent.class, "eventTime", text("2025-09-29"), "field 'eventTime' is not an ISO-8601 time"),
        Arguments.of(PaymentEvent.class, "eventTime", number("1759107600000"),
            "field 'eventTime' must be an ISO-8601 time with an offset"),
        // wrong types
        Arguments.of(PaymentEvent.class, "unitId", number("42"), "field 'unitId' must be a string"),
        Arguments.of(PaymentEvent.class, "invoiceNo", MAPPER.createObjectNode(), "field 'invoiceNo' must be a string"),
        Arguments.of(ApprovalEvent.class, "extensionDays", text("5"), "field 'extensionDays' must be an integer"),
        Arguments.of(ApprovalEvent.class, "extensionDays", number("3000000000"), "field 'extensionDays' must be an integer"),
        Arguments.of(UnitStatus.class, "score", text("high"), "field 'score' must be a number"),
        Arguments.of(Alert.class, "personIds", text("P1"), "field 'personIds' must be an array"),
        Arguments.of(Alert.class, "evidence", MAPPER.createArrayNode().add(1), "field 'evidence' must be a string"),
        Arguments.of(DeadLetter.class, "raw", text("not base64!"), "field 'raw' must be base64"),
        Arguments.of(DeadLetter.class, "raw", number("1234"), "field 'raw' must be a base64 string"));
  }

  @ParameterizedTest(name = "{0}.{1} = {2}")
  @MethodSource("malformed")
  void rejectsAMalformedFieldNamingIt(Class<? extends SpecificRecordBase> type, String field, JsonNode value,
      String message) throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(canonical(type));
    if (value == null) {
      node.remove(field);
    } else {
      node.set(field, value);
    }

    assertThatThrownBy(() -> json.read(node, type))
        .isInstanceOf(InvalidRecordException.class)
        .hasMessageContaining(message);
  }

  @Test
  void namesTheExpectedSymbolsOfAnEnum() throws Exception {
    ObjectNode node = (ObjectNode) MAPPER.readTree(canonical(PaymentEvent.class));
    node.put("action", "PAYED");
    assertThatThrownBy(() -> json.read(node, PaymentEvent.class))
        .hasMessageContaining("[SUBMITTED, SIGNED, REJECTED, PAID]");
  }

  private static String canonical(Class<?> type) {
    return canonicalLines()
        .filter(a -> a.get()[0] == type)
        .map(a -> (String) a.get()[1])
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode text(String s) {
    return MAPPER.getNodeFactory().textNode(s);
  }

  private static JsonNode number(String literal) {
    try {
      return MAPPER.readTree(literal);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void theRoundTripCoversEveryRecordOfTheContract() {
    assertThat(canonicalLines().map(a -> a.get()[0])).containsExactlyInAnyOrder(ApprovalEvent.class,
        PaymentEvent.class, ProcurementEvent.class, DecisionEvent.class, Alert.class, UnitStatus.class,
        DeadLetter.class);
  }

  @Test
  void anAlertWrittenBeforeRulesVersionsReadsAsVersionOne() throws Exception {
    String before = "{\"alertId\":\"al-1\",\"ruleId\":\"PAYMENT_DUPLICATE\",\"ruleVersion\":1,\"reason\":\"SAME_INVOICE\","
        + "\"severity\":\"RED\",\"status\":\"RAISED\",\"unitId\":\"U01\",\"subjectType\":\"VOUCHER\",\"subjectId\":\"V-1\","
        + "\"eventTime\":\"2025-09-29T09:00:00+08:00\",\"detectedAt\":\"2025-09-29T09:00:05+08:00\",\"message\":\"m\"}";
    Alert a = new AvroJson(java.time.ZoneId.of("Asia/Shanghai"))
        .read(new com.fasterxml.jackson.databind.ObjectMapper().readTree(before), Alert.class);
    org.assertj.core.api.Assertions.assertThat(a.getRulesVersion()).isEqualTo(1);
  }
}
