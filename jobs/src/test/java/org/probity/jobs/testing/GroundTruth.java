package org.probity.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.probity.connectors.json.AvroJson;
import org.probity.schema.Alert;

/**
 * Compares alerts with the generator's ground truth on everything but {@code message} and
 * {@code detectedAt} (the first is prose, the second the wall clock in live runs), and reports
 * precision and recall per rule when they differ.
 */
public final class GroundTruth {
  private static final AvroJson JSON = new AvroJson(java.time.ZoneId.of("Asia/Shanghai"));

  private GroundTruth() {}

  public static String normalized(Alert a) {
    Alert copy = Alert.newBuilder(a).setMessage("").setDetectedAt(a.getEventTime()).build();
    return JSON.write(copy);
  }

  /** Asserts the two multisets of alert records are equal, with a per-rule precision/recall report. */
  public static void assertSameAlerts(Collection<Alert> actual, Collection<Alert> expected) {
    List<String> a = actual.stream().map(GroundTruth::normalized).sorted().toList();
    List<String> e = expected.stream().map(GroundTruth::normalized).sorted().toList();
    if (a.equals(e)) {
      return;
    }
    assertThat(a).as(report(actual, expected)).containsExactlyElementsOf(e);
  }

  /** Per rule: true positives, false positives, false negatives, precision, recall. */
  public static String report(Collection<Alert> actual, Collection<Alert> expected) {
    Map<String, int[]> byRule = new TreeMap<>();
    Set<String> expectedSet = new HashSet<>();
    expected.forEach(x -> expectedSet.add(normalized(x)));
    Set<String> actualSet = new HashSet<>();
    actual.forEach(x -> actualSet.add(normalized(x)));
    for (Alert x : actual) {
      byRule.computeIfAbsent(x.getRuleId(), k -> new int[3])[expectedSet.contains(normalized(x)) ? 0 : 1]++;
    }
    for (Alert x : expected) {
      if (!actualSet.contains(normalized(x))) {
        byRule.computeIfAbsent(x.getRuleId(), k -> new int[3])[2]++;
      }
    }
    List<String> lines = new ArrayList<>();
    byRule.forEach((rule, c) -> lines.add(String.format("%s: tp=%d fp=%d fn=%d precision=%.3f recall=%.3f", rule,
        c[0], c[1], c[2], c[0] + c[1] == 0 ? 1.0 : c[0] / (double) (c[0] + c[1]),
        c[0] + c[2] == 0 ? 1.0 : c[0] / (double) (c[0] + c[2]))));
    return String.join("\n", lines);
  }
}
