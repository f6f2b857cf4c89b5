package org.probity.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.alert.RuleId;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.config.PaymentParameters;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.rules.Rule;
import org.probity.jobs.rules.RuleSet;
import org.probity.schema.Alert;

/**
 * The benchmark behind docs/benchmarks.md, run by {@code bench/run}: every figure of the issue in
 * one run, printed as Markdown tables and written between the result markers of the document.
 * Figures are medians of several timed samples with their range; each sample's CPU is this
 * process's, so "per core" holds even when the machine is shared (wall-clock rates do not).
 */
public final class Benchmark {
  static final String HELP = """
      bench/run [--quick] [--only SECTIONS] [--out FILE | --no-write]
        Runs the benchmark and prints the tables; writes them into docs/benchmarks.md.
        --quick        small sizes (about 2 minutes): for developing the harness, not for quoting
        --only LIST    some of: decode,inprocess,sql,scale,kafka (default: all)
        --inprocess L  which in-process runs of figure 2, e.g. rocksdb:1 (default hashmap:1,hashmap:2,
                       changelog:2,rocksdb:1,rocksdb:2,hashmap:2:keyed): to profile one of them
        --scale-steps L  the open-case populations of figure 4, ascending (default 10000,100000,1000000)
        --scale-budget M minutes the RocksDB scale job may take (default 8)
        --managed-memory MB  the TaskManager's managed memory, RocksDB's block cache and write buffers
                       shared by its 2 slots (default 1024): to size it for a population
        --block NAME   write into the result block NAME of the document instead of the main one, so a
                       separate run (e.g. --only scale --scale-steps 10000,1000000,10000000) keeps its own
        --out FILE     the document to write the results into (default docs/benchmarks.md)
        --no-write     print only
      """;
  static final String MAIN_BLOCK = "main";
  static final String BEGIN = begin(MAIN_BLOCK);
  static final String END = end(MAIN_BLOCK);
  private static final List<String> SECTIONS = List.of("decode", "inprocess", "sql", "scale", "kafka");

  /**
   * backend:parallelism[:keyed] — keyed runs PAYMENT_SIGNATURE_CHAIN on its keyed engine where the
   * job would choose CEP (on the heap; with RocksDB the job chooses the keyed engine itself).
   */
  private static final List<String> IN_PROCESS = List.of("hashmap:1", "hashmap:2", "changelog:2", "rocksdb:1",
      "rocksdb:2", "hashmap:2:keyed");

  static final int MANAGED_MEMORY_MB = 1024;

  private final Sizes sizes;
  private final List<String> inProcess;
  private final int managedMemoryMb;
  private final PrintStream log;
  private final StringBuilder md = new StringBuilder();

  private Benchmark(Sizes sizes, List<String> inProcess, int managedMemoryMb, PrintStream log) {
    this.sizes = sizes;
    this.inProcess = inProcess;
    this.managedMemoryMb = managedMemoryMb;
    this.log = log;
  }

  /** What the command line asks for. */
  record Options(Sizes sizes, Set<String> only, Path out, boolean write, List<String> inProcess, String block,
      int managedMemoryMb, boolean help) {}

  public static void main(String[] argv) throws Exception {
    Locale.setDefault(Locale.ROOT);
    Options o;
    try {
      o = parse(argv);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage() + " (bench/run --help)");
      System.exit(2);
      return;
    }
    if (o.help()) {
      System.out.print(HELP);
      return;
    }
    Benchmark bench = new Benchmark(o.sizes(), o.inProcess(), o.managedMemoryMb(), System.err);
    bench.run(o.only());
    System.out.println(bench.md);
    if (o.write()) {
      writeInto(o.out(), bench.md.toString(), o.block());
      System.err.println("bench: results written into " + o.out());
    }
  }

  /** The options of {@code argv}; a bad one is an IllegalArgumentException whose message is one line naming it. */
  static Options parse(String[] argv) {
    Sizes sizes = Sizes.FULL;
    Set<String> only = new LinkedHashSet<>(SECTIONS);
    Path out = Path.of("docs/benchmarks.md");
    boolean write = true;
    List<String> inProcess = IN_PROCESS;
    int[] scaleSteps = null;
    Integer scaleBudgetMinutes = null;
    String block = MAIN_BLOCK;
    int managedMemoryMb = MANAGED_MEMORY_MB;
    for (int i = 0; i < argv.length; i++) {
      String option = argv[i];
      switch (option) {
        case "--quick" -> sizes = Sizes.QUICK;
        case "--only" -> {
          only = new LinkedHashSet<>(Arrays.asList(value(argv, ++i, option).split(",")));
          if (!SECTIONS.containsAll(only)) {
            throw new IllegalArgumentException("--only: sections are " + String.join(",", SECTIONS) + ", got "
                + String.join(",", only));
          }
        }
        case "--inprocess" -> {
          inProcess = Arrays.asList(value(argv, ++i, option).split(","));
          for (String run : inProcess) {
            if (!run.matches("(hashmap|changelog|rocksdb):[1-9][0-9]?(:keyed)?")) {
              throw new IllegalArgumentException("--inprocess: a run is backend:parallelism[:keyed], e.g. "
                  + "rocksdb:2:keyed, got \"" + run + "\"");
            }
          }
        }
        case "--scale-steps" -> {
          String list = value(argv, ++i, option);
          try {
            scaleSteps = Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--scale-steps: whole numbers separated by commas, got \"" + list + "\"");
          }
          for (int k = 0; k < scaleSteps.length; k++) {
            if (scaleSteps[k] < 1_000 || k > 0 && scaleSteps[k] <= scaleSteps[k - 1]) {
              throw new IllegalArgumentException("--scale-steps: ascending populations of at least 1000, got "
                  + list);
            }
          }
        }
        case "--scale-budget" -> {
          String minutes = value(argv, ++i, option);
          try {
            scaleBudgetMinutes = Integer.parseInt(minutes);
          } catch (NumberFormatException e) {
            scaleBudgetMinutes = 0;
          }
          if (scaleBudgetMinutes < 1) {
            throw new IllegalArgumentException("--scale-budget: whole minutes ≥ 1, got \"" + minutes + "\"");
          }
        }
        case "--managed-memory" -> {
          String mb = value(argv, ++i, option);
          managedMemoryMb = mb.matches("[1-9][0-9]{0,5}") ? Integer.parseInt(mb) : 0;
          if (managedMemoryMb < 128) {
            throw new IllegalArgumentException("--managed-memory: whole MB ≥ 128, got \"" + mb + "\"");
          }
        }
        case "--block" -> {
          block = value(argv, ++i, option);
          if (!block.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("--block: lower-case letters, digits and dashes, got \"" + block + "\"");
          }
        }
        case "--out" -> out = Path.of(value(argv, ++i, option));
        case "--no-write" -> write = false;
        case "--help", "-h" -> {
          return new Options(sizes, only, out, write, inProcess, block, managedMemoryMb, true);
        }
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (scaleSteps != null) {
      sizes = sizes.withOpenCasesSteps(scaleSteps);
      // Refused before any figure is run, not after half an hour of them.
      ScaleWorkload.checkSteps(BenchRules.withUnits(sizes.units()), scaleSteps);
    }
    if (scaleBudgetMinutes != null) {
      sizes = sizes.withScaleBudget(Duration.ofMinutes(scaleBudgetMinutes));
    }
    return new Options(sizes, only, out, write, inProcess, block, managedMemoryMb, false);
  }

  private static String value(String[] argv, int i, String option) {
    if (i >= argv.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return argv[i];
  }

  /** The first marker of result block {@code name}; the main block keeps its original marker. */
  static String begin(String name) {
    return name.equals(MAIN_BLOCK)
        ? "<!-- bench results: begin (written by bench/run; edits here are overwritten) -->"
        : "<!-- bench results " + name + ": begin (written by bench/run --block " + name
            + "; edits here are overwritten) -->";
  }

  static String end(String name) {
    return name.equals(MAIN_BLOCK) ? "<!-- bench results: end -->" : "<!-- bench results " + name + ": end -->";
  }

  /** Replaces what lies between the markers of result block {@code name} of {@code doc} (appends them if missing). */
  static void writeInto(Path doc, String results, String name) throws IOException {
    String text = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    String first = begin(name);
    String last = end(name);
    int begin = text.indexOf(first);
    int end = text.indexOf(last);
    String block = first + "\n\n" + results.strip() + "\n\n" + last;
    String updated = begin >= 0 && end > begin
        ? text.substring(0, begin) + block + text.substring(end + last.length())
        : text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "\n" + block + "\n";
    Files.writeString(doc, updated, StandardCharsets.UTF_8);
  }

  private void run(Set<String> only) throws Exception {
    Machine machine = Machine.describe();
    long started = System.nanoTime();
    md.append("## Results (").append(sizes.name()).append(" run").append(sizes == Sizes.QUICK
        ? " — development sizes, not for quoting" : "").append(")\n\n");
    md.append("| machine | |\n|---|---|\n")
        .append("| cores (`nproc`) | ").append(machine.cores()).append(" |\n")
        .append("| CPU | ").append(machine.cpu()).append(" |\n")
        .append("| memory | ").append(machine.memory()).append(" |\n")
        .append("| JDK | ").append(machine.jdk()).append(" |\n")
        .append("| date | ").append(machine.date()).append(" |\n")
        .append("| load average at start (1/5/15 min) | ").append(machine.loadAverage()).append(" |\n")
        .append("| the MiniCluster's TaskManager | 2 slots, ").append(managedMemoryMb)
        .append(" MB of managed memory (RocksDB's block cache and write buffers) |\n");

    Workload w = null;
    if (only.contains("decode") || only.contains("inprocess") || only.contains("sql") || only.contains("kafka")) {
      log.println("bench: generating the mix: " + sizes);
      long t = System.nanoTime();
      w = Workload.generate(sizes);
      log.printf("bench: %,d events (%,.1f MB encoded) in %.0f s%n", w.events().size(),
          w.events().totalBytes() / 1e6, (System.nanoTime() - t) / 1e9);
    }
    ruleSetSection(w);
    List<Row> throughput = new ArrayList<>();
    if (w != null && only.contains("decode")) {
      decodeSection(w, throughput);
    }
    try (BenchCluster cluster = new BenchCluster(2, managedMemoryMb)) {
      if (only.contains("inprocess")) {
        inProcessSection(cluster, w, throughput);
      }
      if (only.contains("kafka")) {
        kafkaSection(cluster, w, throughput);
      }
      writeThroughput(throughput);
      if (only.contains("sql")) {
        sqlSection(cluster, w);
      }
      if (only.contains("scale")) {
        scaleSection(cluster);
      }
    }
    md.append("\nLoad average at the end (1/5/15 min): ").append(Machine.currentLoadAverage())
        .append(String.format("; the whole run took %.1f min.%n", (System.nanoTime() - started) / 60e9));
  }

  /**
   * One line of the throughput table.
   *
   * @param cut when the budget cancelled the measurement: the rate it had reached (else null)
   */
  private record Row(String figure, String what, List<Sample> samples, Sample cut, String note) {}

  private void ruleSetSection(Workload w) {
    md.append("\n**Workload.** ").append(sizes).append(".");
    if (w != null) {
      EncodedEvents e = w.events();
      EncodedEvents.Population from = e.populationAt(w.warmupEnd());
      EncodedEvents.Population to = e.populationAt(e.size() - 1);
      md.append(String.format(" The mix: %,d events (%,.1f MB as single-object Avro), of which the last %,d are "
              + "timed; during them the standing population is %,d–%,d open cases, %,d–%,d vouchers in flight and "
              + "%,d–%,d live split-purchase keys (unit × supplier).",
          e.size(), e.totalBytes() / 1e6, w.timedEvents(), Math.min(from.openCases(), to.openCases()),
          Math.max(from.openCases(), to.openCases()), Math.min(from.vouchersInFlight(), to.vouchersInFlight()),
          Math.max(from.vouchersInFlight(), to.vouchersInFlight()), Math.min(from.splitKeys(), to.splitKeys()),
          Math.max(from.splitKeys(), to.splitKeys())));
    }
    md.append(" Rules in this build (`RuleSet.all()`): ").append(RuleSet.all().size()).append(", raising ")
        .append(coveredRuleIds()).append(".\n");
  }

  static Set<RuleId> coveredRuleIds() {
    return RuleSet.ids();
  }

  private void decodeSection(Workload w, List<Row> rows) {
    log.println("bench: 1. decode limit");
    IngestDecoder decoder = new IngestDecoder(new AvroJson(w.config().zone()));
    List<Sample> samples = DecodeLimit.measure(w.events(), decoder, sizes.decodePasses(), sizes.decodePasses());
    rows.add(new Row("1a", "limit: decode the mix (one thread, production `IngestDecoder`)", samples, null,
        "each sample ≥ " + String.format("%,d", DecodeLimit.EVENTS_PER_PASS) + " decodes (the mix, repeated)"));
  }

  private void inProcessSection(BenchCluster cluster, Workload w, List<Row> rows) throws Exception {
    for (String run : inProcess) {
      String[] spec = run.split(":");
      JobEnvironment.StateBackend backend = JobEnvironment.StateBackend.valueOf(spec[0].toUpperCase(Locale.ROOT));
      int p = Integer.parseInt(spec[1]);
      boolean keyed = spec.length > 2;
      ProbityConfig config = keyed
          ? BenchRules.withEngine(w.config(), PaymentParameters.SignatureChainEngine.KEYED) : w.config();
      List<Sample> samples = new ArrayList<>();
      Sample cut = null;
      boolean cutInWarmup = false;
      long alerts = 0;
      List<String> records = List.of();
      for (int r = 1; r <= sizes.runs() && cut == null; r++) {
        log.println("bench: 2. in-process, " + run + ", run " + r);
        InProcessRun.Result result = InProcessRun.run(cluster, w.events(), config,
            InProcessRun.probity(config, RuleSet.all()), p, backend, new int[] {w.warmupEnd()},
            new boolean[1], (job, m) -> { }, sizes.jobBudget());
        samples.addAll(result.segments());
        cut = result.cut();
        alerts = result.alerts();
        records = result.records();
        cutInWarmup = result.cutInWarmup();
        if (cut == null) {
          // Every run of every configuration, not just the last: a verdict that varies between runs shows.
          recordsNotes.computeIfAbsent(run, k -> new LinkedHashSet<>()).add(recordsNote(records, truthRecords(w)));
        }
      }
      boolean keyedEngine = keyed || backend == JobEnvironment.StateBackend.ROCKSDB;
      rows.add(new Row("2", "Probity in-process, " + (backend == JobEnvironment.StateBackend.CHANGELOG
          ? "hashmap + changelog" : backend.name().toLowerCase(Locale.ROOT)) + " state, parallelism " + p
          + (keyedEngine ? ", signature chain on the keyed engine" : ", signature chain on Flink CEP"), samples, cut,
          cut == null ? String.format("%,d alert records per run; %s", alerts,
              String.join(" / ", recordsNotes.get(run)) + sameAsFirst(run, records)) : cutNote(cutInWarmup)));
    }
  }

  /** Per in-process configuration, what its runs' records were against the ground truth. */
  private final Map<String, Set<String>> recordsNotes = new LinkedHashMap<>();
  /** The records of the first configuration run, to say whether the others equal it. */
  private List<String> firstRecords;
  private String firstConfiguration;

  private static List<String> truthRecords(Workload w) {
    return w.truth().stream().map(AlertRecords::record).toList();
  }

  private static String recordsNote(List<String> records, List<String> truth) {
    return AlertRecords.compare(records, truth).cell("truth");
  }

  /** Whether {@code records} equal those of the first configuration (said only when they are not the truth). */
  private String sameAsFirst(String run, List<String> records) {
    if (firstRecords == null) {
      firstRecords = records;
      firstConfiguration = run;
      return "";
    }
    if (recordsNotes.get(run).stream().allMatch(n -> n.startsWith("="))) {
      return "";
    }
    AlertRecords.Difference d = AlertRecords.compare(records, firstRecords);
    return "; " + d.cell("`" + firstConfiguration + "`'s records");
  }

  private String cutNote(boolean inWarmup) {
    return "**cancelled at the " + sizes.jobBudget().toMinutes() + "-min budget" + (inWarmup
        ? " before the timed window: the rate shown is of the untimed start of the mix" : ": the rate shown is up to "
        + "the cut") + "**";
  }

  private void kafkaSection(BenchCluster cluster, Workload w, List<Row> rows) throws Exception {
    try (KafkaBench kafka = new KafkaBench()) {
      log.println("bench: loading the mix into Kafka");
      KafkaSettings loaded = kafka.topics("bench.", true);
      kafka.load(w.events(), loaded);
      log.println("bench: 1b. Kafka consume + decode");
      IngestDecoder decoder = new IngestDecoder(new AvroJson(w.config().zone()));
      rows.add(new Row("1b", "limit: Kafka consumer + decode (one consumer thread; broker in-process)",
          kafka.consumeAndDecode(loaded, w.events().size(), decoder, 1, sizes.kafkaPasses()), null,
          "broker's CPU included"));
      // Runs alternate between the modes, so a drift of the machine touches both alike.
      Map<Boolean, List<Sample>> segments = new LinkedHashMap<>();
      Map<Boolean, Sample> cuts = new LinkedHashMap<>();
      for (int run = 1; run <= sizes.runs(); run++) {
        for (boolean exactlyOnce : new boolean[] {true, false}) {
          if (cuts.containsKey(exactlyOnce)) {
            continue;
          }
          log.println("bench: 3. end to end, " + mode(exactlyOnce) + ", saturation, run " + run);
          EndToEndRun.Saturation saturation = EndToEndRun.saturation(cluster, kafka, loaded, w, exactlyOnce, 2,
              sizes.segments(), sizes.jobBudget(), run);
          segments.computeIfAbsent(exactlyOnce, k -> new ArrayList<>()).addAll(saturation.segments());
          if (saturation.cut() != null) {
            cuts.put(exactlyOnce, saturation.cut());
          }
        }
      }
      List<String> latencyRows = new ArrayList<>();
      for (boolean exactlyOnce : new boolean[] {true, false}) {
        String mode = mode(exactlyOnce);
        List<Sample> samples = segments.getOrDefault(exactlyOnce, List.of());
        Sample cut = cuts.get(exactlyOnce);
        boolean measured = !samples.isEmpty() || cut != null;
        rows.add(new Row("3", "Probity end to end, Kafka → job → Kafka, " + mode + ", parallelism 2, heap state",
            samples, cut, !measured ? "not measured: the timed backlog drained in less "
                + "than " + EndToEndRun.MIN_SEGMENT.toSeconds() + " s (too small a mix)"
                : cut != null ? cutNote(samples.isEmpty())
                : "broker's CPU included; events counted by the job; samples of at least "
                    + EndToEndRun.MIN_SEGMENT.toSeconds() + " s, " + sizes.runs() + " runs"));
        if (!measured) {
          continue;
        }
        double rate = samples.isEmpty() ? cut.eventsPerSecond() / 2
            : Spread.of(samples, Sample::eventsPerSecond).median() / 2;
        log.printf("bench: 3. end to end, %s, latency at %,.0f events/s%n", mode, rate);
        EndToEndRun.Latency latency = EndToEndRun.latency(cluster, kafka, w, exactlyOnce, 2, rate,
            sizes.latencySeconds());
        latencyRows.add(latencyRow(mode, latency));
      }
      md.append("\n### 3. Alert latency, event sent → alert readable (`read_committed`), at half the saturation "
          + "rate\n\n| delivery | rate (events/s) | events | alerts timed | p50 (ms) | p99 (ms) | max (ms) |\n"
          + "|---|---|---|---|---|---|---|\n");
      latencyRows.forEach(md::append);
      md.append("\nCheckpoint interval 10 s (the production default); watermark out-of-orderness 1 s (events are "
          + "sent in order). With the production default of 2 min, add 2 min to every alert of a rule that "
          + "orders its events in event time.\n");
    }
  }

  private static String mode(boolean exactlyOnce) {
    return exactlyOnce ? "exactly-once" : "at-least-once";
  }

  private static String latencyRow(String mode, EndToEndRun.Latency l) {
    double[] ms = l.millis().stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (ms.length == 0) {
      return String.format("| %s | %,.0f | %,d | 0 | — | — | — |%n", mode, l.rate(), l.events());
    }
    return String.format("| %s | %,.0f | %,d | %,d | %,.0f | %,.0f | %,.0f |%n", mode, l.rate(), l.events(),
        ms.length, percentile(ms, 50), percentile(ms, 99), ms[ms.length - 1]);
  }

  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
  }

  private void writeThroughput(List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    Spread limit = rows.stream().filter(r -> r.figure().equals("1a")).findFirst()
        .map(r -> Spread.of(r.samples(), Sample::eventsPerCpuSecond)).orElse(null);
    md.append("\n### 1–3. Throughput\n\nPer core = events per CPU-second of this process (all its threads: "
        + "tasks, garbage collector, the in-process broker where there is one). Median (min–max, n samples).\n\n"
        + "| # | measurement | events/s (wall clock) | per core (events/CPU-s) | cores busy | per core ÷ limit 1a "
        + "| note |\n|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      List<Sample> shown = r.samples().isEmpty() && r.cut() != null ? List.of(r.cut()) : r.samples();
      Spread perCore = Spread.of(shown, Sample::eventsPerCpuSecond);
      md.append("| ").append(r.figure()).append(" | ").append(r.what()).append(" | ")
          .append(Spread.of(shown, Sample::eventsPerSecond).format(0)).append(" | ")
          .append(perCore.format(0)).append(" | ")
          .append(Spread.of(shown, Sample::coresBusy).format(2)).append(" | ")
          .append(limit == null || r.figure().equals("1a") || shown.isEmpty() ? "—"
              : String.format("%.3f", perCore.median() / limit.median()))
          .append(" | ").append(r.note()).append(" |\n");
    }
  }

  private void sqlSection(BenchCluster cluster, Workload w) throws Exception {
    Set<RuleId> comparable = EnumSet.noneOf(RuleId.class);
    List<Rule> probityRules = new ArrayList<>();
    for (Rule rule : RuleSet.all()) {
      Set<RuleId> ids = rule.ids();
      if (!ids.isEmpty() && SqlPeer.EXPRESSED.containsAll(ids)) {
        probityRules.add(rule);
        comparable.addAll(ids);
      }
    }
    md.append("\n### 5. Peers: the same rules in Flink SQL and in Esper, same input, same run\n\n");
    if (probityRules.isEmpty()) {
      md.append("No rule of this build is among those the peers express (").append(SqlPeer.EXPRESSED)
          .append("): nothing to compare.\n");
      return;
    }
    int[] marks = {w.warmupEnd()};
    List<Sample> probity = new ArrayList<>();
    List<Sample> sql = new ArrayList<>();
    List<Sample> esper = new ArrayList<>();
    List<Double> esperThreadRates = new ArrayList<>();
    List<Double> esperGcShares = new ArrayList<>();
    List<Double> esperJitShares = new ArrayList<>();
    InProcessRun.Result lastProbity = null;
    InProcessRun.Result lastSql = null;
    EsperPeer.Result lastEsper = null;
    for (int run = 0; run <= sizes.runs(); run++) {
      log.println("bench: 5. peers, run " + run + " (0 is warm-up): Probity, Flink SQL, Esper, on " + comparable);
      InProcessRun.Result p = InProcessRun.run(cluster, w.events(), w.config(),
          InProcessRun.probity(w.config(), probityRules), 2, JobEnvironment.StateBackend.HASHMAP, marks,
          new boolean[1], (job, m) -> { }, sizes.jobBudget());
      InProcessRun.Result s = InProcessRun.run(cluster, w.events(), w.config(), SqlPeer.job(w.config(), comparable),
          2, JobEnvironment.StateBackend.HASHMAP, marks, new boolean[1], (job, m) -> { }, sizes.jobBudget());
      if (!p.complete() || !s.complete()) {
        md.append("Not measured: a run outlasted the ").append(sizes.jobBudget().toMinutes())
            .append("-min budget.\n");
        return;
      }
      EsperPeer.Result e = EsperPeer.run(w.events(), w.config(), comparable, w.warmupEnd());
      if (run > 0) {
        probity.addAll(p.segments());
        sql.addAll(s.segments());
        esper.add(e.timed());
        esperThreadRates.add(e.timed().events() / (e.threadCpuNanos() / 1e9));
        esperGcShares.add(e.gcMillis() * 1e6 / e.timed().wallNanos());
        esperJitShares.add(e.jitMillis() * 1e6 / e.timed().wallNanos());
      }
      lastProbity = p;
      lastSql = s;
      lastEsper = e;
    }
    List<Alert> truth = AlertRecords.ofRules(w.truth(), comparable);
    Set<String> truthSubjects = AlertRecords.subjects(truth);
    AlertRecords.Difference probityRecords = AlertRecords.compare(lastProbity.records(),
        truth.stream().map(AlertRecords::record).toList());
    Set<String> probitySubjects = new java.util.TreeSet<>();
    for (String record : lastProbity.records()) {
      probitySubjects.add(AlertRecords.subject(AlertRecords.parse(record)));
    }
    Set<String> sqlSubjects = new java.util.TreeSet<>(lastSql.records());
    Set<String> esperSubjects = new java.util.TreeSet<>(lastEsper.records());
    Spread probityPerCore = Spread.of(probity, Sample::eventsPerCpuSecond);
    Spread sqlPerCore = Spread.of(sql, Sample::eventsPerCpuSecond);
    Spread esperPerCore = Spread.of(esper, Sample::eventsPerCpuSecond);
    md.append("Rules compared: ").append(comparable).append(". Probity and Flink SQL: parallelism 2, heap state, the "
        + "production environment, the timed part of the mix; Probity = the production pipeline with just these "
        + "rules (de-duplication, alert lifecycle and integrity index included), SQL = de-duplication and the "
        + "queries in `SqlPeer`. Esper = one thread decoding the same bytes and sending them to the statements in "
        + "`EsperPeer` (de-duplication by a `HashSet`, Esper's clock at the latest event time); its per core is this "
        + "process's CPU like the others' (the idle MiniCluster's threads included), the thread's own in the note. "
        + "Records: Probity's compared whole with the ground truth of these rules; every side's as "
        + "(rule, reason, unit, subject) with the truth's and with Probity's.\n\n"
        + "| side | events/s (wall) | per core (events/CPU-s) | cores busy | output | records |\n"
        + "|---|---|---|---|---|---|\n")
        .append("| Probity | ").append(Spread.of(probity, Sample::eventsPerSecond).format(0)).append(" | ")
        .append(probityPerCore.format(0)).append(" | ").append(Spread.of(probity, Sample::coresBusy).format(2))
        .append(" | ").append(String.format("%,d alert records", lastProbity.alerts())).append(" | ")
        .append(probityRecords.cell("truth")).append("; subjects ")
        .append(AlertRecords.compare(probitySubjects, truthSubjects).cell("truth")).append(" |\n")
        .append("| Flink SQL | ").append(Spread.of(sql, Sample::eventsPerSecond).format(0)).append(" | ")
        .append(sqlPerCore.format(0)).append(" | ").append(Spread.of(sql, Sample::coresBusy).format(2))
        .append(" | ").append(String.format("%,d rows", lastSql.alerts())).append(" | subjects ")
        .append(AlertRecords.compare(sqlSubjects, truthSubjects).cell("truth")).append("; ")
        .append(AlertRecords.compare(sqlSubjects, probitySubjects).cell("Probity")).append(" |\n")
        .append("| Esper | ").append(Spread.of(esper, Sample::eventsPerSecond).format(0)).append(" | ")
        .append(esperPerCore.format(0)).append(" | ").append(Spread.of(esper, Sample::coresBusy).format(2))
        .append(" | ").append(String.format("%,d rows", lastEsper.rows())).append(" | subjects ")
        .append(AlertRecords.compare(esperSubjects, truthSubjects).cell("truth")).append("; ")
        .append(AlertRecords.compare(esperSubjects, probitySubjects).cell("Probity")).append(" |\n")
        .append(String.format("%nRatios per core: Probity / Flink SQL **%.2f** (range %.2f–%.2f); Probity / Esper "
                + "**%.2f** (range %.2f–%.2f); Esper per CPU-second of its own thread: %s; while Esper ran, the "
                + "garbage collectors were busy %s and the JIT compilers %s of its wall time (each of them may use "
                + "several threads: the rest of the process's CPU).%n",
            probityPerCore.median() / sqlPerCore.median(), probityPerCore.min() / sqlPerCore.max(),
            probityPerCore.max() / sqlPerCore.min(), probityPerCore.median() / esperPerCore.median(),
            probityPerCore.min() / esperPerCore.max(), probityPerCore.max() / esperPerCore.min(),
            Spread.of(esperThreadRates.stream().mapToDouble(Double::doubleValue).toArray()).format(0),
            Spread.of(esperGcShares.stream().mapToDouble(d -> 100 * d).toArray()).format(0).replaceFirst(" ", "% "),
            Spread.of(esperJitShares.stream().mapToDouble(d -> 100 * d).toArray()).format(0).replaceFirst(" ", "% ")));
    List<RuleId> notCompared = SqlPeer.EXPRESSED.stream().filter(r -> !comparable.contains(r)).toList();
    if (!notCompared.isEmpty()) {
      md.append("\nExpressed by both peers but not compared: ").append(notCompared).append(" (in this build its "
          + "Probity rule runs inside an operator that raises other rules too, so Probity cannot run it alone).\n");
    }
    md.append("\nWhere the peers differ from the contract or from Probity:\n\n");
    for (RuleId rule : SqlPeer.EXPRESSED) {
      String sqlNote = SqlPeer.DEVIATIONS.get(rule);
      String esperNote = EsperPeer.DEVIATIONS.get(rule);
      if (sqlNote != null || esperNote != null) {
        md.append("* ").append(rule).append(": SQL: ").append(sqlNote == null ? "as Probity" : sqlNote)
            .append("; Esper: ").append(esperNote == null ? "as Probity" : esperNote).append(".\n");
      }
    }
    md.append("\nNot expressed in the peers:\n\n");
    for (Map.Entry<RuleId, String> e : SqlPeer.NOT_EXPRESSED.entrySet()) {
      md.append("* ").append(e.getKey()).append(": ").append(e.getValue()).append(".\n");
    }
  }

  /**
   * Heap state first, on the populations up to {@link #HEAP_SCALE_LIMIT}: its checkpoint is the
   * state serialized as it is, so the bytes per subject are exact. Then RocksDB on every step:
   * throughput as the population grows, checkpoint size and duration, bytes on disk (compressed
   * SST files, which compaction makes move by a few bytes either way).
   */
  private void scaleSection(BenchCluster cluster) throws Exception {
    md.append("\n### 4. Scale\n\nAt each step a batch grows the standing population (open cases; half as many "
        + "vouchers in flight and split keys), then the shipped generator's mix runs on top of it, timed. State per "
        + "subject = growth of a full checkpoint over that part of the batch ÷ subjects added. The population columns "
        + "are what stood during the mix (the batches so far plus the mix's own subjects; least and most at its day "
        + "changes); the mix is timed in segments of equal event counts, whose length is shown. Parallelism 2; on "
        + "RocksDB the signature chain runs on its keyed engine, as recommended there.\n");
    int[] heapSteps = Arrays.stream(sizes.openCasesSteps()).filter(n -> n <= HEAP_SCALE_LIMIT).toArray();
    for (JobEnvironment.StateBackend backend : List.of(JobEnvironment.StateBackend.HASHMAP,
        JobEnvironment.StateBackend.ROCKSDB)) {
      boolean heap = backend == JobEnvironment.StateBackend.HASHMAP;
      int[] steps = heap ? heapSteps : sizes.openCasesSteps();
      log.println("bench: 4. scale, " + backend + ": generating the populations " + Arrays.toString(steps));
      ScaleWorkload w = ScaleWorkload.generate(sizes, steps);
      log.printf("bench: 4. scale, %s: %,d events%n", backend, w.events().size());
      Duration budget = heap ? sizes.jobBudget() : sizes.scaleBudget();
      // RocksDB as recommended for it: the signature chain on its keyed engine (see figure 2).
      ProbityConfig config = heap ? w.config()
          : BenchRules.withEngine(w.config(), PaymentParameters.SignatureChainEngine.KEYED);
      ScaleRun.Run run = ScaleRun.run(cluster, w, config, backend, 2, sizes.scaleSegments(), budget);
      scaleTable(backend, w, run.steps(), budget);
      md.append("\nAlert records of the whole run: ").append(run.records() == null ? "not compared (the run was "
          + "cancelled)" : String.format("%,d, %s", run.records().size(), AlertRecords.compare(run.records(),
          w.truth().stream().map(AlertRecords::record).toList()).cell("truth"))).append(".\n");
    }
    md.append("\nNot measured: ").append(notMeasuredAtScale()).append("\n");
  }

  /** Populations above this are measured on RocksDB only. */
  static final int HEAP_SCALE_LIMIT = 100_000;

  private void scaleTable(JobEnvironment.StateBackend backend, ScaleWorkload w, List<ScaleRun.Step> steps,
      Duration budget) {
    md.append("\n**").append(backend == JobEnvironment.StateBackend.HASHMAP ? "Heap state" : "RocksDB state")
        .append("**\n\n| step (open cases added) | open cases during the mix | vouchers in flight | split keys "
            + "| mix events timed | segment (s) | mix events/s (wall) | mix per core (events/CPU-s) | checkpoint size "
            + "| checkpoint duration | bytes / open case | bytes / voucher | bytes / split key |\n"
            + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    ScaleRun.Step largest = null;
    for (int k = 0; k < steps.size(); k++) {
      ScaleRun.Step s = steps.get(k);
      // What the rules held during the mix: the batches so far plus the mix's own subjects.
      int mixStart = w.phaseStarts()[k][ScaleWorkload.MIX];
      List<EncodedEvents.Population> during = w.events().populationsBetween(mixStart, w.mixEnd(k) - 1);
      String population = String.format("| %,d (+%,d) | %s | %s | %s | ", s.openCases(), s.added(),
          range(during, EncodedEvents.Population::openCases), range(during, EncodedEvents.Population::vouchersInFlight),
          range(during, EncodedEvents.Population::splitKeys));
      if (!s.loaded()) {
        md.append(population).append(s.cut() == null ? "not reached" : String.format(
            "cancelled at the %d-min budget while loading (%,.0f events/s, %,.0f per core)", budget.toMinutes(),
            s.cut().eventsPerSecond(), s.cut().eventsPerCpuSecond())).append(" | | | | | | | | |\n");
        continue;
      }
      largest = s;
      List<Sample> mix = s.mix().isEmpty() && s.cut() != null ? List.of(s.cut()) : s.mix();
      md.append(population).append(String.format("%,d | %s | ", mix.stream().mapToLong(Sample::events).sum(),
          Spread.of(mix, m -> m.wallNanos() / 1e9).format(1)));
      md.append(String.format("%s%s | %s | %,.1f MB | %,d ms | %,.0f | %,.0f | %,.0f |%n",
          Spread.of(mix, Sample::eventsPerSecond).format(0), s.mix().isEmpty() && s.cut() != null
              ? " (cancelled at the budget; rate up to the cut)" : "",
          Spread.of(mix, Sample::eventsPerCpuSecond).format(0), s.atPopulation().stateBytes() / 1e6,
          s.atPopulation().durationMillis(), s.bytesPerCase(), s.bytesPerVoucher(), s.bytesPerSplitKey()));
    }
    if (largest == null) {
      return;
    }
    md.append("\nWhere the bytes are at ").append(String.format("%,d", largest.openCases()))
        .append(" open cases (bytes per subject added, by operator; operators that did not grow are left out):\n\n"
            + "| operator | per open case | per voucher | per split key |\n|---|---|---|---|\n");
    Map<String, Double> cases = largest.perOperator(0, 1);
    Map<String, Double> vouchers = largest.perOperator(1, 2);
    Map<String, Double> keys = largest.perOperator(2, 3);
    for (String op : cases.keySet()) {
      double c = cases.get(op);
      double v = vouchers.getOrDefault(op, 0.0);
      double k = keys.getOrDefault(op, 0.0);
      if (Math.abs(c) >= 1 || Math.abs(v) >= 1 || Math.abs(k) >= 1) {
        md.append(String.format("| %s | %,.0f | %,.0f | %,.0f |%n", op.replace("|", "/"), c, v, k));
      }
    }
  }

  private static String range(List<EncodedEvents.Population> during, ToIntFunction<EncodedEvents.Population> count) {
    int min = during.stream().mapToInt(count).min().orElseThrow();
    int max = during.stream().mapToInt(count).max().orElseThrow();
    return min == max ? String.format("%,d", min) : String.format("%,d–%,d", min, max);
  }

  private String notMeasuredAtScale() {
    int largest = sizes.openCasesSteps()[sizes.openCasesSteps().length - 1];
    String measured = String.format("populations above %,d open cases; nothing above it is extrapolated.", largest);
    return largest >= 10_000_000 ? measured : measured + " A run with the 10M step (12 to 21 minutes on 2 cores): `bench/run "
        + "--scale-steps 10000,100000,1000000,10000000 --scale-budget 30` with `PROBITY_BENCH_HEAP=16g` (the encoded input is held in "
        + "memory).";
  }
}
