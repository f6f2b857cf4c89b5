package org.probity.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;

/** The harness's own arithmetic and bookkeeping; no timing is asserted anywhere. */
class HarnessTest {
  @Test
  void spreadIsTheMedianWithTheRange() {
    assertThat(Spread.of(3, 1, 2)).isEqualTo(new Spread(2, 1, 3, 3));
    assertThat(Spread.of(4, 1, 2, 3)).isEqualTo(new Spread(2.5, 1, 4, 4));
    assertThat(Spread.of(1200.4, 1000, 1500).format(0)).isEqualTo("1,200 (1,000–1,500, n=3)");
    assertThat(Spread.of().format(0)).isEqualTo("—");
  }

  @Test
  void percentileIsTheNearestRank() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(Benchmark.percentile(sorted, 50)).isEqualTo(5);
    assertThat(Benchmark.percentile(sorted, 99)).isEqualTo(10);
    assertThat(Benchmark.percentile(new double[] {7}, 99)).isEqualTo(7);
  }

  @Test
  void resultsReplaceOnlyWhatIsBetweenTheMarkers(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n\nMethod.\n\n" + Benchmark.BEGIN + "\nold table\n" + Benchmark.END
        + "\n\n## Tuning log\nkept\n", StandardCharsets.UTF_8);
    Benchmark.writeInto(doc, "new table\n", Benchmark.MAIN_BLOCK);
    assertThat(Files.readString(doc)).isEqualTo("# Benchmarks\n\nMethod.\n\n" + Benchmark.BEGIN
        + "\n\nnew table\n\n" + Benchmark.END + "\n\n## Tuning log\nkept\n");
  }

  @Test
  void aNamedBlockLeavesTheMainOneAlone(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, Benchmark.BEGIN + "\nmain\n" + Benchmark.END + "\n", StandardCharsets.UTF_8);
    Benchmark.writeInto(doc, "ten million", "scale-10m");
    Benchmark.writeInto(doc, "ten million, again", "scale-10m");
    assertThat(Files.readString(doc)).isEqualTo(Benchmark.BEGIN + "\nmain\n" + Benchmark.END + "\n\n"
        + Benchmark.begin("scale-10m") + "\n\nten million, again\n\n" + Benchmark.end("scale-10m") + "\n");
  }

  @Test
  void resultsAreAppendedToADocumentWithoutMarkers(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n", StandardCharsets.UTF_8);
    Benchmark.writeInto(doc, "table", Benchmark.MAIN_BLOCK);
    assertThat(Files.readString(doc)).isEqualTo("# Benchmarks\n\n" + Benchmark.BEGIN + "\n\ntable\n\n"
        + Benchmark.END + "\n");
  }

  @Test
  void aBadOptionIsOneLineNamingIt() {
    assertThatThrownBy(() -> Benchmark.parse(new String[] {"--inprocess", "rocksdb:two"}))
        .hasMessage("--inprocess: a run is backend:parallelism[:keyed], e.g. rocksdb:2:keyed, got \"rocksdb:two\"");
    assertThatThrownBy(() -> Benchmark.parse(new String[] {"--only", "decode,speed"}))
        .hasMessage("--only: sections are decode,inprocess,sql,scale,kafka, got decode,speed");
    assertThatThrownBy(() -> Benchmark.parse(new String[] {"--out"})).hasMessage("--out needs a value");
    assertThatThrownBy(() -> Benchmark.parse(new String[] {"--fast"})).hasMessage("unknown option --fast");
    assertThatThrownBy(() -> Benchmark.parse(new String[] {"--scale-steps", "10000,5000"}))
        .hasMessage("--scale-steps: ascending populations of at least 1000, got 10000,5000");
    assertThat(Benchmark.parse(new String[] {"--scale-steps", "10000,10000000", "--scale-budget", "60"}).sizes())
        .satisfies(s -> {
          assertThat(s.openCasesSteps()).containsExactly(10_000, 10_000_000);
          assertThat(s.scaleBudget()).hasMinutes(60);
        });
    assertThatThrownBy(() -> Benchmark.parse(new String[] {"--managed-memory", "2g"}))
        .hasMessage("--managed-memory: whole MB ≥ 128, got \"2g\"");
    assertThat(Benchmark.parse(new String[] {"--managed-memory", "3072"}).managedMemoryMb()).isEqualTo(3072);
    assertThat(Benchmark.parse(new String[0]).managedMemoryMb()).isEqualTo(Benchmark.MANAGED_MEMORY_MB);
    assertThat(Benchmark.parse(new String[] {"--inprocess", "hashmap:2:keyed", "--quick"}).inProcess())
        .containsExactly("hashmap:2:keyed");
  }

  @Test
  void everyRuleIdOfTheContractIsFoundAmongTheBuildsOperators() {
    // The workload line of the report and the SQL peer's choice of rules both read rule ids this way.
    assertThat(Benchmark.coveredRuleIds()).containsExactlyInAnyOrder(RuleId.values());
  }

  @Test
  void recordsAreComparedAsMultisetsWithAnExampleOfEachDifference() {
    AlertRecords.Difference same = AlertRecords.compare(List.of("b", "a", "a"), List.of("a", "b", "a"));
    assertThat(same.same()).isTrue();
    assertThat(same.cell("truth")).isEqualTo("= truth ✓");
    AlertRecords.Difference d = AlertRecords.compare(List.of("R1 x", "R1 x", "R2 y|z"), List.of("R1 x", "R3 w"));
    assertThat(d.missing()).containsExactly("R3 w");
    assertThat(d.extra()).containsExactly("R1 x", "R2 y|z");
    assertThat(d.byRule()).isEqualTo("R1 −0 +1, R2 −0 +1, R3 −1 +0");
    assertThat(d.cell("truth")).isEqualTo("≠ truth: 1 missing, 2 extra; e.g. missing `R3 w`; e.g. extra `R1 x`")
        .doesNotContain("|");
  }

  @Test
  void aProbityRecordAndAPeerRowGiveTheSameSubject() {
    org.probity.schema.Alert alert = org.probity.jobs.alert.Alerts.of(RuleId.PAYMENT_DUPLICATE, 1, "SAME_INVOICE")
        .severity(org.probity.schema.Severity.YELLOW).unit("U01")
        .subject(org.probity.schema.SubjectType.VOUCHER, "V-1").eventTime(java.time.Instant.EPOCH)
        .evidence("E-1").message("重复支付").build();
    String record = AlertRecords.record(alert);
    assertThat(AlertRecords.parse(record)).satisfies(a -> assertThat(AlertRecords.subject(a))
        .isEqualTo(AlertRecords.subjectOfRow(org.apache.flink.types.Row.of("PAYMENT_DUPLICATE", "SAME_INVOICE", "U01",
            "VOUCHER", "V-1", "E-9"))));
    org.apache.flink.types.Row retraction = org.apache.flink.types.Row.ofKind(org.apache.flink.types.RowKind.UPDATE_BEFORE,
        "PAYMENT_DUPLICATE", "SAME_INVOICE", "U01", "VOUCHER", "V-1", "E-9");
    assertThat(AlertRecords.subjectOfRow(retraction)).isNull();
  }

  @Test
  void benchRulesCopyTheFirstUnitWithAllItsRoles() {
    ProbityConfig config = BenchRules.withUnits(30);
    assertThat(config.reference().units()).hasSize(30);
    List<String> templateRoles = roles(config, "U01");
    assertThat(roles(config, "B0030")).isEqualTo(templateRoles);
    assertThat(config.reference().person("B0030-P").unitId()).isEqualTo("B0030");
  }

  private static List<String> roles(ProbityConfig config, String unitId) {
    return config.reference().people().values().stream().filter(p -> p.unitId().equals(unitId))
        .map(ReferenceData.Person::role).sorted().toList();
  }

  @Test
  void scaleWorkloadPausesAroundEachKindOfItsBatches() {
    ScaleWorkload w = ScaleWorkload.generate(Sizes.QUICK, new int[] {1_000, 3_000});
    for (int k = 0; k < 2; k++) {
      int[] phase = w.phaseStarts()[k];
      assertThat(phase).isSorted();
      int batch = k == 0 ? 1_000 : 2_000;
      assertThat(w.casesAfterFirstPause()[k]).isBetween(batch * 9 / 10, batch);
      assertThat(phase[ScaleWorkload.ORDERS] - phase[ScaleWorkload.VOUCHERS]).as("submitted and signed")
          .isEqualTo(batch / 2 * 2);
      assertThat(phase[ScaleWorkload.MIX] - phase[ScaleWorkload.ORDERS]).isEqualTo(batch / 2);
    }
    assertThat(w.events().populationAt(w.events().size() - 1).openCases())
        .as("no batch case decided (the generator's own open cases come on top)").isGreaterThanOrEqualTo(3_000);
    long endOfLastWeek = ScaleWorkload.START.plusDays(14).atStartOfDay(w.config().zone()).toInstant().toEpochMilli();
    long latest = java.util.stream.IntStream.range(0, w.events().size()).mapToLong(w.events()::eventTimeMillis)
        .max().orElseThrow();
    assertThat(latest).as("the input ends with its last week, not with the generator's tail weeks later")
        .isLessThan(endOfLastWeek).isGreaterThan(endOfLastWeek - 86_400_000L);
  }

  @Test
  void scaleBatchesStayBelowEveryTenderThresholdUpToTenMillionOpenCases() {
    ProbityConfig config = BenchRules.withUnits(Sizes.FULL.units());
    ScaleWorkload.checkOrdersStayClean(config, new int[] {10_000, 1_000_000, 10_000_000});
    assertThatThrownBy(() -> ScaleWorkload.checkOrdersStayClean(config, new int[] {100_000_000}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tender threshold");
  }

  @Test
  void scaleRunsEndBeforeTheFirstBatchsCasesAreNoticed() {
    ProbityConfig config = BenchRules.withUnits(Sizes.FULL.units());
    ScaleWorkload.checkCasesStayQuiet(config, 4);
    assertThatThrownBy(() -> ScaleWorkload.checkCasesStayQuiet(config, 6))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NOTICE");
  }
}
