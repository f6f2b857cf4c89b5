package org.probity.jobs.rules.approval;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.state.storage.FileSystemCheckpointStorage;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.probity.jobs.rules.SubjectStage;
import org.probity.jobs.rules.SubjectState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.probity.jobs.calendar.WorkingDayCalendar;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;
import org.probity.schema.Alert;
import org.probity.schema.ApprovalAction;
import org.probity.schema.ApprovalEvent;

/**
 * What one open case costs in state, measured on the real operator with the shipped rules file.
 * Two profiles: a case just received, and a mid-life case (received, suspended and resumed,
 * extended, reviewed). Run {@link #main} for the serialized and checkpoint figures of
 * docs/approval-state.md (the in-memory figure is measured with JOL, see there);
 * {@code ApprovalStateBackendsTest} holds them to a budget.
 */
public final class ApprovalStateSize {
  static final String CASE_ID = "CASE-000001";
  private static final ProbityConfig CONFIG = RulesFile.defaults();

  enum Profile { RECEIVED, MID_LIFE }

  private ApprovalStateSize() {}

  /** The events of open case {@code n} of a profile, ids shaped like the generator's. */
  static List<ApprovalEvent> events(int n, Profile profile) {
    String caseId = String.format("CASE-%06d", n);
    List<ApprovalEvent> events = new java.util.ArrayList<>();
    events.add(event(caseId, n, 1, ApprovalAction.RECEIVED, "2025-09-01T09:00", "U01-C1"));
    if (profile == Profile.MID_LIFE) {
      events.add(event(caseId, n, 2, ApprovalAction.SUSPENDED, "2025-09-02T10:00", "U01-A1"));
      events.add(event(caseId, n, 3, ApprovalAction.RESUMED, "2025-09-04T10:00", "U01-A1"));
      ApprovalEvent extended = event(caseId, n, 4, ApprovalAction.EXTENDED, "2025-09-05T10:00", "U01-A1");
      extended.setExtensionDays(5);
      events.add(extended);
      events.add(event(caseId, n, 5, ApprovalAction.REVIEWED, "2025-09-08T10:00", "U01-R1"));
    }
    return events;
  }

  private static ApprovalEvent event(String caseId, int n, int step, ApprovalAction action, String localTime,
      String actor) {
    return ApprovalEvent.newBuilder()
        .setEventId(String.format("EA-%06d", n * 10 + step))
        .setEventTime(LocalDateTime.parse(localTime).atZone(CONFIG.zone()).toInstant())
        .setUnitId("U01")
        .setCaseId(caseId)
        .setItemCode("330100-XK-001")
        .setAction(action)
        .setActorId(actor)
        .setActorRole("CLERK")
        .setApplicantId(String.format("AP-%06d", n))
        .build();
  }

  static KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness(StateBackend backend)
      throws Exception {
    return harness(backend, null);
  }

  /** With {@code checkpoints}, snapshots go to files there (the in-memory storage caps them at 5 MB). */
  static KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness(StateBackend backend,
      Path checkpoints) throws Exception {
    var harness = new KeyedOneInputStreamOperatorTestHarness<>(
        SubjectStage.<ApprovalEvent, Alert>of(ApprovalEvent.class)
            .rule(new ApprovalCaseFunction(CONFIG, WorkingDayCalendar.of(CONFIG))).build(),
        ApprovalEvent::getCaseId, Types.STRING);
    ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    harness.setStateBackend(backend);
    if (checkpoints != null) {
      harness.setCheckpointStorage(new FileSystemCheckpointStorage(checkpoints.toUri()));
    }
    harness.open();
    return harness;
  }

  /** Opens {@code cases} cases of {@code profile}; the clock stops after their last event, before any step. */
  static void open(KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness, int cases,
      Profile profile) throws Exception {
    open(harness, 1, cases, profile);
  }

  /** Opens cases {@code first} … {@code last} of {@code profile}. */
  static void open(KeyedOneInputStreamOperatorTestHarness<String, ApprovalEvent, Alert> harness, int first,
      int lastCase, Profile profile) throws Exception {
    long last = Long.MIN_VALUE;
    for (int n = first; n <= lastCase; n++) {
      for (ApprovalEvent e : events(n, profile)) {
        harness.processElement(e, e.getEventTime().toEpochMilli());
        last = Math.max(last, e.getEventTime().toEpochMilli());
      }
    }
    harness.processWatermark(last);
  }

  /** The serialized subject value of the case (its rules' state, seen events and deadlines), as the heap backend's checkpoint and RocksDB store it. */
  static int valueBytes(Profile profile) throws Exception {
    var harness = harness(new HashMapStateBackend());
    open(harness, 1, profile);
    KeyedStateBackend<String> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(CASE_ID);
    // The approval stage's slots, in the order ApprovalCaseFunction declares them.
    TypeSerializer<SubjectState> serializer = new SubjectState.Serializer(
        List.of("ApprovalCaseFunction/case", "ApprovalCaseFunction/ended-at"),
        List.of(CaseStateSerializer.INSTANCE, LongSerializer.INSTANCE));
    ValueState<SubjectState> state = backend.getPartitionedState(VoidNamespace.INSTANCE,
        VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>(SubjectStage.SUBJECT_STATE, serializer));
    SubjectState subject = state.value();
    if (subject == null) {
      throw new IllegalStateException("case " + CASE_ID + " has no subject state");
    }
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(subject, out);
    harness.close();
    return out.length();
  }

  static int keyBytes() throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(32);
    StringSerializer.INSTANCE.serialize(CASE_ID, out);
    return out.length();
  }

  /** Checkpoint bytes per open case: (snapshot of {@code cases} − snapshot of none) / cases. */
  static double snapshotBytesPerCase(StateBackend backend, int cases, Profile profile, Path dir)
      throws Exception {
    long empty = snapshotSize(backend, 0, profile, dir.resolve("empty"));
    long full = snapshotSize(backend, cases, profile, dir.resolve("full"));
    return (full - empty) / (double) cases;
  }

  private static long snapshotSize(StateBackend backend, int cases, Profile profile, Path dir) throws Exception {
    Files.createDirectories(dir.resolve("db"));
    if (backend instanceof EmbeddedRocksDBStateBackend rocks) {
      rocks.setDbStoragePath(dir.resolve("db").toString());
    }
    var harness = harness(backend, dir.resolve("checkpoints"));
    open(harness, cases, profile);
    long size = harness.snapshot(1, 1).getStateSize();
    harness.close();
    return size;
  }

  public static void main(String[] args) throws Exception {
    int cases = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path tmp = Files.createTempDirectory("approval-state-size");
    System.out.printf("key (caseId %s): %d bytes serialized%n", CASE_ID, keyBytes());
    for (Profile profile : Profile.values()) {
      System.out.printf("%s: value %d bytes serialized%n", profile, valueBytes(profile));
      System.out.printf("%s: heap backend checkpoint %.1f bytes/case%n", profile,
          snapshotBytesPerCase(new HashMapStateBackend(), cases, profile, tmp.resolve(profile + "-h")));
      System.out.printf("%s: RocksDB full checkpoint %.1f bytes/case%n", profile,
          snapshotBytesPerCase(new EmbeddedRocksDBStateBackend(false), cases, profile, tmp.resolve(profile + "-f")));
      System.out.printf("%s: RocksDB incremental checkpoint (SST files) %.1f bytes/case%n", profile,
          snapshotBytesPerCase(new EmbeddedRocksDBStateBackend(true), cases, profile, tmp.resolve(profile + "-i")));
    }
    System.out.println("at " + Instant.now());
  }
}
