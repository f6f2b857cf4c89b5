package org.probity.console;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.alert.Alerts;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.generate.KafkaTraffic;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.Colour;
import org.probity.schema.Grade;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.Severity;
import org.probity.schema.SignerRole;
import org.probity.schema.SubjectType;
import org.probity.schema.UnitStatus;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * A week of a county's supervision as it reaches the console through Kafka: source events on the
 * four event topics, the alerts the jobs raise about them on probity.alerts, and each unit's
 * integrity index on probity.unit-status (the units and people of the shipped rules file).
 */
class County implements AutoCloseable {
  static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");
  /** Monday 16 November 2026, 09:00 in the county. */
  static final Instant MONDAY = ZonedDateTime.of(2026, 11, 16, 9, 0, 0, 0, ZONE).toInstant();

  private final KafkaSettings kafka;
  private final KafkaProducer<byte[], byte[]> producer;
  private final SingleObjectCodec<Alert> alertCodec = SingleObjectCodec.of(Alert.class);
  private final SingleObjectCodec<UnitStatus> statusCodec = SingleObjectCodec.of(UnitStatus.class);

  County(KafkaSettings kafka) {
    this.kafka = kafka;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static Instant day(int d, int hour) {
    return MONDAY.plusSeconds(d * 86_400L + (hour - 9) * 3_600L);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  void event(SpecificRecordBase e) {
    EventStream stream = EventStream.of(e);
    byte[] value = ((SingleObjectCodec) SingleObjectCodec.of(stream.recordClass())).encode(e);
    producer.send(new ProducerRecord<>(kafka.topic(stream), bytes(KafkaTraffic.subjectKey(e)), value));
  }

  void alert(Alert a) {
    producer.send(new ProducerRecord<>(kafka.alertsTopic(), bytes(a.getAlertId()), alertCodec.encode(a)));
  }

  void status(String unitId, double score, Colour colour, Grade grade, int open, Instant asOf) {
    UnitStatus s = UnitStatus.newBuilder().setUnitId(unitId).setScore(score).setColour(colour).setGrade(grade)
        .setOpenAlerts(open).setAsOf(asOf).build();
    producer.send(new ProducerRecord<>(kafka.unitStatusTopic(), bytes(unitId), statusCodec.encode(s)));
  }

  void flush() {
    producer.flush();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static ApprovalEvent approval(String eventId, String unit, String caseId, String item, ApprovalAction action,
      String actor, String role, Instant at) {
    return ApprovalEvent.newBuilder().setEventId(eventId).setEventTime(at).setUnitId(unit).setCaseId(caseId)
        .setItemCode(item).setAction(action).setActorId(actor).setActorRole(role).setApplicantId("APP-" + caseId)
        .build();
  }

  /** The APPROVAL_OVERDUE state of a case: the ladder keeps one alertId. */
  static Alert overdue(String unit, String caseId, Severity severity, AlertStatus status, Instant at, String message,
      String... evidence) {
    return Alerts.of(RuleId.APPROVAL_OVERDUE, 1, "OVERDUE").severity(severity).status(status).unit(unit)
        .subject(SubjectType.CASE, caseId).person(unit + "-A1").eventTime(at).detectedAt(at)
        .evidence(List.of(evidence)).message(message).build();
  }

  // ------------------------------------------------------------------ the week's story

  /** The large payment of 县财政局 without a collective decision: its alert, for tests that open it. */
  static final Alert LARGE_PAYMENT = Alerts.of(RuleId.PAYMENT_LARGE_WITHOUT_DECISION, 1, "NO_DECISION_REF")
      .severity(Severity.RED).unit("U04").subject(SubjectType.VOUCHER, "PZ-2026-1108").person("U04-P")
      .amountFen(86_000_000L).eventTime(day(1, 15)).evidence(List.of("EPA-1108-1", "EPA-1108-2", "EPA-1108-3"))
      .message("付款凭证PZ-2026-1108金额¥860,000.00，达到“三重一大”大额资金标准¥50,000.00，未附集体决策记录").build();
  static final Alert SIGNATURES = Alerts.of(RuleId.PAYMENT_SIGNATURE_CHAIN, 1, "MISSING_SIGNATURE")
      .severity(Severity.YELLOW).unit("U04").subject(SubjectType.VOUCHER, "PZ-2026-1112").person("U04-D")
      .amountFen(4_380_000L).eventTime(day(2, 11)).evidence(List.of("EPA-1112-1", "EPA-1112-2"))
      .message("付款凭证PZ-2026-1112支付前缺少纪检组长审签（三审三签）").build();
  static final Alert TENDER = Alerts.of(RuleId.PROCUREMENT_TENDER_BYPASS, 1, "NO_TENDER")
      .severity(Severity.RED).unit("U07").subject(SubjectType.PROCUREMENT, "PR-U07-0192").person("U07-B1")
      .amountFen(186_000_000L).eventTime(day(0, 11)).evidence(List.of("EPR-0192-1"))
      .message("采购项目PR-U07-0192金额¥1,860,000.00，达到公开招标数额标准¥1,000,000.00，却以单一来源方式下单，未公开招标")
      .build();
  static final Alert SPLIT = Alerts.of(RuleId.PROCUREMENT_SPLIT_PURCHASE, 1, "SAME_SUPPLIER_WINDOW")
      .severity(Severity.YELLOW).status(AlertStatus.ESCALATED).unit("U07").subject(SubjectType.SUPPLIER, "SUP-0447")
      .person("U07-B1").amountFen(112_500_000L).eventTime(day(3, 14))
      .evidence(List.of("EPR-0447-1", "EPR-0447-2", "EPR-0447-3"))
      .message("30日内向供应商SUP-0447非招标采购3次，单笔均低于标准，合计¥1,125,000.00，涉嫌化整为零规避招标").build();
  static final Alert CONFLICT = Alerts.of(RuleId.CONFLICT_OF_INTEREST, 1, "RELATED_PARTY")
      .severity(Severity.YELLOW).unit("U06").subject(SubjectType.CASE, "XK2026-0655").person("U06-A1")
      .eventTime(day(2, 10)).evidence(List.of("EAP-0655-2"))
      .message("审批人U06-A1与申请人APP-XK2026-0655存在关联关系，未回避即作出决定").build();
  static final Alert FEE = Alerts.of(RuleId.APPROVAL_FEE, 1, "OVERCHARGE")
      .severity(Severity.YELLOW).unit("U03").subject(SubjectType.CASE, "QT2026-1187").person("U03-C1")
      .amountFen(5_000L).eventTime(day(1, 16)).evidence(List.of("EAP-1187-2"))
      .message("机动车驾驶证补证收费¥50.00，超过公布的服务收费标准¥10.00").build();
  static final Alert RIGGING = Alerts.of(RuleId.PROCUREMENT_BID_RIGGING, 1, "CLOSE_BIDS")
      .severity(Severity.RED).unit("U11").subject(SubjectType.PROCUREMENT, "PR-U11-0038").person("U11-D")
      .amountFen(312_000_000L).eventTime(day(2, 15)).evidence(List.of("EPR-0038-1"))
      .message("招标项目PR-U11-0038开标：3家投标报价相差不到0.5%，涉嫌串通投标").build();
  static final Alert NOT_LAST = Alerts.of(RuleId.DECISION_PRINCIPAL_NOT_LAST, 1, "PRINCIPAL_NOT_LAST")
      .severity(Severity.YELLOW).unit("U11").subject(SubjectType.MEETING, "HY-U11-21/T2").person("U11-P")
      .eventTime(day(3, 10)).message("班子会HY-U11-21议题T2：主要负责人先于其他成员表态").build();
  static final Alert AGENDA = Alerts.of(RuleId.DECISION_AGENDA_NOTICE, 1, "NO_NOTICE")
      .severity(Severity.YELLOW).unit("U02").subject(SubjectType.MEETING, "HY-U02-14/T5").person("U02-P")
      .eventTime(day(1, 10)).message("班子会HY-U02-14议题T5（大额资金）未提前告知即作出决定（临时动议）").build();
  static final Alert DUPLICATE = Alerts.of(RuleId.PAYMENT_DUPLICATE, 1, "SAME_INVOICE")
      .severity(Severity.YELLOW).unit("U01").subject(SubjectType.VOUCHER, "PZ-U01-0871").person("U01-D")
      .amountFen(1_268_000L).eventTime(day(3, 16)).message("发票No.33018866向同一收款人重复支付¥12,680.00").build();
  static final Alert PROCEDURE = Alerts.of(RuleId.APPROVAL_PROCEDURE, 1, "SAME_PERSON")
      .severity(Severity.YELLOW).unit("U10").subject(SubjectType.CASE, "XK2026-1024").person("U10-R1")
      .eventTime(day(2, 14)).message("办件XK2026-1024审核人与决定人为同一人").build();

  /** The overdue building permit of 县住房和城乡建设局: notice, yellow card, red card (still open). */
  static final String U07_CASE = "XK2026-0731";

  /** Events, alerts and the index of every unit: the board a monitoring centre sees on Friday. */
  void week() {
    for (String step : List.of("1", "2")) {
      event(approval("EAP-0731-" + step, "U07", U07_CASE, "330100-XK-002",
          step.equals("1") ? ApprovalAction.RECEIVED : ApprovalAction.REVIEWED, step.equals("1") ? "U07-C1" : "U07-R1",
          step.equals("1") ? "CLERK" : "REVIEWER", day(-25, 10)));
    }
    alert(overdue("U07", U07_CASE, Severity.NOTICE, AlertStatus.RAISED, day(-5, 0),
        "办件" + U07_CASE + "（建筑工程施工许可）将于明日到期，尚未作出决定", "EAP-0731-1"));
    alert(overdue("U07", U07_CASE, Severity.YELLOW, AlertStatus.ESCALATED, day(-4, 0),
        "办件" + U07_CASE + "（建筑工程施工许可）已超过承诺时限，亮黄牌", "EAP-0731-1", "EAP-0731-2"));
    alert(overdue("U07", U07_CASE, Severity.RED, AlertStatus.ESCALATED, day(3, 0),
        "办件" + U07_CASE + "（建筑工程施工许可）超期5个工作日仍未办结，亮红牌", "EAP-0731-1", "EAP-0731-2"));

    event(approval("EAP-0988-1", "U09", "XK2026-0988", "330100-XK-005", ApprovalAction.RECEIVED, "U09-C1", "CLERK",
        day(-30, 10)));
    alert(overdue("U09", "XK2026-0988", Severity.NOTICE, AlertStatus.RAISED, day(-3, 0),
        "办件XK2026-0988（取水许可）将于明日到期", "EAP-0988-1"));
    alert(overdue("U09", "XK2026-0988", Severity.YELLOW, AlertStatus.ESCALATED, day(-2, 0),
        "办件XK2026-0988（取水许可）已超过承诺时限，亮黄牌", "EAP-0988-1"));
    alert(overdue("U09", "XK2026-0988", Severity.YELLOW, AlertStatus.RESOLVED, day(0, 15),
        "办件XK2026-0988（取水许可）已办结", "EAP-0988-1"));
    alert(overdue("U06", "XK2026-0640", Severity.NOTICE, AlertStatus.RAISED, day(4, 0),
        "办件XK2026-0640（建设工程规划许可）将于明日到期，尚未作出决定"));

    event(payment("EPA-1108-1", "U04", "PZ-2026-1108", PaymentAction.SUBMITTED, null, day(1, 9)));
    event(payment("EPA-1108-2", "U04", "PZ-2026-1108", PaymentAction.SIGNED, "U04-P", day(1, 11)));
    event(payment("EPA-1108-3", "U04", "PZ-2026-1108", PaymentAction.PAID, null, day(1, 15)));
    event(payment("EPA-1112-1", "U04", "PZ-2026-1112", PaymentAction.SIGNED, "U04-D", day(2, 9)));
    event(payment("EPA-1112-2", "U04", "PZ-2026-1112", PaymentAction.PAID, null, day(2, 11)));
    event(procurement("EPR-0192-1", "U07", "PR-U07-0192", 186_000_000L, ProcurementMethod.SINGLE_SOURCE, day(0, 11)));
    for (int i = 1; i <= 3; i++) {
      event(procurement("EPR-0447-" + i, "U07", "PR-U07-04" + (46 + i), 37_500_000L, ProcurementMethod.INQUIRY,
          day(i, 14)));
    }
    event(procurement("EPR-0038-1", "U11", "PR-U11-0038", 312_000_000L, ProcurementMethod.OPEN_TENDER, day(2, 15)));
    event(approval("EAP-0655-2", "U06", "XK2026-0655", "330100-XK-001", ApprovalAction.APPROVED, "U06-A1", "APPROVER",
        day(2, 10)));
    event(approval("EAP-1187-2", "U03", "QT2026-1187", "330100-QT-011", ApprovalAction.COMPLETED, "U03-C1", "CLERK",
        day(1, 16)));
    for (Alert a : List.of(TENDER, AGENDA, FEE, LARGE_PAYMENT, CONFLICT, SIGNATURES, PROCEDURE, RIGGING, SPLIT,
        NOT_LAST, DUPLICATE)) {
      alert(a);
    }

    // The index job's figures for the week (docs/integrity-index.md: YELLOW 2, RED 5 over 90 days;
    // orange from 4, red from 15), the older alerts of the window included.
    Instant friday = day(4, 17);
    status("U01", 2, Colour.GREEN, Grade.A, 1, friday);
    status("U02", 2, Colour.GREEN, Grade.A, 1, friday);
    status("U03", 4, Colour.ORANGE, Grade.B, 1, friday);
    status("U04", 17, Colour.RED, Grade.C, 2, friday);
    status("U05", 0, Colour.GREEN, Grade.A, 0, friday);
    status("U06", 7, Colour.ORANGE, Grade.B, 2, friday);
    status("U07", 22, Colour.RED, Grade.C, 3, friday);
    status("U08", 0, Colour.GREEN, Grade.A, 0, friday);
    status("U09", 2, Colour.GREEN, Grade.A, 0, friday);
    status("U10", 2, Colour.GREEN, Grade.A, 1, friday);
    status("U11", 12, Colour.ORANGE, Grade.B, 2, friday);
    status("U12", 0, Colour.GREEN, Grade.A, 0, friday);
    flush();
  }

  static PaymentEvent payment(String eventId, String unit, String voucher, PaymentAction action, String signer,
      Instant at) {
    PaymentEvent e = PaymentEvent.newBuilder().setEventId(eventId).setEventTime(at).setUnitId(unit)
        .setVoucherId(voucher).setAction(action).setAmountFen(voucher.endsWith("1108") ? 86_000_000L : 4_380_000L)
        .setPayeeId("PAYEE-77").setInvoiceNo("3301" + voucher.substring(voucher.length() - 4)).setCategory("工程款")
        .build();
    if (signer != null) {
      e.setSignerId(signer);
      e.setSignerRole(signer.endsWith("-P") ? SignerRole.PRINCIPAL : SignerRole.DEPUTY);
    }
    return e;
  }

  static ProcurementEvent procurement(String eventId, String unit, String procurementId, long amount,
      ProcurementMethod method, Instant at) {
    return ProcurementEvent.newBuilder().setEventId(eventId).setEventTime(at).setUnitId(unit)
        .setProcurementId(procurementId).setAction(ProcurementAction.ORDER_PLACED).setActorId(unit + "-B1")
        .setSupplierId(procurementId.contains("04") ? "SUP-0447" : "SUP-" + procurementId.substring(7))
        .setCategory("工程施工").setAmountFen(amount).setMethod(method).build();
  }

  @Override
  public void close() {
    producer.close();
  }
}
