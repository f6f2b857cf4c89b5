package org.probity.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecordBase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.schema.Alert;
import org.probity.schema.DecisionAction;
import org.probity.schema.DecisionEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;

/**
 * The payment and decision traffic carries its near misses, each on the clean side of its boundary
 * (no alert names its voucher or topic). Replay tests check that the rules agree with the ground
 * truth; this checks that the boundaries are actually in the traffic.
 */
class PaymentDecisionTrafficTest {
  private static final ProbityConfig CONFIG = RulesFile.defaults();
  private static final List<PaymentEvent> PAYMENTS = new ArrayList<>();
  private static final List<DecisionEvent> DECISIONS = new ArrayList<>();
  private static final Set<String> ALERTED = new HashSet<>();
  /** Each voucher's amount, as its SUBMITTED states it (a SIGNED may not carry it). */
  private static final Map<String, Long> AMOUNT = new HashMap<>();

  @BeforeAll
  static void generate() {
    TrafficGenerator generator = new TrafficGenerator(CONFIG, GeneratorSettings.DEFAULTS.withViolationRate(0.2));
    for (SpecificRecordBase e : generator) {
      if (e instanceof PaymentEvent p) {
        PAYMENTS.add(p);
        if (p.getAction() == PaymentAction.SUBMITTED) {
          AMOUNT.put(p.getVoucherId(), p.getAmountFen());
        }
      } else if (e instanceof DecisionEvent d) {
        DECISIONS.add(d);
      }
    }
    for (Alert a : generator.groundTruth()) {
      ALERTED.add(a.getSubjectId());
    }
  }

  private static List<PaymentEvent> paid() {
    return PAYMENTS.stream().filter(p -> p.getAction() == PaymentAction.PAID).toList();
  }

  @Test
  void largePaymentsSitOnBothSidesOfTheThreshold() {
    assertThat(paid()).as("one fen below: clean").anySatisfy(p -> {
      assertThat(p.getAmountFen()).isEqualTo(CONFIG.largeFundsThresholdFen(p.getUnitId()) - 1);
      assertThat(p.getDecisionRef()).isNull();
      assertThat(ALERTED).doesNotContain(p.getVoucherId());
    });
    assertThat(paid()).as("exactly at it without a decision: alerted").anySatisfy(p -> {
      assertThat(p.getAmountFen()).isEqualTo(CONFIG.largeFundsThresholdFen(p.getUnitId()));
      assertThat(p.getDecisionRef()).isNull();
      assertThat(ALERTED).contains(p.getVoucherId());
    });
  }

  @Test
  void aSignerExactlyAtTheirLimitIsCleanOneFenAboveIsNot() {
    List<PaymentEvent> signed = PAYMENTS.stream().filter(p -> p.getAction() == PaymentAction.SIGNED).toList();
    assertThat(signed).anySatisfy(s -> {
      assertThat(AMOUNT.get(s.getVoucherId())).isEqualTo(limit(s));
      assertThat(ALERTED).doesNotContain(s.getVoucherId());
    });
    assertThat(signed).anySatisfy(s -> {
      assertThat(AMOUNT.get(s.getVoucherId())).isEqualTo(limit(s) + 1);
      assertThat(ALERTED).contains(s.getVoucherId());
    });
  }

  @Test
  void aboutHalfTheVouchersSignaturesCarryOnlyTheSignerAndBothKindsRaiseAlerts() {
    List<PaymentEvent> signed = PAYMENTS.stream().filter(p -> p.getAction() == PaymentAction.SIGNED).toList();
    List<PaymentEvent> bare = signed.stream().filter(s -> s.getAmountFen() == null).toList();
    assertThat(bare).allSatisfy(s -> {
      assertThat(s.getPayeeId()).isNull();
      assertThat(s.getInvoiceNo()).isNull();
      assertThat(s.getDecisionRef()).isNull();
      assertThat(s.getSignerId()).isNotNull();
    });
    assertThat((double) bare.size() / signed.size()).isBetween(0.35, 0.65);
    assertThat(signed).filteredOn(s -> s.getAmountFen() != null)
        .allSatisfy(s -> assertThat(s.getAmountFen()).isEqualTo(AMOUNT.get(s.getVoucherId())));
    assertThat(PAYMENTS).filteredOn(p -> p.getAction() == PaymentAction.SUBMITTED || p.getAction() == PaymentAction.PAID)
        .allSatisfy(p -> {
          assertThat(p.getAmountFen()).isNotNull();
          assertThat(p.getPayeeId()).isNotNull();
        });
    assertThat(bare).as("a voucher with bare signatures is alerted").anySatisfy(
        s -> assertThat(ALERTED).contains(s.getVoucherId()));
  }

  private static long limit(PaymentEvent signed) {
    Long limit = CONFIG.reference().person(signed.getSignerId()).authorityLimitFen();
    return limit == null ? Long.MAX_VALUE : limit;
  }

  @Test
  void decisionsForExactlyTheAmountAtOrJustBeforeThePaymentAreClean() {
    Map<String, DecisionEvent> decided = new HashMap<>();
    DECISIONS.stream().filter(d -> d.getAction() == DecisionAction.DECIDED)
        .forEach(d -> decided.put(d.getUnitId() + "|" + d.getDecisionRef(), d));
    List<Long> decidedSecondsBeforeCleanPayment = new ArrayList<>();
    for (PaymentEvent p : paid()) {
      DecisionEvent d = decided.get(p.getUnitId() + "|" + p.getDecisionRef());
      if (d != null && d.getAmountFen() != null && d.getAmountFen().equals(p.getAmountFen())
          && !ALERTED.contains(p.getVoucherId())) {
        decidedSecondsBeforeCleanPayment.add(p.getEventTime().getEpochSecond() - d.getEventTime().getEpochSecond());
      }
    }
    assertThat(decidedSecondsBeforeCleanPayment).contains(0L, 20L);
  }

  @Test
  void theSameInvoiceToAnotherPayeeOrForAnotherAmountIsClean() {
    Map<String, List<PaymentEvent>> byInvoice = new HashMap<>();
    paid().forEach(p -> byInvoice.computeIfAbsent(p.getInvoiceNo(), k -> new ArrayList<>()).add(p));
    List<List<PaymentEvent>> shared = byInvoice.values().stream().filter(l -> l.size() > 1).toList();
    assertThat(shared).as("another payee").anySatisfy(l -> {
      assertThat(l.get(0).getPayeeId()).isNotEqualTo(l.get(1).getPayeeId());
      assertThat(ALERTED).doesNotContain(l.get(1).getVoucherId());
    });
    assertThat(shared).as("another amount").anySatisfy(l -> {
      assertThat(l.get(0).getAmountFen()).isNotEqualTo(l.get(1).getAmountFen());
      assertThat(ALERTED).doesNotContain(l.get(1).getVoucherId());
    });
    assertThat(shared).as("the duplicate itself").anySatisfy(l -> {
      assertThat(l.get(0).getPayeeId()).isEqualTo(l.get(1).getPayeeId());
      assertThat(ALERTED).contains(l.get(1).getVoucherId());
    });
  }

  @Test
  void aReturnedVoucherSignedAgainIsClean() {
    Set<String> returned = new HashSet<>();
    PAYMENTS.stream().filter(p -> p.getAction() == PaymentAction.REJECTED).forEach(p -> returned.add(p.getVoucherId()));
    assertThat(returned).anySatisfy(v -> assertThat(ALERTED).doesNotContain(v));
    assertThat(returned).as("paid after the return without signing again").anySatisfy(v -> assertThat(ALERTED).contains(v));
  }

  @Test
  void aPayeeRelatedToAnOfficialOfAnotherUnitIsClean() {
    Set<String> relatedParties = new HashSet<>();
    CONFIG.reference().relatedParties().values().forEach(relatedParties::addAll);
    assertThat(paid()).anySatisfy(p -> {
      assertThat(relatedParties).contains(p.getPayeeId());
      assertThat(ALERTED).doesNotContain(p.getVoucherId());
    });
  }

  @Test
  void aTopicNotifiedOnTheLastDayStillInTimeIsClean() {
    Map<String, LocalDate> opened = new HashMap<>();
    DECISIONS.stream().filter(d -> d.getAction() == DecisionAction.MEETING_OPENED)
        .forEach(d -> opened.put(d.getMeetingId(), d.getEventTime().atZone(CONFIG.zone()).toLocalDate()));
    assertThat(DECISIONS).anySatisfy(d -> {
      assertThat(d.getAction()).isEqualTo(DecisionAction.AGENDA_NOTIFIED);
      assertThat(d.getEventTime().atZone(CONFIG.zone()).toLocalDate())
          .isEqualTo(opened.get(d.getMeetingId()).minusDays(CONFIG.decision().agendaNoticeDays()));
      assertThat(ALERTED).doesNotContain(d.getMeetingId() + "/" + d.getTopicId());
    });
  }
}
