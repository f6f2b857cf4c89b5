package org.probity.jobs.bench;

import org.probity.jobs.rules.SubjectStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.runtime.state.storage.JobManagerCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.jobs.rules.payment.KeyedSignatureChain;
import org.probity.jobs.rules.payment.SignatureChainRule;
import org.probity.jobs.testing.GroundTruth;
import org.probity.schema.Alert;
import org.probity.schema.PaymentEvent;

/**
 * PAYMENT_SIGNATURE_CHAIN: flink-cep's own operator of the pattern (which orders its input itself; the
 * job runs the same NFA in {@code OrderedCepOperator} behind the voucher stage, which orders it) against
 * the hand-written {@link KeyedSignatureChain},
 * each alone in an operator harness (one thread, no network, the same keyed state backends Flink
 * runs), on the same generated payment events delivered with the replay's watermarking (bounded
 * out-of-orderness of 2 minutes, a watermark every 256 events). Prints, per state backend and
 * implementation: events/s (median of the timed runs, alternated between the two after a warm-up
 * run of each), the peak number of
 * keyed-state entries and of a checkpoint's bytes (probed every twentieth of the input, in a
 * separate untimed run), and the event-time timers left at the end. Exits 1 if the two do not raise
 * the same alerts.
 *
 * <p>{@code SignatureChainBench [--scale 100] [--days 30] [--runs 3] [--seed N]}: scale is vouchers
 * per unit and working day (the generator's scale), the default a year's traffic of a county at
 * ~25× its size in a month.
 */
public final class SignatureChainBench {
  private static final long BOUND_MILLIS = 120_000;
  private static final int WATERMARK_EVERY = 256;
  private static final int PROBES = 20;

  private enum Backend { HEAP, ROCKSDB }

  private record Probe(long peakEntries, long peakCheckpointBytes, long timersAtEnd, List<Alert> alerts) {}

  public static void main(String[] args) throws Exception {
    int scale = (int) option(args, "--scale", 100);
    int days = (int) option(args, "--days", 30);
    int runs = (int) option(args, "--runs", 3);
    long seed = option(args, "--seed", GeneratorSettings.DEFAULTS.seed());
    ProbityConfig config = RulesFile.defaults();
    PaymentParameters parameters = config.payment();

    List<PaymentEvent> input = new ArrayList<>();
    for (SpecificRecordBase e : new TrafficGenerator(config, GeneratorSettings.DEFAULTS.withSeed(seed)
        .withScale(scale).withDays(days).withDisorderSeconds(60))) {
      if (e instanceof PaymentEvent p) {
        input.add(p);
      }
    }
    long vouchers = input.stream().map(PaymentEvent::getVoucherId).distinct().count();
    System.out.printf("input: %,d payment events of %,d vouchers (scale %d, %d days, seed %d), %d timed runs%n",
        input.size(), vouchers, scale, days, seed, runs);
    System.out.printf("%-8s %-6s %12s %14s %18s %14s %8s%n", "backend", "impl", "events/s", "peak entries",
        "peak checkpoint B", "timers at end", "alerts");

    for (Backend backend : Backend.values()) {
      Map<String, Supplier<OneInputStreamOperator<PaymentEvent, Alert>>> impls = new LinkedHashMap<>();
      impls.put("cep", () -> cep(parameters));
      impls.put("keyed", () -> SubjectStage.<PaymentEvent, Alert>of(PaymentEvent.class).rule(new KeyedSignatureChain(config)).build());
      Map<String, long[]> rates = new LinkedHashMap<>();
      for (String impl : impls.keySet()) {
        time(impls.get(impl), backend, input);
        rates.put(impl, new long[runs]);
      }
      // Alternated, so that a change in the machine's load hits both alike.
      for (int r = 0; r < runs; r++) {
        for (String impl : impls.keySet()) {
          rates.get(impl)[r] = time(impls.get(impl), backend, input);
        }
      }
      Map<String, Probe> probes = new LinkedHashMap<>();
      for (String impl : impls.keySet()) {
        long[] sorted = rates.get(impl).clone();
        Arrays.sort(sorted);
        Probe probe = probe(impls.get(impl), backend, input);
        probes.put(impl, probe);
        System.out.printf("%-8s %-6s %,12d %14s %,18d %,14d %8d   runs %s%n", backend, impl, sorted[runs / 2],
            probe.peakEntries < 0 ? "n/a" : String.format("%,d", probe.peakEntries), probe.peakCheckpointBytes,
            probe.timersAtEnd, probe.alerts.size(), Arrays.toString(rates.get(impl)));
      }
      if (!sameAlerts(probes.get("cep").alerts, probes.get("keyed").alerts)) {
        System.out.println("the two implementations disagree:\n"
            + GroundTruth.report(probes.get("keyed").alerts, probes.get("cep").alerts));
        System.exit(1);
      }
    }
  }

  static CepOperator<PaymentEvent, String, Alert> cep(PaymentParameters parameters) {
    Pattern<PaymentEvent, ?> pattern = SignatureChainRule.pattern(parameters);
    return new CepOperator<>(TypeInformation.of(PaymentEvent.class).createSerializer(new SerializerConfigImpl()),
        false, NFACompiler.compileFactory(pattern, false), SignatureChainRule.BY_EVENT_ID,
        pattern.getAfterMatchSkipStrategy(), new SignatureChainRule.Judge(), null);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> open(
      OneInputStreamOperator<PaymentEvent, Alert> operator, Backend backend) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness =
        new KeyedOneInputStreamOperatorTestHarness<>(operator, PaymentEvent::getVoucherId, Types.STRING);
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    // The harness's default in-memory checkpoint storage refuses snapshots above 5 MB.
    harness.setCheckpointStorage(new JobManagerCheckpointStorage(Integer.MAX_VALUE));
    if (backend == Backend.ROCKSDB) {
      // A harness has almost no managed memory; RocksDB's own defaults (64 MB write buffers) are the fair setting.
      EmbeddedRocksDBStateBackend rocksDb = new EmbeddedRocksDBStateBackend(false);
      rocksDb.getMemoryConfiguration().setUseManagedMemory(false);
      harness.setStateBackend(rocksDb);
    }
    harness.open();
    return harness;
  }

  /** One run, timed: events per second. */
  private static long time(Supplier<OneInputStreamOperator<PaymentEvent, Alert>> operator, Backend backend,
      List<PaymentEvent> input) throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness = open(operator.get(), backend)) {
      long started = System.nanoTime();
      new Feeder(harness, input).feedUpTo(input.size());
      long elapsed = System.nanoTime() - started;
      return (long) (input.size() / (elapsed / 1e9));
    }
  }

  /** One run, untimed, stopping to measure the state {@link #PROBES} times. */
  private static Probe probe(Supplier<OneInputStreamOperator<PaymentEvent, Alert>> operator, Backend backend,
      List<PaymentEvent> input) throws Exception {
    try (KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness = open(operator.get(), backend)) {
      Feeder feeder = new Feeder(harness, input);
      long peakEntries = 0;
      long peakBytes = 0;
      int step = Math.max(1, input.size() / PROBES);
      for (int to = step, checkpoint = 1; feeder.next < input.size(); to += step, checkpoint++) {
        feeder.feedUpTo(Math.min(input.size(), to));
        // The harness counts entries of heap state only.
        peakEntries = backend == Backend.HEAP ? Math.max(peakEntries, harness.numKeyedStateEntries()) : -1;
        peakBytes = Math.max(peakBytes, harness.snapshot(checkpoint, checkpoint).getStateSize());
      }
      return new Probe(peakEntries, peakBytes, harness.numEventTimeTimers(), harness.extractOutputValues());
    }
  }

  /** Delivers the input in order, with a watermark {@link #BOUND_MILLIS} behind the latest event every {@link #WATERMARK_EVERY} events, and the final one at the end. */
  private static final class Feeder {
    private final KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness;
    private final List<PaymentEvent> input;
    private long maxSeen = Long.MIN_VALUE;
    private int next;

    Feeder(KeyedOneInputStreamOperatorTestHarness<String, PaymentEvent, Alert> harness, List<PaymentEvent> input) {
      this.harness = harness;
      this.input = input;
    }

    void feedUpTo(int to) throws Exception {
      for (; next < to; next++) {
        PaymentEvent e = input.get(next);
        long t = e.getEventTime().toEpochMilli();
        harness.processElement(e, t);
        maxSeen = Math.max(maxSeen, t);
        if (next % WATERMARK_EVERY == WATERMARK_EVERY - 1) {
          harness.processWatermark(maxSeen - BOUND_MILLIS);
        }
      }
      if (next == input.size()) {
        harness.processWatermark(maxSeen);
      }
    }
  }

  private static boolean sameAlerts(List<Alert> a, List<Alert> b) {
    return a.stream().map(GroundTruth::normalized).sorted().toList()
        .equals(b.stream().map(GroundTruth::normalized).sorted().toList());
  }

  private static long option(String[] args, String name, long fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Long.parseLong(args[i + 1]);
      }
    }
    return fallback;
  }
}
