package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.json.AvroJson;
import org.probity.connectors.kafka.EmbeddedKafka;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.ingest.TopicReader;
import org.probity.console.store.ConsoleStore;
import org.probity.schema.Alert;
import org.probity.schema.AlertStatus;
import org.probity.schema.ApprovalAction;
import org.probity.schema.Severity;

/** The Kafka reader on a real broker: a record the store refuses is skipped, and ingestion goes on. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  static Path tmp;

  private EmbeddedKafka kafka;

  @BeforeAll
  void start() throws Exception {
    kafka = EmbeddedKafka.start(Files.createTempDirectory(tmp, "kafka"));
    TestPostgres.acquire();
  }

  @AfterAll
  void stop() throws Exception {
    TestPostgres.release();
    kafka.close();
  }

  interface Stores {
    ConsoleStore open() throws Exception;
  }

  Stream<Object[]> stores() {
    return Stream.of(
        new Object[] {"h2", (Stores) () -> ConsoleStore.open(ConsoleSettings.h2Url(Files.createTempDirectory(tmp, "h2")),
            "", "")},
        new Object[] {"postgresql", (Stores) () -> ConsoleStore.open(TestPostgres.newDatabase("ingest_poison"),
            TestPostgres.user(), "")});
  }

  private KafkaSettings topics(String prefix) throws Exception {
    KafkaSettings d = KafkaSettings.defaults(kafka.bootstrapServers());
    var events = new java.util.EnumMap<EventStream, String>(EventStream.class);
    d.eventTopics().forEach((s, t) -> events.put(s, prefix + "." + t));
    KafkaSettings k = new KafkaSettings(d.bootstrapServers(), d.groupId(), events, prefix + "." + d.alertsTopic(),
        prefix + "." + d.unitStatusTopic(), prefix + "." + d.deadLetterTopic(), d.exactlyOnce(),
        d.transactionalIdPrefix(), d.transactionTimeout());
    kafka.createTopics(k, 1);
    return k;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stores")
  void aRecordTheStoreRefusesIsSkippedAndIngestionGoesOn(String name, Stores stores) throws Exception {
    KafkaSettings k = topics("poison-" + name);
    String id250 = "EAP-" + "x".repeat(246);
    String id1000 = "EAP-" + "y".repeat(996);
    Alert longUnit = County.overdue("U".repeat(1000), "XK-LONG", Severity.NOTICE, AlertStatus.RAISED,
        County.MONDAY, "");
    Alert good = County.overdue("U07", "XK-GOOD", Severity.NOTICE, AlertStatus.RAISED, County.MONDAY, "", "ev-after");
    try (County county = new County(k)) {
      county.event(approval("ev-before"));
      county.event(approval(id250));            // the eventId: within the columns now
      county.event(approval(id1000));           // longer than any column: refused by both databases
      county.event(approval("ev-\u0000-nul"));  // PostgreSQL text cannot hold NUL; H2 stores it
      county.event(approval("ev-after"));
      county.alert(longUnit);
      county.alert(good);
      county.flush();
    }
    long refusedExpected = name.equals("postgresql") ? 3 : 2;
    try (ConsoleStore store = stores.open()) {
      TopicReader reader = new TopicReader(k, store, 1000, new AvroJson(County.ZONE), (a, s) -> {},
          Clock.systemUTC());
      reader.start();
      try {
        Poll.until(WAIT, "the records after the refused ones are stored", () -> reader.status().caughtUp()
            && store.alert(good.getAlertId()).isPresent() && !store.events(List.of("ev-after")).isEmpty());
        assertThat(store.events(List.of("ev-before", id250, id1000, "ev-after")).keySet())
            .containsExactlyInAnyOrder("ev-before", id250, "ev-after");
        assertThat(store.alert(longUnit.getAlertId())).isEmpty();
        assertThat(reader.status().refused()).isEqualTo(refusedExpected);
        assertThat(store.offsets()).as("committed past the refused records, so a restart does not read them again")
            .containsEntry(new TopicPartition(k.topic(EventStream.APPROVAL), 0), 5L)
            .containsEntry(new TopicPartition(k.alertsTopic(), 0), 2L);
      } finally {
        reader.close();
      }
    }
  }

  private static org.probity.schema.ApprovalEvent approval(String eventId) {
    return County.approval(eventId, "U07", "XK-1", "ITEM-1", ApprovalAction.RECEIVED, "U07-A1", "CLERK",
        County.MONDAY);
  }
}
