package org.probity.jobs.bench;

import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.rules.SubjectRule;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.rules.procurement.CategoryYearSplit;
import org.probity.jobs.rules.procurement.SupplierWindowSplit;
import org.probity.schema.Alert;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;

/**
 * The cost per order of PROCUREMENT_SPLIT_PURCHASE as one key's history grows, on the heap and
 * the RocksDB state backends: every order of one key goes through the operator (with a watermark
 * right after it, as a live job would release it), and the time of each block of orders is reported
 * per order: the benchmark thread's CPU time (steady on a shared, busy machine) and the wall time.
 * A flat column is the claim; the figures are in docs/procurement-rules.md.
 * A measurement to run by hand on a quiet machine, not a test:
 *
 * <pre>
 * mvn -o -q -B -pl jobs -am test-compile
 * mvn -o -q -B -pl jobs dependency:build-classpath -Dmdep.outputFile=/tmp/probity-cp.txt
 * java -cp jobs/target/test-classes:jobs/target/classes:connectors/target/classes:schemas/target/classes:$(cat /tmp/probity-cp.txt) \
 *     org.probity.jobs.bench.SplitPurchaseCost
 * </pre>
 */
public final class SplitPurchaseCost {
  private static final long THRESHOLD = 200_000_000L;
  private static final long MINUTE = 60_000L;
  private static final ProbityConfig CONFIG = RulesFile.parse("units: [{id: U01}]", "bench.yaml");
  private static final long START = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();

  private SplitPurchaseCost() {}

  /** One way of feeding a single key: the gap between orders and the amount of each. */
  private record Scenario(String name, boolean supplierWindow, long gapMillis, long amountFen, int orders, int block) {}

  public static void main(String[] args) throws Exception {
    Scenario[] scenarios = {
        new Scenario("SAME_SUPPLIER_WINDOW, an order every 6 h (120 in any window), never a violation",
            true, 360 * MINUTE, THRESHOLD / 200, 100_000, 10_000),
        new Scenario("SAME_SUPPLIER_WINDOW, an order a minute (43,200 in any window), never a violation",
            true, MINUTE, 1_000, 100_000, 10_000),
        new Scenario("SAME_CATEGORY_YEAR, an order every 5 min of one year, under the threshold",
            false, 300_000, 100, 100_000, 10_000),
        new Scenario("SAME_SUPPLIER_WINDOW, one group escalated by every order (evidence grows by one each)",
            true, 360 * MINUTE, THRESHOLD / 100, 5_000, 500),
        new Scenario("SAME_CATEGORY_YEAR, escalated by every order after the 2nd",
            false, 150_000, THRESHOLD / 2, 5_000, 500),
    };
    run(scenarios[0], new HashMapStateBackend(), false); // warm-up
    for (StateBackend backend : new StateBackend[] {new HashMapStateBackend(), new EmbeddedRocksDBStateBackend()}) {
      for (Scenario s : scenarios) {
        run(s, backend, true);
      }
    }
  }

  private static void run(Scenario s, StateBackend backend, boolean print) throws Exception {
    SubjectRule<ProcurementEvent, Alert> function = s.supplierWindow()
        ? new SupplierWindowSplit(CONFIG) : new CategoryYearSplit(CONFIG);
    KeyedOneInputStreamOperatorTestHarness<String, ProcurementEvent, Alert> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(SubjectStage.<ProcurementEvent, Alert>of(ProcurementEvent.class).rule(function).build(), e -> "U01|SUP-1|家具",
            Types.STRING);
    harness.setStateBackend(backend);
    harness.open();
    if (print) {
      System.out.printf(Locale.ROOT, "%n%s — %s%n%10s %14s %15s %10s%n", s.name(), backend.getClass().getSimpleName(),
          "orders", "cpu ns/order", "wall ns/order", "alerts");
    }
    long alerts = 0;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long blockStart = System.nanoTime();
    long blockCpuStart = threads.getCurrentThreadCpuTime();
    for (int i = 1; i <= s.orders(); i++) {
      long t = START + i * s.gapMillis();
      ProcurementEvent order = ProcurementEvent.newBuilder()
          .setEventId("E" + i)
          .setEventTime(Instant.ofEpochMilli(t))
          .setUnitId("U01")
          .setProcurementId("PR-" + i)
          .setAction(ProcurementAction.ORDER_PLACED)
          .setActorId("U01-B1")
          .setSupplierId("SUP-1")
          .setCategory("家具")
          .setAmountFen(s.amountFen())
          .setMethod(ProcurementMethod.INQUIRY)
          .build();
      harness.processElement(order, t);
      harness.processWatermark(t);
      if (i % s.block() == 0) {
        long elapsed = System.nanoTime() - blockStart;
        long cpu = threads.getCurrentThreadCpuTime() - blockCpuStart;
        alerts += harness.getOutput().stream().filter(o -> o instanceof StreamRecord).count();
        harness.getOutput().clear();
        if (print) {
          System.out.printf(Locale.ROOT, "%10d %14.0f %15.0f %10d%n", i, cpu / (double) s.block(),
              elapsed / (double) s.block(), alerts);
        }
        blockStart = System.nanoTime();
        blockCpuStart = threads.getCurrentThreadCpuTime();
      }
    }
    harness.close();
  }
}
