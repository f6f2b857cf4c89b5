package org.probity.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.probity.connectors.kafka.KafkaTestSupport.assertFinishedWithoutRestart;
import static org.probity.connectors.kafka.KafkaTestSupport.producer;
import static org.probity.connectors.kafka.KafkaTestSupport.readCommitted;
import static org.probity.connectors.kafka.KafkaTestSupport.strictJobConfiguration;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.FlinkTestCluster;
import org.probity.connectors.TestEvents;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.DeadLetter;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Issue 15 on a real broker and a MiniCluster with restarts disabled: a record as large as the
 * broker accepts (about 1 MB) is poison; its dead letter used to carry it whole plus the
 * coordinates, over the producer's max.request.size, and the job failed (in production: restarted
 * forever). And a dead letter the broker itself refuses must not stop the job either.
 */
class KafkaDeadLetterSizeTest {
  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension(METRICS.addToConfiguration(new Configuration()));

  @TempDir
  static Path kafkaDir;

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start(kafkaDir);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aMegabytePoisonRecordGetsADeadLetterThatFitsAndTheGoodRecordsStillFlow(
      @InjectMiniCluster MiniCluster miniCluster) throws Exception {
    KafkaSettings settings = KafkaSettings.defaults(kafka.bootstrapServers()).withGroupId("size-test");
    kafka.createTopics(settings, 1);
    String topic = settings.topic(EventStream.PROCUREMENT);
    // As large as the default producer and broker take: value + record and batch overhead < 1 MiB.
    byte[] poison = new byte[1_048_400];
    Arrays.fill(poison, (byte) 'x');
    List<ProcurementEvent> good = new ArrayList<>();
    long poisonOffset;
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
      SingleObjectCodec<ProcurementEvent> codec = SingleObjectCodec.of(ProcurementEvent.class);
      for (int i = 0; i < 10; i++) {
        good.add(TestEvents.order("r-" + i, 100L + i));
        send(producer, topic, codec.encode(good.get(i)));
      }
      poisonOffset = send(producer, topic, poison).offset();
      for (int i = 10; i < 20; i++) {
        good.add(TestEvents.order("r-" + i, 100L + i));
        send(producer, topic, codec.encode(good.get(i)));
      }
    }

    List<Ingested> events = run(settings, "megabyte poison", miniCluster);

    assertThat(events).extracting(Ingested::event).containsExactlyInAnyOrderElementsOf(good);
    List<ConsumerRecord<byte[], byte[]>> dead =
        readCommitted(kafka.bootstrapServers(), settings.deadLetterTopic(), 1, Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).serializedValueSize()).isLessThan(DeadLetterSink.DEFAULT_MAX_REQUEST_SIZE);
    DeadLetter d = SingleObjectCodec.of(DeadLetter.class).decode(dead.get(0).value());
    assertThat(d.getSourceTopic()).isEqualTo(topic);
    assertThat(d.getSourcePartition()).isZero();
    assertThat(d.getSourceOffset()).isEqualTo(poisonOffset);
    assertThat(d.getError()).startsWith("cannot decode ProcurementEvent");
    assertThat(d.getRawLength()).isEqualTo(poison.length);
    assertThat(d.getRawSha256()).isEqualTo(sha256(poison));
    assertThat(d.getRaw()).isEqualTo(ByteBuffer.wrap(Arrays.copyOf(poison, org.probity.connectors.ingest.IngestLimits.DEFAULT_RAW_LIMIT)));
  }

  /**
   * The dead-letter topic takes at most 10,000 bytes a record, so the broker refuses a dead letter
   * with 64 KiB of raw bytes: it is logged and counted, and the job goes on and finishes.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aDeadLetterTheBrokerRefusesIsCountedAndTheJobGoesOn(@InjectMiniCluster MiniCluster miniCluster)
      throws Exception {
    KafkaSettings defaults = KafkaSettings.defaults(kafka.bootstrapServers());
    KafkaSettings settings = new KafkaSettings(defaults.bootstrapServers(), "refused-test",
        Map.of(EventStream.PROCUREMENT, "refused.procurement"), defaults.alertsTopic(), defaults.unitStatusTopic(),
        "refused.deadletter", false, "refused", defaults.transactionTimeout());
    try (var admin = kafka.admin()) {
      admin.createTopics(List.of(new NewTopic("refused.procurement", 1, (short) 1),
          new NewTopic("refused.deadletter", 1, (short) 1).configs(Map.of("max.message.bytes", "10000"))))
          .all().get();
    }
    byte[] poison = new byte[200_000];
    Arrays.fill(poison, (byte) 'y');
    byte[] smallPoison = "small poison".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<ProcurementEvent> good = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
      SingleObjectCodec<ProcurementEvent> codec = SingleObjectCodec.of(ProcurementEvent.class);
      for (int i = 0; i < 10; i++) {
        good.add(TestEvents.order("r-" + i, 100L + i));
        send(producer, "refused.procurement", codec.encode(good.get(i)));
        if (i == 3) {
          send(producer, "refused.procurement", poison);
        }
        if (i == 6) {
          send(producer, "refused.procurement", smallPoison);
        }
      }
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(strictJobConfiguration());
    env.setParallelism(1);
    JobClient job = null;
    List<Ingested> events = new ArrayList<>();
    DataStream<Ingested> ingested = env.fromSource(
        KafkaConnectors.eventSource(settings, EventStream.PROCUREMENT, TestEvents.decoder(),
            OffsetsInitializer.latest()),
        KafkaConnectors.watermarks(Duration.ofSeconds(5), Duration.ofSeconds(30)), "procurement");
    ingested.filter(Ingested::isDeadLetter).map(in -> in.deadLetter).returns(TypeInformation.of(DeadLetter.class))
        .sinkTo(KafkaConnectors.deadLetterSink(settings)).name("dead-letter sink");
    try (CloseableIterator<Ingested> out = ingested.filter(in -> !in.isDeadLetter()).collectAsync()) {
      job = env.executeAsync("refused dead letter");
      out.forEachRemaining(events::add);
    }
    job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
    assertFinishedWithoutRestart(miniCluster, job.getJobID());

    assertThat(events).extracting(Ingested::event).containsExactlyInAnyOrderElementsOf(good);
    assertThat(counter(job, "deadLettersRefused")).isEqualTo(1);
    assertThat(counter(job, "deadLettersWritten")).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> dead =
        readCommitted(kafka.bootstrapServers(), "refused.deadletter", 1, Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    assertThat(SingleObjectCodec.of(DeadLetter.class).decode(dead.get(0).value()).getRaw())
        .isEqualTo(ByteBuffer.wrap(smallPoison));
  }

  private List<Ingested> run(KafkaSettings settings, String name, MiniCluster miniCluster) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(strictJobConfiguration());
    env.setParallelism(1);
    DataStream<Ingested> ingested = env.fromSource(
        KafkaConnectors.eventSource(settings, EventStream.PROCUREMENT, TestEvents.decoder(),
            OffsetsInitializer.latest()),
        KafkaConnectors.watermarks(Duration.ofSeconds(5), Duration.ofSeconds(30)), "procurement");
    ingested.filter(Ingested::isDeadLetter).map(in -> in.deadLetter).returns(TypeInformation.of(DeadLetter.class))
        .sinkTo(KafkaConnectors.deadLetterSink(settings)).name("dead-letter sink");
    List<Ingested> events = new ArrayList<>();
    JobClient job;
    try (CloseableIterator<Ingested> out = ingested.filter(in -> !in.isDeadLetter()).collectAsync()) {
      job = env.executeAsync(name);
      out.forEachRemaining(events::add);
    }
    job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
    assertFinishedWithoutRestart(miniCluster, job.getJobID());
    return events;
  }

  private static long counter(JobClient job, String name) {
    long sum = 0;
    for (Map.Entry<String, Metric> e : METRICS.findMetrics(job.getJobID(), name).entrySet()) {
      if (e.getKey().endsWith("." + name) && e.getValue() instanceof Counter c) {
        sum += c.getCount();
      }
    }
    return sum;
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value)
      throws Exception {
    return producer.send(new ProducerRecord<>(topic, 0, null, value)).get(30, TimeUnit.SECONDS);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
