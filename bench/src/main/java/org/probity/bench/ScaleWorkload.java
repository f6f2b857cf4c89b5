package org.probity.bench;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.ReferenceData;
import org.probity.jobs.generate.GeneratorSettings;
import org.probity.jobs.generate.TrafficGenerator;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;
import org.probity.schema.PaymentAction;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.ProcurementMethod;
import org.probity.schema.SignerRole;

/**
 * Figure 4's input: the shipped generator's mix (at {@link Sizes#scaleMixScale}), one week per
 * step, and at the start of each step (its Monday, 00:00–06:00, before that day's traffic, which starts at 07:00) a batch that grows the standing
 * population to the step's size: open cases (RECEIVED, never decided in the run: their promised
 * limit outlasts it), half as many vouchers in flight (SUBMITTED and the deputy's signature) and
 * half as many split-purchase keys (one small inquiry order to a new supplier each). The input ends
 * with the last week: the generator's tail after it (the later steps of what it started) would move
 * the clock weeks on at the end of the last mix and fire the ladder of every standing case. Each kind
 * fills its own hours — cases 00–02, vouchers 02–04, orders 04–06 — so the run can checkpoint
 * between them and attribute state to each.
 *
 * <p>The first pause of a step is 5 minutes into its cases: by then the watermark has passed the
 * previous mix, whose last events still waited in the rules' event-time buffers before, so the
 * checkpoint before the cases holds no state the cases' checkpoint would have lost. The cases
 * counted are those after that pause.
 *
 * @param phaseStarts per step, the input indices where the timed cases (5 minutes in), vouchers,
 *     orders and the mix begin
 * @param casesAfterFirstPause per step, the open cases between its first and second pause
 * @param truth the generator's ground truth at the input's last event (the batches raise nothing)
 */
record ScaleWorkload(ProbityConfig config, EncodedEvents events, int[] openCases, int[][] phaseStarts,
    int[] casesAfterFirstPause, List<Alert> truth) {
  /** A Monday with no holiday for the following weeks. */
  static final LocalDate START = LocalDate.of(2025, 11, 3);
  static final int CASES = 0;
  static final int VOUCHERS = 1;
  static final int ORDERS = 2;
  static final int MIX = 3;
  private static final int[] PHASE_HOURS = {0, 2, 4, 6};
  /**
   * The batches' orders: a category no planter of the generator buys, so their category-year sum is
   * their own, and ¥10 each, so it stays below every unit's tender threshold (see {@link
   * #checkOrdersStayClean}); a batch that reached it would turn every later order into an escalated
   * SAME_CATEGORY_YEAR alert and the figure into one of alert traffic.
   */
  static final String BATCH_CATEGORY = "基准测试耗材";
  static final long BATCH_ORDER_FEN = 1_000L;
  /** How far into its cases a step's first pause is (past the watermark's 2 minutes). */
  private static final long FIRST_PAUSE_MILLIS = 5 * 60_000L;

  /** The workload of {@code openCasesSteps} (ascending populations of open cases). */
  static ScaleWorkload generate(Sizes sizes, int[] openCasesSteps) {
    ProbityConfig config = BenchRules.withUnits(sizes.units());
    checkSteps(config, openCasesSteps);
    int steps = openCasesSteps.length;
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withStart(START).withDays(7 * steps)
        .withScale(sizes.scaleMixScale()).withDisorderSeconds(0);
    List<Iterable<SpecificRecordBase>> batches = new ArrayList<>();
    int previous = 0;
    for (int k = 0; k < steps; k++) {
      int cases = openCasesSteps[k] - previous;
      if (cases < 2) {
        throw new IllegalArgumentException("scale steps must grow: " + Arrays.toString(openCasesSteps));
      }
      previous = openCasesSteps[k];
      batches.add(population(config, START.plusDays(7L * k), k, cases));
    }
    long endMillis = START.plusDays(7L * steps).atStartOfDay(config.zone()).toInstant().toEpochMilli();
    TrafficGenerator generator = new TrafficGenerator(config, settings);
    EncodedEvents events = EncodedEvents.encode(
        spliced(Workload.before(generator, endMillis, 0), batches, config),
        config.procurement().splitWindowDays(), config.zone());
    int[][] phaseStarts = new int[steps][4];
    int[] casesAfterFirstPause = new int[steps];
    for (int k = 0; k < steps; k++) {
      for (int phase = 0; phase < 4; phase++) {
        phaseStarts[k][phase] = firstAtOrAfter(events, (phase == CASES ? FIRST_PAUSE_MILLIS : 0)
            + START.plusDays(7L * k).atTime(PHASE_HOURS[phase], 0).atZone(config.zone()).toInstant().toEpochMilli());
      }
      // Only the batch's RECEIVED events lie between the first two pauses.
      casesAfterFirstPause[k] = phaseStarts[k][VOUCHERS] - phaseStarts[k][CASES];
    }
    return new ScaleWorkload(config, events, openCasesSteps.clone(), phaseStarts, casesAfterFirstPause,
        Workload.truth(generator, events));
  }

  /** Where step {@code k}'s mix ends: at the next step's timed cases, or at the end of the input. */
  int mixEnd(int k) {
    return k + 1 < openCases.length ? phaseStarts[k + 1][CASES] : events.size();
  }

  /**
   * Fails when {@code openCasesSteps} would make the batches raise alerts ({@link #checkOrdersStayClean},
   * {@link #checkCasesStayQuiet}); called before a benchmark starts as well as here.
   */
  static void checkSteps(ProbityConfig config, int[] openCasesSteps) {
    checkOrdersStayClean(config, openCasesSteps);
    checkCasesStayQuiet(config, openCasesSteps.length);
  }

  /** The batches' cases apply for the catalogue item with the longest promised time limit. */
  static ReferenceData.Item caseItem(ProbityConfig config) {
    return config.reference().items().values().stream()
        .max(Comparator.comparingInt(ReferenceData.Item::promisedWorkingDays)
            .thenComparing(ReferenceData.Item::code, Comparator.reverseOrder()))
        .orElseThrow(() -> new ConfigException("bench: the catalogue has no item"));
  }

  /**
   * Fails when the run (a week per step) would reach the first batch's NOTICE: its cases must stay
   * open and quiet to the end, or the last step would time a flood of ladder alerts. Each week has at
   * most 5 working days here ({@link #START} begins weeks without holidays or make-up days).
   */
  static void checkCasesStayQuiet(ProbityConfig config, int steps) {
    ReferenceData.Item item = caseItem(config);
    int quietWorkingDays = item.promisedWorkingDays() - config.approval().noticeWorkingDays();
    if (5 * steps + 1 > quietWorkingDays) {
      throw new IllegalArgumentException(String.format("scale steps: %d steps run %d weeks, past the NOTICE of the "
          + "first batch's cases (%s, %d working days); at most %d steps", steps, steps, item.code(),
          item.promisedWorkingDays(), (quietWorkingDays - 1) / 5));
    }
  }

  /**
   * Fails when the batches' orders of one unit (half the largest population, spread over the units)
   * would add up to that unit's tender threshold for {@link #BATCH_CATEGORY}: the batch must raise no alert.
   */
  static void checkOrdersStayClean(ProbityConfig config, int[] openCasesSteps) {
    int largest = Arrays.stream(openCasesSteps).max().orElse(0);
    int units = config.reference().units().size();
    long perUnit = (largest / 2 + units - 1) / units;
    for (String unitId : config.reference().units().keySet()) {
      long threshold = config.tenderThresholdFen(unitId, BATCH_CATEGORY);
      if (perUnit * BATCH_ORDER_FEN >= threshold) {
        throw new IllegalArgumentException(String.format("scale steps: %,d open cases put %,d batch orders of ¥%d in "
            + "unit %s, which reach its tender threshold (¥%,d); at most %,d open cases with %d units", largest,
            perUnit, BATCH_ORDER_FEN / 100, unitId, threshold / 100, (threshold - 1) / BATCH_ORDER_FEN * 2 * units,
            units));
      }
    }
  }

  private static int firstAtOrAfter(EncodedEvents events, long millis) {
    for (int i = 0; i < events.size(); i++) {
      if (events.eventTimeMillis(i) >= millis) {
        return i;
      }
    }
    return events.size();
  }

  /** The generator's events with batch k inserted before the first event of step k's Monday. */
  private static Iterable<SpecificRecordBase> spliced(Iterable<SpecificRecordBase> mix,
      List<Iterable<SpecificRecordBase>> batches, ProbityConfig config) {
    return () -> new Iterator<>() {
      private final Iterator<SpecificRecordBase> generated = mix.iterator();
      private int batch;
      private Iterator<SpecificRecordBase> inserting = Collections.emptyIterator();
      private SpecificRecordBase held;

      @Override
      public boolean hasNext() {
        return inserting.hasNext() || held != null || generated.hasNext() || batch < batches.size();
      }

      @Override
      public SpecificRecordBase next() {
        if (inserting.hasNext()) {
          return inserting.next();
        }
        SpecificRecordBase e = held != null ? held : generated.hasNext() ? generated.next() : null;
        held = null;
        if (batch < batches.size()) {
          long batchStart = START.plusDays(7L * batch).atStartOfDay(config.zone()).toInstant().toEpochMilli();
          if (e == null || ((Instant) e.get("eventTime")).toEpochMilli() >= batchStart) {
            inserting = batches.get(batch++).iterator();
            held = e;
            return next();
          }
        }
        if (e == null) {
          throw new NoSuchElementException();
        }
        return e;
      }
    };
  }

  /** One step's batch, every unit alike, each kind spread evenly over its hours; made as it is read. */
  private static Iterable<SpecificRecordBase> population(ProbityConfig config, LocalDate monday, int step,
      int cases) {
    List<ReferenceData.Unit> units = config.reference().units().values().stream()
        .sorted(Comparator.comparing(ReferenceData.Unit::id)).toList();
    ReferenceData.Item item = caseItem(config);
    long[] phaseStart = new long[4];
    for (int p = 0; p < 4; p++) {
      phaseStart[p] = monday.atTime(PHASE_HOURS[p], 0).atZone(config.zone()).toInstant().toEpochMilli();
    }
    Map<String, String> firstByUnitAndRole = new HashMap<>();
    config.reference().people().values().stream()
        .sorted(Comparator.comparing(ReferenceData.Person::id))
        .forEach(p -> firstByUnitAndRole.putIfAbsent(p.unitId() + '|' + p.role(), p.id()));
    String tag = "S" + step + "-";
    int vouchers = cases / 2;
    int orders = cases / 2;
    return () -> Stream.of(
        IntStream.range(0, cases).<SpecificRecordBase>mapToObj(i -> {
          String unitId = units.get(i % units.size()).id();
          return ApprovalEvent.newBuilder()
              .setEventId(tag + "EA-" + i)
              .setEventTime(spread(phaseStart, CASES, i, cases))
              .setUnitId(unitId)
              .setCaseId(tag + "CASE-" + i)
              .setItemCode(item.code())
              .setAction(ApprovalAction.RECEIVED)
              .setActorId(person(firstByUnitAndRole, unitId, "CLERK"))
              .setActorRole("CLERK")
              .setApplicantId(tag + "AP-" + i)
              .build();
        }),
        IntStream.range(0, vouchers).boxed().<SpecificRecordBase>flatMap(i -> {
          String unitId = units.get(i % units.size()).id();
          Instant submitted = spread(phaseStart, VOUCHERS, i, vouchers);
          PaymentEvent first = PaymentEvent.newBuilder()
              .setEventId(tag + "EP-" + i)
              .setEventTime(submitted)
              .setUnitId(unitId)
              .setVoucherId(tag + "V-" + i)
              .setAction(PaymentAction.SUBMITTED)
              .setAmountFen(50_000L)
              .setPayeeId(tag + "PAYEE-" + i)
              .setInvoiceNo(tag + "INV-" + i)
              .setCategory("办公经费")
              .build();
          PaymentEvent signed = PaymentEvent.newBuilder(first)
              .setEventId(tag + "EP-" + i + "-S")
              .setEventTime(submitted.plusMillis(1))
              .setAction(PaymentAction.SIGNED)
              .setSignerId(person(firstByUnitAndRole, unitId, "DEPUTY"))
              .setSignerRole(SignerRole.DEPUTY)
              .build();
          return Stream.of(first, signed);
        }),
        IntStream.range(0, orders).<SpecificRecordBase>mapToObj(i -> {
          String unitId = units.get(i % units.size()).id();
          return ProcurementEvent.newBuilder()
              .setEventId(tag + "EPR-" + i)
              .setEventTime(spread(phaseStart, ORDERS, i, orders))
              .setUnitId(unitId)
              .setProcurementId(tag + "PR-" + i)
              .setAction(ProcurementAction.ORDER_PLACED)
              .setActorId(person(firstByUnitAndRole, unitId, "BUYER"))
              .setSupplierId(tag + "SUP-" + i)
              .setCategory(BATCH_CATEGORY)
              .setAmountFen(BATCH_ORDER_FEN)
              .setMethod(ProcurementMethod.INQUIRY)
              .build();
        }))
        .flatMap(kind -> kind)
        .iterator();
  }

  private static Instant spread(long[] phaseStart, int phase, int i, int n) {
    return Instant.ofEpochMilli(phaseStart[phase] + (phaseStart[phase + 1] - phaseStart[phase]) * i / n);
  }

  private static String person(Map<String, String> firstByUnitAndRole, String unitId, String role) {
    String id = firstByUnitAndRole.get(unitId + '|' + role);
    if (id == null) {
      throw new ConfigException("bench: no " + role + " in unit " + unitId);
    }
    return id;
  }
}
