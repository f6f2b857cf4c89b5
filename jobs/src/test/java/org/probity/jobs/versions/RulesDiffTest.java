package org.probity.jobs.versions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;

/** {@link RulesDiff}: every kind of change in the rules file, under its path, one line each. */
class RulesDiffTest {
  private static final String DEFAULT = defaultText();

  private static String defaultText() {
    try (InputStream in = RulesDiffTest.class.getClassLoader().getResourceAsStream(RulesFile.DEFAULT_RESOURCE)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> diff(String edited) {
    ProbityConfig from = RulesFile.parse(DEFAULT, "old.yaml");
    ProbityConfig to = RulesFile.parse(edited, "new.yaml");
    return RulesDiff.between(from, to).stream().map(Object::toString).toList();
  }

  private static String replace(String text, String what, String with) {
    assertThat(text).contains(what);
    return text.replace(what, with);
  }

  @Test
  void theSameRulesChangeNothing() {
    assertThat(diff(DEFAULT)).isEmpty();
  }

  @Test
  void aParameterIsNamedByItsPathInTheRulesFile() {
    String edited = replace(DEFAULT, "noticeWorkingDays: 1 ", "noticeWorkingDays: 2 ");
    edited = replace(edited, "largeFundsThresholdFen: 10000000 ", "largeFundsThresholdFen: 5000000 ");
    edited = replace(edited, "dedupRetentionDays: 30 ", "dedupRetentionDays: 60 ");
    assertThat(diff(edited)).containsExactly(
        "parameters.dedupRetentionDays: 30 → 60",
        "parameters.approval.noticeWorkingDays: 1 → 2",
        "parameters.payment.largeFundsThresholdFen: 10000000 → 5000000");
  }

  @Test
  void itemsAreAddedRemovedAndChanged() {
    String edited = replace(DEFAULT, "{code: 330100-XK-002, name: 建筑工程施工许可, promisedWorkingDays: 15, feeFen: 0}",
        "{code: 330100-XK-002, name: 建筑工程施工许可, promisedWorkingDays: 10, feeFen: 0}");
    edited = replace(edited, "  - {code: 330100-XK-003, name: 食品经营许可, promisedWorkingDays: 20, feeFen: 0}\n", "");
    edited = replace(edited, "items:\n", "items:\n  - {code: 330100-QT-999, name: 新事项, promisedWorkingDays: 3, feeFen: 500}\n");
    assertThat(diff(edited)).containsExactly(
        "items.330100-QT-999: added code 330100-QT-999, name 新事项, promisedWorkingDays 3, feeFen 500",
        "items.330100-XK-002.promisedWorkingDays: 15 → 10",
        "items.330100-XK-003: removed code 330100-XK-003, name 食品经营许可, promisedWorkingDays 20, feeFen 0");
  }

  @Test
  void peopleRelatedPartiesAndUnitsAreNamedByTheirIds() {
    String edited = replace(DEFAULT, "{id: U01-D2, unitId: U01, name: 刘秀英, role: DEPUTY, authorityLimitFen: 5000000}",
        "{id: U01-D2, unitId: U01, name: 刘秀英, role: DEPUTY, authorityLimitFen: 8000000}");
    edited = replace(edited, "{id: U01-R1, unitId: U01, name: 陈桂英, role: REVIEWER}",
        "{id: U01-R1, unitId: U01, name: 陈桂英, role: APPROVER}");
    edited = replace(edited, "  - {personId: U07-D, partyId: CO-0013, relation: 亲属任职}\n",
        "  - {personId: U07-D, partyId: CO-0099, relation: 亲属任职}\n");
    edited = replace(edited, "{id: U04, name: 县财政局, largeFundsThresholdFen: 5000000}",
        "{id: U04, name: 县财政局, largeFundsThresholdFen: 3000000, tenderThresholdFen: 150000000}");
    assertThat(diff(edited)).containsExactly(
        "people.U01-D2.authorityLimitFen: 5000000 → 8000000",
        "people.U01-R1.role: REVIEWER → APPROVER",
        "relatedParties.U07-D: removed CO-0013",
        "relatedParties.U07-D: added CO-0099",
        "units.U04.largeFundsThresholdFen: 5000000 → 3000000",
        "units.U04.tenderThresholdFen: null → 150000000");
  }

  @Test
  void aUnitsCategoryThresholdAndTheCalendarAreChanges() {
    String edited = replace(DEFAULT, "{id: U07, name: 县住房和城乡建设局, tenderThresholdFen: 100000000}",
        "{id: U07, name: 县住房和城乡建设局, tenderThresholdFen: 100000000, categoryTenderThresholdsFen: {IT: 40000000}}");
    edited = replace(edited, "zone: Asia/Shanghai", "zone: Asia/Urumqi");
    assertThat(diff(edited)).containsExactly(
        "calendar.zone: Asia/Shanghai → Asia/Urumqi",
        "units.U07.categoryTenderThresholdsFen.IT: added 40000000");
  }

  @Test
  void aChangeIsAKindAPathAndBothValues() {
    String edited = replace(DEFAULT, "noticeWorkingDays: 1 ", "noticeWorkingDays: 3 ");
    RulesDiff.Change change = RulesDiff.between(RulesFile.parse(DEFAULT, "a"), RulesFile.parse(edited, "b")).get(0);
    assertThat(change).isEqualTo(new RulesDiff.Change(RulesDiff.Kind.CHANGED, "parameters.approval.noticeWorkingDays",
        "1", "3"));
  }
}
