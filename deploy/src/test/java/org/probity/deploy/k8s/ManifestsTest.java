package org.probity.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.Test;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.jobs.cli.ProbityJob;

/**
 * {@code deploy/k8s/} and the Grafana dashboard, checked without a cluster: the structure the
 * Flink Kubernetes Operator, Kubernetes and Strimzi read, every {@code flinkConfiguration} key one
 * Flink 2.2 knows (and not a deprecated spelling), the job's arguments parsed by the job's own
 * command line, the image's jar where {@code jarURI} points, the topics the contract's, and every
 * series the dashboard queries one that Probity or Flink reports.
 */
public class ManifestsTest {
  private static final Path K8S = Path.of("k8s");
  private static final ObjectMapper YAML = new YAMLMapper();

  static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(K8S.resolve(file).toFile())) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      it.forEachRemaining(d -> {
        if (d != null && !d.isEmpty()) {
          docs.add(d);
        }
      });
    }
    return docs;
  }

  @Test
  void theFlinkDeploymentIsWhatTheOperatorAndFlink22Read() throws Exception {
    JsonNode d = documents("flink-deployment.yaml").get(0);
    assertThat(d.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
    assertThat(d.path("kind").asText()).isEqualTo("FlinkDeployment");
    JsonNode spec = d.path("spec");
    String[] version = EnvironmentInformation.getVersion().split("\\.");
    assertThat(spec.path("flinkVersion").asText()).isEqualTo("v" + version[0] + "_" + version[1]);
    assertThat(spec.path("serviceAccount").asText()).isEqualTo(
        documents("namespace.yaml").get(1).path("metadata").path("name").asText());

    JsonNode job = spec.path("job");
    assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
    assertThat(job.path("state").asText()).isEqualTo("running");
    assertThat(Class.forName(job.path("entryClass").asText())).isEqualTo(ProbityJob.class);
    assertThat(job.path("parallelism").asInt()).isPositive();
    List<String> args = StreamSupport.stream(job.path("args").spliterator(), false).map(JsonNode::asText).toList();
    // The job's own parser: an option that does not exist or a bad value fails here, not in a pod.
    ProbityJob.commandLine(System.err).parseArgs(args.toArray(String[]::new));

    // The image puts the jar where jarURI points, on the Flink release this build uses.
    String dockerfile = Files.readString(K8S.resolve("Dockerfile"));
    assertThat(dockerfile).contains("FROM flink:" + EnvironmentInformation.getVersion() + "-java17\n");
    Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
    assertThat(copy.find()).isTrue();
    assertThat(copy.group(1)).matches("jobs/target/probity-jobs-.+-job\\.jar");
    assertThat(URI.create(job.path("jarURI").asText())).isEqualTo(URI.create("local://" + copy.group(2)));

    Map<String, String> conf = new java.util.TreeMap<>();
    spec.path("flinkConfiguration").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
    Set<String> known = new HashSet<>();
    Set<String> deprecated = new HashSet<>();
    flinkOptions(known, deprecated);
    for (String key : conf.keySet()) {
      boolean prefixed = key.startsWith("metrics.reporter.prom.") || key.startsWith("s3.");
      assertThat(deprecated).as("deprecated spelling " + key).doesNotContain(key);
      assertThat(prefixed || known.contains(key)).as("a Flink 2.2 option: " + key).isTrue();
    }
    // What upgradeMode savepoint, HA and the reporter need.
    assertThat(conf).containsKeys("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
        "high-availability.storageDir");
    assertThat(conf).containsEntry("high-availability.type", "kubernetes")
        .containsEntry("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    assertThat(Class.forName(conf.get("metrics.reporter.prom.factory.class"))).isNotNull();
    // The operator's savepoints and checkpoints land where probity run resumes from (CHECKPOINT_DIR/JOB_NAME/…).
    URI base = URI.create(args.get(args.indexOf("--checkpoint-dir") + 1));
    assertThat(conf.get("execution.checkpointing.savepoint-dir"))
        .isEqualTo(org.probity.jobs.cli.RetainedState.savepoints(base, "probity"));
    assertThat(conf.get("execution.checkpointing.dir")).isEqualTo(org.probity.jobs.cli.RetainedState.checkpoints(base, "probity"));

    for (String side : List.of("jobManager", "taskManager")) {
      assertThat(spec.path(side).path("resource").path("memory").asText()).as(side).matches("\\d+[mg]");
      assertThat(spec.path(side).path("resource").path("cpu").asDouble()).as(side).isPositive();
    }
    JsonNode container = spec.path("podTemplate").path("spec").path("containers").get(0);
    assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
    assertThat(container.path("ports").get(0).path("containerPort").asText())
        .isEqualTo(conf.get("metrics.reporter.prom.port"));
  }

  /** Every ConfigOption of Flink's option classes on this classpath: its key, and its deprecated keys. */
  private static void flinkOptions(Set<String> known, Set<String> deprecated) throws Exception {
    for (String name : List.of("CheckpointingOptions", "StateRecoveryOptions", "HighAvailabilityOptions",
        "MetricOptions", "RestartStrategyOptions", "TaskManagerOptions", "JobManagerOptions", "StateBackendOptions",
        "CoreOptions", "RestOptions", "PipelineOptions", "ExecutionOptions", "SecurityOptions")) {
      for (Field f : Class.forName("org.apache.flink.configuration." + name).getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && ConfigOption.class.isAssignableFrom(f.getType())) {
          ConfigOption<?> o = (ConfigOption<?>) f.get(null);
          if (f.isAnnotationPresent(Deprecated.class)) {
            deprecated.add(o.key());
          } else {
            known.add(o.key());
          }
          for (FallbackKey k : o.fallbackKeys()) {
            (k.isDeprecated() ? deprecated : known).add(k.getKey());
          }
        }
      }
    }
    deprecated.removeAll(known);
  }

  @Test
  void theConsoleServiceReachesItsDeployment() throws Exception {
    List<JsonNode> docs = documents("console.yaml");
    JsonNode deployment = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
    JsonNode service = docs.stream().filter(d -> d.path("kind").asText().equals("Service")).findFirst().orElseThrow();
    assertThat(deployment.path("apiVersion").asText()).isEqualTo("apps/v1");
    JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
    assertThat(deployment.path("spec").path("selector").path("matchLabels")).isEqualTo(labels);
    assertThat(service.path("spec").path("selector")).isEqualTo(labels);
    JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
    Set<String> ports = StreamSupport.stream(container.path("ports").spliterator(), false)
        .map(p -> p.path("name").asText()).collect(Collectors.toSet());
    assertThat(ports).contains(service.path("spec").path("ports").get(0).path("targetPort").asText());
    List<String> args = StreamSupport.stream(container.path("args").spliterator(), false).map(JsonNode::asText).toList();
    assertThat(args.get(args.indexOf("--port") + 1)).isEqualTo(container.path("ports").get(0).path("containerPort").asText());
    String mount = container.path("volumeMounts").get(0).path("mountPath").asText();
    assertThat(args.get(args.indexOf("--config") + 1)).startsWith(mount + "/");
  }

  @Test
  void theTopicsAreTheContractsWithUnitStatusAndRulesCompacted() throws Exception {
    KafkaSettings contract = KafkaSettings.defaults("unused:9092");
    String rules = org.probity.jobs.versions.RulesTopic.DEFAULT;
    Set<String> wanted = new TreeSet<>(contract.eventTopics().values());
    wanted.addAll(List.of(contract.alertsTopic(), contract.unitStatusTopic(), contract.deadLetterTopic(), rules));
    Set<String> got = new TreeSet<>();
    for (JsonNode t : documents("kafka-topics.yaml")) {
      assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
      assertThat(t.path("kind").asText()).isEqualTo("KafkaTopic");
      assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).isNotBlank();
      JsonNode spec = t.path("spec");
      assertThat(spec.path("partitions").asInt()).isPositive();
      assertThat(spec.path("replicas").asInt()).isPositive();
      String name = spec.path("topicName").asText();
      got.add(name);
      String policy = spec.path("config").path("cleanup.policy").asText("delete");
      assertThat(policy).as(name).isEqualTo(name.equals(contract.unitStatusTopic()) || name.equals(rules)
          ? "compact" : "delete");
    }
    assertThat(got).isEqualTo(wanted);
  }

  /** The series Probity reports, by the names the Prometheus reporter gives them. */
  public static final Set<String> PROBITY_SERIES = Set.of(
      "flink_taskmanager_job_task_operator_rule_reason_status_" + org.probity.jobs.pipeline.AlertMetrics.ALERTS,
      "flink_taskmanager_job_task_operator_" + org.probity.jobs.pipeline.AlertMetrics.LAG,
      "flink_taskmanager_job_task_operator_reason_" + org.probity.connectors.kafka.DeadLetterSink.BY_REASON,
      "flink_taskmanager_job_task_operator_" + org.probity.connectors.kafka.DeadLetterSink.REFUSED,
      "flink_taskmanager_job_task_operator_duplicateEvents",
      "flink_taskmanager_job_task_operator_conflictingDuplicates",
      "flink_taskmanager_job_task_operator_lateEvents",
      "flink_taskmanager_job_task_operator_lateEventsOfEndedSubjects",
      "flink_taskmanager_job_task_operator_openSubjects");

  /** Flink's own series the dashboard shows (Flink's metrics documentation; the connector's lag metrics). */
  public static final Set<String> FLINK_SERIES = Set.of("flink_jobmanager_job_lastCheckpointDuration",
      "flink_jobmanager_job_lastCheckpointSize", "flink_jobmanager_job_lastCheckpointFullSize",
      "flink_jobmanager_job_numRestarts", "flink_taskmanager_job_task_backPressuredTimeMsPerSecond",
      "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
      "flink_taskmanager_job_task_operator_pendingRecords");

  @Test
  void theDashboardQueriesSeriesThatExist() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Path.of("grafana", "probity-dashboard.json").toFile());
    assertThat(dashboard.path("uid").asText()).isNotBlank();
    Set<String> queried = new TreeSet<>();
    Pattern series = Pattern.compile("flink_[A-Za-z0-9_]+");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
      for (JsonNode target : panel.path("targets")) {
        Matcher m = series.matcher(target.path("expr").asText());
        while (m.find()) {
          queried.add(m.group());
        }
      }
    }
    // The reference-data gap panel selects its series by a name pattern (referenceGap*).
    queried.removeIf(s -> s.equals("flink_taskmanager_job_task_operator_"));
    for (String s : queried) {
      assertThat(PROBITY_SERIES.contains(s) || FLINK_SERIES.contains(s)).as("a reported series: " + s).isTrue();
    }
    assertThat(queried).containsAll(PROBITY_SERIES).containsAll(FLINK_SERIES);
  }
}
