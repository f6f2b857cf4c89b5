package org.probity.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.cli.JobEnvironment;
import org.probity.jobs.cli.RunCommand;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.pipeline.SplitDeadLetters;
import org.probity.schema.Alert;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Figure 3: the production job exactly as {@code probity run} wires it ({@link RunCommand#environment},
 * {@link RunCommand#defineWorkflow}: Kafka sources, the pipeline, Kafka sinks in the chosen delivery
 * mode, checkpoints every 10 s) against the in-process broker.
 *
 * <p>Saturation: the mix is in the topics before the job starts; the job's own event counter (the
 * {@code probity.events} accumulator, which reaches the harness with each TaskManager heartbeat)
 * is followed while it drains the backlog, and the timed segments start once the standing
 * population has been read.
 *
 * <p>Latency: a producer sends the mix at a fixed rate, each event stamped with the wall clock as
 * it is sent (a live system's event time), while a {@code read_committed} consumer reads the
 * alerts; an alert's latency is from the send of the last of its evidence events to the moment the
 * consumer has the alert.
 */
final class EndToEndRun {
  private static final Duration CHECKPOINT_INTERVAL = InProcessRun.CHECKPOINT_INTERVAL;
  /** Twenty heartbeats of {@link BenchCluster}: the job's event counter reaches the harness with each. */
  static final Duration MIN_SEGMENT = Duration.ofSeconds(2);

  private EndToEndRun() {}

  /** Alert latencies in milliseconds, and how many events went in at what rate. */
  record Latency(List<Double> millis, long events, double rate, Duration outOfOrderness) {}

  /**
   * A saturation run: one sample per completed timed segment; when the budget ended it first, the
   * rate from the last segment start to the cut.
   */
  record Saturation(List<Sample> segments, Sample cut) {}

  /**
   * Drains the loaded mix; samples as events counted by the job against this process's CPU, each
   * at least {@link #MIN_SEGMENT} long (the counter's resolution): none when the whole timed part
   * drains faster than that.
   */
  static Saturation saturation(BenchCluster cluster, KafkaBench kafka, KafkaSettings loaded, Workload w,
      boolean exactlyOnce, int parallelism, int segments, Duration budget, int run) throws Exception {
    String prefix = "bench.saturation-" + (exactlyOnce ? "eo" : "alo") + "-" + run + ".";
    KafkaSettings settings = readingEventsOf(kafka.topics(prefix, exactlyOnce), loaded);
    Path checkpoints = Files.createTempDirectory("probity-bench-e2e");
    try {
      long startWall = System.nanoTime();
      long startCpu = RunProbe.cpuNanos();
      JobClient job = start(cluster, settings, w.config(), parallelism, checkpoints,
          InProcessRun.OUT_OF_ORDERNESS, InProcessRun.IDLENESS);
      long total = w.events().size();
      long[] marks = new long[segments + 1];
      for (int i = 0; i <= segments; i++) {
        marks[i] = w.warmupEnd() + (total - w.warmupEnd()) * i / segments;
      }
      long[] wallAt = new long[marks.length];
      long[] cpuAt = new long[marks.length];
      int next = 0;
      long counted = 0;
      long deadline = startWall + budget.toNanos();
      try {
        while (next < marks.length && System.nanoTime() < deadline) {
          counted = eventsCounted(job);
          long wall = System.nanoTime();
          long cpu = RunProbe.cpuNanos();
          while (next < marks.length && counted >= marks[next]) {
            wallAt[next] = wall;
            cpuAt[next] = cpu;
            next++;
          }
          LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
      } finally {
        BenchCluster.cancel(job);
      }
      // The counter moves once per heartbeat: a segment shorter than MIN_SEGMENT is mostly
      // rounding, so adjacent segments are joined until each lasts at least that long.
      List<Sample> samples = new ArrayList<>();
      for (int from = 0, to = 1; to < next; to++) {
        long wall = wallAt[to] - wallAt[from];
        if (wall >= MIN_SEGMENT.toNanos()) {
          samples.add(new Sample(marks[to] - marks[from], wall, cpuAt[to] - cpuAt[from]));
          from = to;
        }
      }
      Sample cut = null;
      if (next < marks.length) {
        long wall = System.nanoTime();
        long cpu = RunProbe.cpuNanos();
        cut = next == 0 ? new Sample(counted, wall - startWall, cpu - startCpu)
            : new Sample(counted - marks[next - 1], wall - wallAt[next - 1], cpu - cpuAt[next - 1]);
      }
      return new Saturation(samples, cut);
    } finally {
      BenchCluster.deleteScratch(checkpoints);
    }
  }

  /**
   * Sends the mix at {@code rate} events/s for {@code seconds} and measures each alert's latency.
   * The watermark's out-of-orderness is 1 s here (events are sent in order): with the production
   * default of 2 min every rule that orders its events waits 2 min more, which is configuration,
   * not processing, and would need a run of many minutes to show.
   */
  static Latency latency(BenchCluster cluster, KafkaBench kafka, Workload w, boolean exactlyOnce, int parallelism,
      double rate, int seconds) throws Exception {
    String prefix = "bench.latency-" + (exactlyOnce ? "eo" : "alo") + ".";
    KafkaSettings settings = kafka.topics(prefix, exactlyOnce);
    Duration outOfOrderness = Duration.ofSeconds(1);
    Path checkpoints = Files.createTempDirectory("probity-bench-latency");
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    List<Double> latencies = new ArrayList<>();
    AtomicBoolean stop = new AtomicBoolean();
    try {
      JobClient job = start(cluster, settings, w.config(), parallelism, checkpoints, outOfOrderness,
          Duration.ofSeconds(5));
      try {
        // Events sent before the job's Kafka readers run would wait for them and count as latency.
        cluster.awaitAllTasksRunning(job.getJobID());
        Thread reader = new Thread(() -> readAlerts(settings, sentAt, latencies, stop), "bench-alert-reader");
        reader.start();
        long sent = produceAtRate(w, settings, rate, seconds, sentAt);
        awaitCounted(job, sent);
        // Exactly-once alerts become readable when the checkpoint after them completes and its
        // transactions commit (on the completion notice, before the next checkpoint completes).
        awaitCheckpointsCompleted(cluster, job, 2);
        stop.set(true);
        reader.join();
        synchronized (latencies) {
          return new Latency(List.copyOf(latencies), sent, rate, outOfOrderness);
        }
      } finally {
        BenchCluster.cancel(job);
      }
    } finally {
      BenchCluster.deleteScratch(checkpoints);
    }
  }

  private static JobClient start(BenchCluster cluster, KafkaSettings kafkaSettings, ProbityConfig config,
      int parallelism, Path checkpoints, Duration outOfOrderness, Duration idleness) throws Exception {
    RunCommand.Settings settings = new RunCommand.Settings(kafkaSettings, config, CHECKPOINT_INTERVAL,
        checkpoints.toUri().toString(), outOfOrderness, idleness, JobEnvironment.StateBackend.HASHMAP, parallelism,
        false);
    RunCommand.preflight(settings);
    cluster.useFor(parallelism);
    StreamExecutionEnvironment env = RunCommand.environment(settings);
    RunCommand.defineWorkflow(env, settings);
    return env.executeAsync("probity bench end-to-end " + (kafkaSettings.exactlyOnce() ? "exactly-once"
        : "at-least-once"));
  }

  /** {@code own}'s output topics and group, reading the event topics of {@code loaded}. */
  private static KafkaSettings readingEventsOf(KafkaSettings own, KafkaSettings loaded) {
    return new KafkaSettings(own.bootstrapServers(), own.groupId(), new EnumMap<>(loaded.eventTopics()),
        own.alertsTopic(), own.unitStatusTopic(), own.deadLetterTopic(), own.exactlyOnce(),
        own.transactionalIdPrefix(), own.transactionTimeout());
  }

  private static long eventsCounted(JobClient job) throws Exception {
    if (job.getJobStatus().get().isGloballyTerminalState()) {
      job.getJobExecutionResult().get();
      throw new IllegalStateException("the job ended: " + job.getJobStatus().get());
    }
    Object n = job.getAccumulators().get().get(SplitDeadLetters.EVENTS);
    return n == null ? 0 : ((Number) n).longValue();
  }

  private static void awaitCounted(JobClient job, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (eventsCounted(job) < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the job did not read the " + expected + " events sent");
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static void awaitCheckpointsCompleted(BenchCluster cluster, JobClient job, int more) throws Exception {
    long target = completedCheckpoints(cluster, job) + more;
    long deadline = System.nanoTime() + CHECKPOINT_INTERVAL.toNanos() * (more + 6);
    while (completedCheckpoints(cluster, job) < target) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no checkpoint completed in time");
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
  }

  private static long completedCheckpoints(BenchCluster cluster, JobClient job) throws Exception {
    return cluster.miniCluster().getExecutionGraph(job.getJobID()).get().getCheckpointStatsSnapshot().getCounts()
        .getNumberOfCompletedCheckpoints();
  }

  /** Sends events from the start of the mix, restamped with the wall clock, at {@code rate} per second. */
  private static long produceAtRate(Workload w, KafkaSettings settings, double rate, int seconds,
      Map<String, Long> sentAt) throws IOException {
    EncodedEvents events = w.events();
    long count = Math.min(events.size(), (long) (rate * seconds));
    Map<EventStream, SingleObjectCodec<SpecificRecordBase>> codecs = new EnumMap<>(EventStream.class);
    long started = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaBench.producerProperties(settings.bootstrapServers()))) {
      for (int i = 0; i < count; i++) {
        long due = started + (long) (i * 1e9 / rate);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        EventStream stream = events.stream(i);
        SingleObjectCodec<SpecificRecordBase> codec = codecs.computeIfAbsent(stream, EndToEndRun::codec);
        SpecificRecordBase event = codec.decode(events.value(i));
        event.put("eventTime", Instant.now());
        sentAt.put(event.get("eventId").toString(), System.nanoTime());
        producer.send(new ProducerRecord<>(settings.topic(stream), events.key(i), codec.encode(event)));
      }
      producer.flush();
    }
    return count;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static SingleObjectCodec<SpecificRecordBase> codec(EventStream stream) {
    return (SingleObjectCodec) SingleObjectCodec.of(stream.recordClass());
  }

  private static void readAlerts(KafkaSettings settings, Map<String, Long> sentAt, List<Double> latencies,
      AtomicBoolean stop) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
    SingleObjectCodec<Alert> alerts = SingleObjectCodec.of(Alert.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < KafkaBench.PARTITIONS; p++) {
        partitions.add(new TopicPartition(settings.alertsTopic(), p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long received = System.nanoTime();
          Alert alert;
          try {
            alert = alerts.decode(r.value());
          } catch (IOException e) {
            throw new UncheckedIOException("an alert the job wrote does not decode", e);
          }
          long trigger = Long.MIN_VALUE;
          for (String eventId : alert.getEvidence()) {
            Long t = sentAt.get(eventId);
            if (t != null) {
              trigger = Math.max(trigger, t);
            }
          }
          if (trigger != Long.MIN_VALUE) {
            synchronized (latencies) {
              latencies.add((received - trigger) / 1e6);
            }
          }
        }
      }
    }
  }
}
