package org.probity.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RulesFileTest {

  @Test
  void theShippedRulesFileLoadsWithTheContractDefaults() {
    ProbityConfig c = RulesFile.defaults();
    assertThat(c.zone().getId()).isEqualTo("Asia/Shanghai");
    assertThat(c.approval().noticeWorkingDays()).isEqualTo(1);
    assertThat(c.approval().redAfterWorkingDays()).isEqualTo(5);
    assertThat(c.approval().maxSuspensions()).isEqualTo(2);
    assertThat(c.approval().maxSuspendedWorkingDays()).isEqualTo(20);
    assertThat(c.approval().statutoryWorkingDays()).isEqualTo(20);
    assertThat(c.payment().largeFundsThresholdFen()).isEqualTo(10_000_000L);
    assertThat(c.payment().duplicateWindowDays()).isEqualTo(365);
    assertThat(c.procurement().tenderThresholdFen()).isEqualTo(200_000_000L);
    assertThat(c.procurement().splitWindowDays()).isEqualTo(30);
    assertThat(c.procurement().closeBidsPercent()).isEqualTo(0.5);
    assertThat(c.procurement().changeOrderLimitPercent()).isEqualTo(10.0);
    assertThat(c.decision().agendaNoticeDays()).isEqualTo(2);
    assertThat(c.reference().units()).hasSize(12);
    assertThat(c.reference().items()).isNotEmpty();
    assertThat(c.reference().related("U08-A1", "CO-0007")).isTrue();
    assertThat(c.reference().related("U08-A1", "CO-0008")).isFalse();
  }

  @Test
  void aFileWithOnlyUnitsIsAllDefaults() {
    ProbityConfig c = RulesFile.parse("units: [{id: U01}]", "units.yaml");
    assertThat(c.approval()).isEqualTo(ApprovalParameters.DEFAULTS);
    assertThat(c.procurement()).isEqualTo(ProcurementParameters.DEFAULTS);
    assertThat(c.tenderThresholdFen("U99", "家具")).isEqualTo(200_000_000L);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"", "   \n", "# only a comment\n", "{}", "~", "---\n"})
  void anEmptyFileIsAnError(String yaml) {
    assertThatThrownBy(() -> RulesFile.parse(yaml, "r.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("r.yaml: is empty; a rules file needs at least its units, people and items"
            + " (start from probity/default-rules.yaml)");
  }

  @Test
  void anEmptyFileOnDiskIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.yaml");
    Files.writeString(file, "");
    assertThatThrownBy(() -> RulesFile.load(file)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("rules.yaml: is empty");
  }

  @Test
  void everyShippedRoleIsAccepted() {
    for (String role : RulesFile.ROLES) {
      assertThat(RulesFile.parse("people: [{id: P, unitId: U1, role: " + role + "}]", "r.yaml")
          .reference().person("P").role()).isEqualTo(role);
    }
  }

  @Test
  void thresholdsFallBackFromCategoryToUnitToDefault() {
    ProbityConfig c = RulesFile.parse("""
        units:
          - {id: U1, tenderThresholdFen: 100, largeFundsThresholdFen: 7, categoryTenderThresholdsFen: {工程: 50}}
          - {id: U2}
        """, "t.yaml");
    assertThat(c.tenderThresholdFen("U1", "工程")).isEqualTo(50);
    assertThat(c.tenderThresholdFen("U1", "家具")).isEqualTo(100);
    assertThat(c.tenderThresholdFen("U2", "工程")).isEqualTo(200_000_000L);
    assertThat(c.largeFundsThresholdFen("U1")).isEqualTo(7);
    assertThat(c.largeFundsThresholdFen("U2")).isEqualTo(10_000_000L);
  }

  static Stream<Arguments> badFields() {
    return Stream.of(
        Arguments.of("parameters: {approval: {noticeWorkingDays: one}}",
            "r.yaml: parameters.approval.noticeWorkingDays: must be a whole number from 0 to 365, got \"one\""),
        Arguments.of("parameters: {payment: {signatureChainEngine: fast}}",
            "r.yaml: parameters.payment.signatureChainEngine: must be cep or keyed, got \"fast\""),
        Arguments.of("parameters: {approval: {noticeDays: 1}}",
            "r.yaml: parameters.approval.noticeDays: unknown field"),
        Arguments.of("parameters: {procurement: {tenderThresholdFen: -5}}",
            "r.yaml: parameters.procurement.tenderThresholdFen: must be a whole number of fen ≥ 0, got -5"),
        Arguments.of("units: [{id: U1}]\npeople: [{id: P1, unitId: U1, role: DEPUTY}, {id: P2, unitId: U1, role: BOSS}]",
            "r.yaml: people[1].role: must be one of CLERK, REVIEWER, APPROVER, BUYER, MEMBER, DEPUTY, DISCIPLINE, "
                + "PRINCIPAL, FINANCE, got \"BOSS\""),
        Arguments.of("people: [{id: P1, unitId: U1, role: principal}]",
            "r.yaml: people[0].role: must be one of CLERK, REVIEWER, APPROVER, BUYER, MEMBER, DEPUTY, DISCIPLINE, "
                + "PRINCIPAL, FINANCE, got \"principal\""),
        Arguments.of("parameters: {payment: {largeFundsThresholdFen: 1000000000000001}}",
            "r.yaml: parameters.payment.largeFundsThresholdFen: must be at most 1000000000000000 fen (10^15, "
                + "the contract's largest amount), got 1000000000000001"),
        Arguments.of("people: [{id: P1, unitId: U1, authorityLimitFen: 99999999999999999999}]",
            "r.yaml: people[0].authorityLimitFen: must be at most 1000000000000000 fen (10^15, "
                + "the contract's largest amount), got 99999999999999999999"),
        Arguments.of("items: [{code: X, promisedWorkingDays: 5, feeFen: 2000000000000000}]",
            "r.yaml: items[0].feeFen: must be at most 1000000000000000 fen (10^15, the contract's largest amount), "
                + "got 2000000000000000"),
        Arguments.of("units: [{id: U1, categoryTenderThresholdsFen: {工程: 9000000000000000000}}]",
            "r.yaml: units[0].categoryTenderThresholdsFen.工程: must be a whole number from 0 to "
                + "1000000000000000, got 9000000000000000000"),
        Arguments.of("items: [{code: X, promisedWorkingDays: 2000000000}]",
            "r.yaml: items[0].promisedWorkingDays: must be a whole number from 1 to 3650, got 2000000000"),
        Arguments.of("parameters: {dedupRetentionDays: 0}",
            "r.yaml: parameters.dedupRetentionDays: must be a whole number from 1 to 3650, got 0"),

        Arguments.of("calendar: {zone: Mars/Olympus}",
            "r.yaml: calendar.zone: unknown time zone 'Mars/Olympus'"),
        Arguments.of("items: [{code: X, name: x}]",
            "r.yaml: items[0].promisedWorkingDays: is required"),
        Arguments.of("units: [{id: U1}]\npeople: [{id: P, unitId: U2}]",
            "r.yaml: people[0].unitId: unknown unit 'U2'"),
        Arguments.of("units: [{id: U1}, {id: U1}]",
            "r.yaml: units[1].id: duplicate unit 'U1'"),
        Arguments.of("people: [{unitId: U1}]",
            "r.yaml: people[0].id: is required"),
        Arguments.of("parameters: {index: {orangeAt: 10, redAt: 5}}",
            "r.yaml: parameters.index.redAt: must be at least orangeAt (10.0)"),
        Arguments.of("items: {code: X}",
            "r.yaml: items: must be a list"),
        Arguments.of("- just a list",
            "r.yaml: must be a mapping at the top level"));
  }

  @ParameterizedTest
  @MethodSource("badFields")
  void aBadFieldIsOneLineNamingIt(String yaml, String message) {
    assertThatThrownBy(() -> RulesFile.parse(yaml, "r.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(message)
        .hasNoCause();
  }

  @Test
  void invalidYamlSaysWhere() {
    assertThatThrownBy(() -> RulesFile.parse("parameters: {approval: [", "r.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("r.yaml: not valid YAML at line 1");
  }

  @Test
  void aMissingFileIsOneLine(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> RulesFile.load(dir.resolve("nope.yaml")))
        .hasMessage(dir.resolve("nope.yaml") + ": no such file");
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, "parameters: {decision: {agendaNoticeDays: 3}}");
    assertThat(RulesFile.load(file).decision().agendaNoticeDays()).isEqualTo(3);
  }
}
