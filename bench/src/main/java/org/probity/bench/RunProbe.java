package org.probity.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What one benchmark job reports back to the harness, in the same JVM: the MiniCluster runs the
 * job's tasks in this process, so the source and the sinks reach their probe through a static
 * registry by id (a Flink function is serialized; the gigabyte of input and the clocks must not be).
 *
 * <p>Marks are event indices of the input. The source records when the last of its readers passed
 * each mark (wall clock and this process's CPU time, which counts every thread — tasks, GC, the
 * broker when there is one — and nothing of the other processes on the machine). At a pause mark
 * the readers stop until the harness {@link #release}s it, so it can take a checkpoint of the
 * state at exactly that input. The sinks record when the last of them saw the end of the input.
 */
final class RunProbe {
  private static final Map<String, RunProbe> PROBES = new ConcurrentHashMap<>();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  final String id;
  final EncodedEvents input;
  final int readers;
  private final int[] marks;
  private final boolean[] pauses;
  private final AtomicLongArray markWall;
  private final AtomicLongArray markCpu;
  private final long[] releaseWall;
  private final long[] releaseCpu;
  private final AtomicInteger[] arrived;
  private final CompletableFuture<?>[] allArrived;
  private final CompletableFuture<?>[] released;
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicLong endWall = new AtomicLong();
  private final AtomicLong endCpu = new AtomicLong();
  private final Map<String, AtomicLong> sinkRecords = new ConcurrentHashMap<>();
  private final Map<String, java.util.Queue<String>> sinkKeys = new ConcurrentHashMap<>();

  private RunProbe(String id, EncodedEvents input, int readers, int[] marks, boolean[] pauses) {
    this.id = id;
    this.input = input;
    this.readers = readers;
    this.marks = marks.clone();
    this.pauses = pauses.clone();
    markWall = new AtomicLongArray(marks.length);
    markCpu = new AtomicLongArray(marks.length);
    releaseWall = new long[marks.length];
    releaseCpu = new long[marks.length];
    arrived = new AtomicInteger[marks.length];
    allArrived = new CompletableFuture<?>[marks.length];
    released = new CompletableFuture<?>[marks.length];
    for (int i = 0; i < marks.length; i++) {
      arrived[i] = new AtomicInteger();
      allArrived[i] = new CompletableFuture<>();
      released[i] = pauses[i] ? new CompletableFuture<>() : CompletableFuture.completedFuture(null);
    }
  }

  /** Registers a probe; {@code marks} ascending event indices, {@code pauses[i]} whether readers wait at mark i. */
  static RunProbe register(String id, EncodedEvents input, int readers, int[] marks, boolean[] pauses) {
    RunProbe probe = new RunProbe(id, input, readers, marks, pauses);
    if (PROBES.putIfAbsent(id, probe) != null) {
      throw new IllegalStateException("probe " + id + " already registered");
    }
    return probe;
  }

  static RunProbe get(String id) {
    RunProbe probe = PROBES.get(id);
    if (probe == null) {
      throw new IllegalStateException("no probe " + id + ": benchmark jobs run only inside the harness's JVM");
    }
    return probe;
  }

  void unregister() {
    PROBES.remove(id);
  }

  static long cpuNanos() {
    return OS.getProcessCpuTime();
  }

  int markCount() {
    return marks.length;
  }

  int mark(int i) {
    return marks[i];
  }

  /** Called by a reader about to emit its first event at or past mark {@code i}. */
  CompletableFuture<?> arrive(int i) {
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    markWall.accumulateAndGet(i, wall, Math::max);
    markCpu.accumulateAndGet(i, cpu, Math::max);
    if (arrived[i].incrementAndGet() == readers) {
      allArrived[i].complete(null);
    }
    return released[i];
  }

  /** Waits until every reader has reached pause mark {@code i}. */
  void awaitPause(int i, long timeoutSeconds) throws Exception {
    allArrived[i].get(timeoutSeconds, TimeUnit.SECONDS);
  }

  /** Lets the readers go on past pause mark {@code i}; the segment after it starts now. */
  void release(int i) {
    releaseWall[i] = System.nanoTime();
    releaseCpu[i] = cpuNanos();
    released[i].complete(null);
  }

  /** When the last reader reached mark {@code i}: the end of the segment before it. */
  long arrivalWallNanos(int i) {
    return markWall.get(i);
  }

  long arrivalCpuNanos(int i) {
    return markCpu.get(i);
  }

  /** When the segment from mark {@code i} on started: its release if the readers paused there. */
  long startWallNanos(int i) {
    return pauses[i] ? releaseWall[i] : markWall.get(i);
  }

  long startCpuNanos(int i) {
    return pauses[i] ? releaseCpu[i] : markCpu.get(i);
  }

  /** A sink saw the end of its input; the last one to do so ends the run. */
  void sinkFinished() {
    long wall = System.nanoTime();
    long cpu = cpuNanos();
    endWall.accumulateAndGet(wall, Math::max);
    endCpu.accumulateAndGet(cpu, Math::max);
  }

  /** Readers report what they emitted in batches, so a run cut short still has a rate. */
  void emitted(long events) {
    emitted.addAndGet(events);
  }

  long emitted() {
    return emitted.get();
  }

  /** Whether every reader has reached mark {@code i}. */
  boolean reached(int i) {
    return allArrived[i].isDone();
  }

  void countRecord(String sink) {
    sinkRecords.computeIfAbsent(sink, k -> new AtomicLong()).incrementAndGet();
  }

  /** A record's key (see {@link AlertRecords}), kept for the comparison after the run. */
  void keep(String sink, String key) {
    sinkKeys.computeIfAbsent(sink, k -> new java.util.concurrent.ConcurrentLinkedQueue<>()).add(key);
  }

  java.util.List<String> keys(String sink) {
    java.util.Queue<String> keys = sinkKeys.get(sink);
    return keys == null ? java.util.List.of() : java.util.List.copyOf(keys);
  }

  long records(String sink) {
    AtomicLong n = sinkRecords.get(sink);
    return n == null ? 0 : n.get();
  }

  long endWallNanos() {
    return endWall.get();
  }

  long endCpuNanos() {
    return endCpu.get();
  }
}
