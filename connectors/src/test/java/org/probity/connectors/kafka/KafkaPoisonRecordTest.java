package org.probity.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.probity.connectors.kafka.KafkaTestSupport.assertFinishedWithoutRestart;
import static org.probity.connectors.kafka.KafkaTestSupport.producer;
import static org.probity.connectors.kafka.KafkaTestSupport.readCommitted;
import static org.probity.connectors.kafka.KafkaTestSupport.strictJobConfiguration;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
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
import org.probity.connectors.ingest.IngestDecoder;
import org.probity.connectors.ingest.Ingested;
import org.probity.schema.DeadLetter;
import org.probity.schema.PaymentEvent;
import org.probity.schema.ProcurementAction;
import org.probity.schema.ProcurementEvent;
import org.probity.schema.codec.SingleObjectCodec;

/**
 * Poison records on a real broker, read by the real Kafka source on a Flink MiniCluster with
 * restarts disabled: every good event comes out exactly once, every bad record lands on the
 * dead-letter topic exactly once with its coordinates and raw bytes, and the job finishes.
 */
class KafkaPoisonRecordTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = FlinkTestCluster.extension();

  @TempDir
  static Path kafkaDir;

  private static EmbeddedKafka kafka;
  private static KafkaSettings settings;

  @BeforeAll
  static void startKafka() throws Exception {
    kafka = EmbeddedKafka.start(kafkaDir);
    settings = KafkaSettings.defaults(kafka.bootstrapServers()).withGroupId("poison-test");
    kafka.createTopics(settings, 2);
  }

  @AfterAll
  static void stopKafka() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** A record put on a topic: where it landed and what it was. */
  record Sent(String topic, int partition, long offset, byte[] value, String reason, String eventId) {
    String key() {
      return topic + "-" + partition + "-" + offset;
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void poisonRecordsBecomeDeadLettersAndTheJobFinishesWithoutARestart(@InjectMiniCluster MiniCluster miniCluster)
      throws Exception {
    String procurement = settings.topic(EventStream.PROCUREMENT);
    String payments = settings.topic(EventStream.PAYMENT);
    SingleObjectCodec<ProcurementEvent> procurementCodec = SingleObjectCodec.of(ProcurementEvent.class);
    SingleObjectCodec<PaymentEvent> paymentCodec = SingleObjectCodec.of(PaymentEvent.class);

    List<SpecificRecordBase> good = new ArrayList<>();
    List<Sent> poison = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
      for (int i = 0; i < 60; i++) {
        ProcurementEvent event = TestEvents.order("r-" + i, 10_000L + i);
        good.add(event);
        send(producer, procurement, i % 2, procurementCodec.encode(event), null, null);
        if (i % 20 == 0) {
          PaymentEvent payment = TestEvents.signedPayment("p-" + i);
          good.add(payment);
          send(producer, payments, (i / 20) % 2, paymentCodec.encode(payment), null, null);
        }
        switch (i) {
          case 3 -> poison.add(send(producer, procurement, 0,
              "definitely not avro".getBytes(StandardCharsets.UTF_8), "cannot decode ProcurementEvent", null));
          case 7 -> poison.add(send(producer, procurement, 1,
              TestEvents.withUnknownFingerprint(procurementCodec.encode(TestEvents.order("x-fp", 1L))),
              "unknown schema fingerprint", null));
          case 11 -> poison.add(send(producer, procurement, 0,
              paymentCodec.encode(TestEvents.signedPayment("x-other-stream")), "unknown schema fingerprint", null));
          case 15 -> {
            byte[] valid = procurementCodec.encode(TestEvents.order("x-trunc", 1L));
            poison.add(send(producer, procurement, 1, Arrays.copyOf(valid, valid.length - 5),
                "cannot decode ProcurementEvent", null));
          }
          case 19 -> poison.add(send(producer, procurement, 0,
              TestEvents.claimingLength(procurementCodec.encode(TestEvents.order("x-huge", 1L)),
                  Integer.MAX_VALUE - 16),
              "truncated or corrupt body", null));
          case 23 -> poison.add(send(producer, procurement, 1, new byte[0], "empty record", null));
          case 27 -> poison.add(send(producer, procurement, 0, null, "empty record", null));
          case 31 -> poison.add(send(producer, procurement, 1,
              procurementCodec.encode(TestEvents.order("x-negative", -500L)),
              "field 'amountFen' is negative: -500", "x-negative"));
          case 35 -> {
            ProcurementEvent old = TestEvents.order("x-1970", 1L);
            old.setEventTime(Instant.ofEpochSecond(1_759_107_600L / 1000));
            poison.add(send(producer, procurement, 0, procurementCodec.encode(old),
                "field 'eventTime' is out of range", "x-1970"));
          }
          case 39 -> {
            ProcurementEvent bid = TestEvents.order("x-bid", 1L);
            bid.setAction(ProcurementAction.BID_SUBMITTED);
            poison.add(send(producer, procurement, 1, procurementCodec.encode(bid),
                "missing field 'bidderId' required on BID_SUBMITTED", "x-bid"));
          }
          case 43 -> poison.add(send(producer, payments, 0,
              new byte[] {(byte) 0xC3, 0x01, 1, 2}, "cannot decode PaymentEvent", null));
          case 47 -> {
            PaymentEvent unsigned = TestEvents.signedPayment("x-unsigned");
            unsigned.setSignerId(null);
            poison.add(send(producer, payments, 1, paymentCodec.encode(unsigned),
                "missing field 'signerId' required on SIGNED", "x-unsigned"));
          }
          case 51 -> {
            PaymentEvent future = TestEvents.signedPayment("x-2200");
            future.setEventTime(Instant.parse("2200-01-01T00:00:00Z"));
            poison.add(send(producer, payments, 0, paymentCodec.encode(future),
                "field 'eventTime' is out of range", "x-2200"));
          }
          default -> { }
        }
      }
      producer.flush();
    }
    assertThat(poison).hasSize(13);
    assertThat(good).hasSize(63);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(strictJobConfiguration());
    env.setParallelism(2);
    IngestDecoder decoder = TestEvents.decoder();
    WatermarkStrategy<Ingested> watermarks = KafkaConnectors.watermarks(Duration.ofSeconds(5), Duration.ofSeconds(30));
    DataStream<Ingested> ingested = env
        .fromSource(KafkaConnectors.eventSource(settings, EventStream.PROCUREMENT, decoder, OffsetsInitializer.latest()),
            watermarks, "procurement")
        .union(env.fromSource(
            KafkaConnectors.eventSource(settings, EventStream.PAYMENT, decoder, OffsetsInitializer.latest()),
            watermarks, "payments"));
    ingested.filter(Ingested::isDeadLetter).name("dead letters")
        .map(in -> in.deadLetter).returns(TypeInformation.of(DeadLetter.class))
        .sinkTo(KafkaConnectors.deadLetterSink(settings)).name("dead-letter sink");
    List<Ingested> events = new ArrayList<>();
    JobClient job;
    try (CloseableIterator<Ingested> out = ingested.filter(in -> !in.isDeadLetter()).name("events").collectAsync()) {
      job = env.executeAsync("poison records");
      out.forEachRemaining(events::add);
    }
    job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
    assertFinishedWithoutRestart(miniCluster, job.getJobID());

    // Every good event exactly once, intact.
    assertThat(events).extracting(Ingested::eventId).doesNotHaveDuplicates();
    assertThat(events).extracting(Ingested::event).containsExactlyInAnyOrderElementsOf(good);

    // Every poison record exactly once on the dead-letter topic, where it came from and as it was.
    List<ConsumerRecord<byte[], byte[]>> deadRecords =
        readCommitted(kafka.bootstrapServers(), settings.deadLetterTopic(), poison.size(), Duration.ofSeconds(30));
    SingleObjectCodec<DeadLetter> deadCodec = SingleObjectCodec.of(DeadLetter.class);
    Map<String, DeadLetter> byKey = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : deadRecords) {
      DeadLetter d = decode(deadCodec, r.value());
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(key).isEqualTo(KafkaConnectors.deadLetterKey(d));
      assertThat(byKey.put(key, d)).as("dead letter %s written twice", key).isNull();
    }
    Map<String, Sent> expected = new HashMap<>();
    poison.forEach(s -> expected.put(s.key(), s));
    assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    for (Sent s : poison) {
      DeadLetter d = byKey.get(s.key());
      assertThat(d.getSourceTopic()).isEqualTo(s.topic());
      assertThat(d.getSourcePartition()).isEqualTo(s.partition());
      assertThat(d.getSourceOffset()).isEqualTo(s.offset());
      assertThat(d.getLineNumber()).isNull();
      assertThat(d.getRaw()).as("raw bytes of %s", s.key())
          .isEqualTo(ByteBuffer.wrap(s.value() == null ? new byte[0] : s.value()));
      assertThat(d.getError()).as("reason for %s", s.key()).contains(s.reason());
      assertThat(d.getEventId()).isEqualTo(s.eventId());
      assertThat(d.getFailedAt()).isNotNull();
    }
  }

  /**
   * The control for the test above: under the same configuration a deserializer that throws on a
   * poison record fails the job, so "finished" there means no record ever threw.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aThrowingDeserializerWouldFailTheJob() throws Exception {
    String topic = "probity.throwing-control";
    try (var admin = kafka.admin()) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
      send(producer, topic, 0, SingleObjectCodec.of(ProcurementEvent.class).encode(TestEvents.order("r-1", 1L)),
          null, null);
      send(producer, topic, 0, "poison".getBytes(StandardCharsets.UTF_8), null, null);
    }
    KafkaSource<ProcurementEvent> throwing = KafkaSource.<ProcurementEvent>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setTopics(topic)
        .setGroupId("throwing-control")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .setValueOnlyDeserializer(new ThrowingDeserializer())
        .build();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(strictJobConfiguration());
    env.setParallelism(1);
    env.fromSource(throwing, WatermarkStrategy.noWatermarks(), "throwing").sinkTo(
        new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());

    assertThatThrownBy(() -> env.execute("throwing control"))
        .hasRootCauseInstanceOf(org.apache.avro.message.BadHeaderException.class);
  }

  /** What a naive deserializer does: decode, and throw on what does not decode. */
  private static final class ThrowingDeserializer extends AbstractDeserializationSchema<ProcurementEvent> {
    private static final long serialVersionUID = 1L;
    private final SingleObjectCodec<ProcurementEvent> codec = SingleObjectCodec.of(ProcurementEvent.class);

    ThrowingDeserializer() {
      super(ProcurementEvent.class);
    }

    @Override
    public ProcurementEvent deserialize(byte[] message) throws IOException {
      return codec.decode(message);
    }
  }

  private static Sent send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] value,
      String reason, String eventId) throws Exception {
    RecordMetadata m = producer.send(new ProducerRecord<>(topic, partition, null, value)).get(30, TimeUnit.SECONDS);
    return new Sent(topic, m.partition(), m.offset(), value, reason, eventId);
  }

  private static DeadLetter decode(SingleObjectCodec<DeadLetter> codec, byte[] bytes) {
    try {
      return codec.decode(bytes);
    } catch (IOException e) {
      throw new AssertionError("the dead-letter topic holds a record that is not a DeadLetter", e);
    }
  }
}
