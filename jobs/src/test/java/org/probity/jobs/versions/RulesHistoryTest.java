package org.probity.jobs.versions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.schema.RulesVersion;
import org.probity.schema.SignerRole;

/** Which version judges which instant, and what a version may and may not be. */
class RulesHistoryTest {
  static final String SHIPPED = RulesFile.defaultText();
  static final ProbityConfig START = RulesFile.parse(SHIPPED, "shipped");
  static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T2 = Instant.parse("2026-02-01T00:00:00Z");

  static RulesVersion version(int n, Instant from, String rules) {
    return RulesVersion.newBuilder().setVersion(n).setAuthor("wang").setComment("c" + n).setEffectiveFrom(from)
        .setPublishedAt(from).setRules(rules).build();
  }

  static String changed(String from, String to) {
    assertThat(SHIPPED).contains(from);
    return SHIPPED.replace(from, to);
  }

  @Test
  void theVersionInForceIsTheLastEffectiveAtTheInstant() {
    RulesHistory h = RulesHistory.startingWith(START, SHIPPED)
        .accept(version(2, T1, changed("noticeWorkingDays: 1 ", "noticeWorkingDays: 2 ")))
        .accept(version(3, T2, changed("noticeWorkingDays: 1 ", "noticeWorkingDays: 3 ")));
    assertThat(h.inForceAt(Long.MIN_VALUE).version()).isEqualTo(1);
    assertThat(h.inForceAt(T1.toEpochMilli() - 1).version()).isEqualTo(1);
    assertThat(h.inForceAt(T1.toEpochMilli()).version()).isEqualTo(2);
    assertThat(h.inForceAt(T2.toEpochMilli()).config().approval().noticeWorkingDays()).isEqualTo(3);
    assertThat(h.latest().author()).isEqualTo("wang");
  }

  @Test
  void aVersionThatCannotApplyIsRefusedInOneLine() {
    RulesHistory h = RulesHistory.startingWith(START, SHIPPED).accept(version(2, T2, SHIPPED));
    assertThatThrownBy(() -> h.accept(version(2, T2, SHIPPED))).isInstanceOf(ConfigException.class)
        .hasMessage("rules version 2: version must be above 2, the latest in force");
    assertThatThrownBy(() -> h.accept(version(3, T1, SHIPPED))).hasMessageContaining("is before version 2's");
    assertThatThrownBy(() -> h.accept(version(3, T2, "parameters: {approval: {noticeWorkingDays: lots}}")))
        .hasMessageStartingWith("rules version 3: parameters.approval.noticeWorkingDays: must be a whole number");
    assertThatThrownBy(() -> h.accept(version(3, T2, SHIPPED.replace("holidayFiles: []", "holidayFiles: [/etc/2027.json]"))))
        .hasMessageContaining("calendar.holidayFiles: a published version cannot name files");
  }

  @Test
  void aFieldThatShapesTheDataflowChangesOnlyWithARestartAndThenForTheWholeHistory() {
    String keyed = changed("# signatureChainEngine: cep", "signatureChainEngine: keyed");
    RulesHistory h = RulesHistory.startingWith(START, SHIPPED);
    assertThatThrownBy(() -> h.accept(version(2, T1, keyed)))
        .hasMessage("rules version 2: parameters.payment.signatureChainEngine: changes only with a restart (it chooses"
            + " the operators)");
    // The job started again with the keyed engine: every version judges by it, and the next one may keep the old text.
    String lowered = changed("largeFundsThresholdFen: 10000000 ", "largeFundsThresholdFen: 2000000 ");
    RulesHistory job = h.accept(version(2, T1, lowered)).withStructureOf(RulesFile.parse(keyed, "keyed"));
    assertThat(job.versions()).allSatisfy(v -> assertThat(v.config().payment().signatureChainEngine())
        .isEqualTo(PaymentParameters.SignatureChainEngine.KEYED));
    RulesHistory next = job.accept(version(3, T2, lowered.replace("noticeWorkingDays: 1 ", "noticeWorkingDays: 2 ")));
    assertThat(next.latest().config().payment().signatureChainEngine())
        .isEqualTo(PaymentParameters.SignatureChainEngine.KEYED);
    assertThat(next.latest().config().payment().largeFundsThresholdFen()).isEqualTo(2_000_000L);
    assertThat(next.latest().config().approval().noticeWorkingDays()).isEqualTo(2);
  }

  @Test
  void aHistoryFromTheTopicCountsVersionOneAndRepeatsOnceAndListsWhatItRefused() {
    RulesVersion first = RulesHistory.startingWith(START, SHIPPED).firstAsRecord();
    RulesVersion two = version(2, T1, changed("noticeWorkingDays: 1 ", "noticeWorkingDays: 2 "));
    RulesVersion bad = version(3, T2, "{}");
    RulesHistory.Built built = RulesHistory.of(List.of(bad, two, first, two), START, SHIPPED);
    assertThat(built.history().versions()).extracting(RulesHistory.Version::version).containsExactly(1, 2);
    assertThat(built.refused()).singleElement().satisfies(r -> {
      assertThat(r.version().getVersion()).isEqualTo(3);
      assertThat(r.reason()).contains("is empty");
    });
    assertThat(built.history().has(first)).as("version 1 as the job published it").isTrue();
    assertThat(built.history().has(version(2, T1, SHIPPED))).as("version 2 with other rules").isFalse();
  }

  @Test
  void aVersionStatesANewYearsDaysAndAUnitsSigningChain() {
    String next = changed("  holidayFiles: []\n", "  holidayFiles: []\n  days:\n"
            + "    - {date: 2027-01-01, isOffDay: true, name: 元旦}\n"
            + "    - {date: 2027-01-04, isOffDay: true, name: 元旦}\n"
            + "    - {date: 2027-01-09, isOffDay: false, name: 调休}\n")
        .replace("  - {id: U02, name: 县教育局}", "  - {id: U02, name: 县教育局, signingChain: [FINANCE, DEPUTY, DISCIPLINE, PRINCIPAL]}");
    ProbityConfig config = RulesHistory.startingWith(START, SHIPPED).accept(version(2, T1, next)).latest().config();
    WorkingDayCalendar calendar = WorkingDayCalendar.of(config);
    assertThat(calendar.covers(2027)).isTrue();
    assertThat(calendar.isWorkingDay((int) LocalDate.of(2027, 1, 4).toEpochDay())).as("a Monday off").isFalse();
    assertThat(calendar.isWorkingDay((int) LocalDate.of(2027, 1, 9).toEpochDay())).as("a Saturday worked").isTrue();
    assertThat(WorkingDayCalendar.of(START).covers(2027)).isFalse();
    assertThat(config.signingChain("U02"))
        .containsExactly(SignerRole.FINANCE, SignerRole.DEPUTY, SignerRole.DISCIPLINE, SignerRole.PRINCIPAL);
    assertThat(config.signingChain("U01")).containsExactly(SignerRole.DEPUTY, SignerRole.DISCIPLINE,
        SignerRole.PRINCIPAL);
    assertThatThrownBy(() -> RulesFile.parseVersion(next.replace("[FINANCE, DEPUTY", "[CASHIER, DEPUTY"), "v"))
        .hasMessageStartingWith("v: units[1].signingChain: unknown signer role 'CASHIER'");
  }
}
