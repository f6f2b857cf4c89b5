package org.probity.deploy.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Flink 2.2 standalone session cluster from Maven jars (flink-dist is not published): a
 * JobManager and TaskManagers, each its own JVM, started the way Flink's own scripts start them —
 * {@code config.yaml} in {@code HOME/conf}, the JDK 17 module flags of {@code config.sh}, and the
 * TaskManager's memory and CPU options from {@code BashJavaUtils GET_TM_RESOURCE_PARAMS} as
 * {@code taskmanager.sh} computes them. The processes outlive the launcher that started them;
 * their ids are in {@code HOME/run}, their logs in {@code HOME/log}.
 */
public final class StandaloneCluster {
  /** {@code config.sh}'s JDK 17 flags: Flink reflects into these packages. */
  public static final List<String> MODULE_FLAGS = List.of(
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.math=ALL-UNNAMED");

  /**
   * Jars that must not be on the cluster's classpath: what the job jar brings itself (Probity, Kafka
   * and its connector, Avro and flink-avro, CEP, which no Flink distribution's lib/ has either) and
   * what only tests use. {@code org.apache.flink.*} loads parent-first, so flink-avro here would
   * serialize the job's Avro classes with this classpath's Avro, which does not know them as
   * specific records (every optional field then fails as null).
   */
  private static final Pattern NOT_FLINK = Pattern.compile("(probity-.*|kafka.*|flink-connector-kafka.*|avro-.*"
      + "|flink-avro-.*|flink-cep-.*|flink-table-.*|flink-test-utils.*|selenium.*|junit.*"
      + "|assertj.*|h2-.*|postgresql-.*|jetty.*|javalin.*)\\.jar");

  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the cluster is made of; {@code extra} are further {@code config.yaml} keys. */
  public record Options(int taskManagers, int slots, int restPort, String jobManagerMemory,
      String taskManagerMemory, int prometheusPort, Map<String, String> extra) {
    public static Options defaults() {
      return new Options(1, 2, 8081, "1024m", "1536m", 9249, Map.of());
    }

    public Options withTaskManagers(int n) {
      return new Options(n, slots, restPort, jobManagerMemory, taskManagerMemory, prometheusPort, extra);
    }

    public Options withSlots(int n) {
      return new Options(taskManagers, n, restPort, jobManagerMemory, taskManagerMemory, prometheusPort, extra);
    }

    public Options withRestPort(int p) {
      return new Options(taskManagers, slots, p, jobManagerMemory, taskManagerMemory, prometheusPort, extra);
    }

    public Options withTaskManagerMemory(String m) {
      return new Options(taskManagers, slots, restPort, jobManagerMemory, m, prometheusPort, extra);
    }

    public Options withPrometheusPort(int p) {
      return new Options(taskManagers, slots, restPort, jobManagerMemory, taskManagerMemory, p, extra);
    }

    public Options with(Map<String, String> more) {
      Map<String, String> all = new LinkedHashMap<>(extra);
      all.putAll(more);
      return new Options(taskManagers, slots, restPort, jobManagerMemory, taskManagerMemory, prometheusPort, all);
    }
  }

  private final Path home;
  private final List<String> classpath;
  /** BashJavaUtils' answers: they depend on the config only. */
  private final Map<String, List<String>> resourceParams = new java.util.HashMap<>();

  private StandaloneCluster(Path home, List<String> classpath) {
    this.home = home;
    this.classpath = classpath;
  }

  /** The cluster whose files are under {@code home} (started or not). */
  public static StandaloneCluster at(Path home) {
    return new StandaloneCluster(home.toAbsolutePath(), flinkClasspath());
  }

  public Path home() {
    return home;
  }

  public Path confDir() {
    return home.resolve("conf");
  }

  public Path logDir() {
    return home.resolve("log");
  }

  /** Writes {@code conf/config.yaml} and the log configurations. */
  public void configure(Options o) throws IOException {
    Files.createDirectories(confDir());
    Files.createDirectories(logDir());
    Files.createDirectories(home.resolve("run"));
    Map<String, String> c = new LinkedHashMap<>();
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", Integer.toString(freePort()));
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.host", "127.0.0.1");
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", Integer.toString(o.restPort() == 0 ? freePort() : o.restPort()));
    c.put("jobmanager.memory.process.size", o.jobManagerMemory());
    c.put("taskmanager.memory.process.size", o.taskManagerMemory());
    // State is on the heap (hashmap) unless --state-backend rocksdb: little managed memory.
    c.put("taskmanager.memory.managed.fraction", "0.1");
    c.put("taskmanager.numberOfTaskSlots", Integer.toString(o.slots()));
    c.put("parallelism.default", "1");
    c.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    // One port per process on this host: the JobManager takes the first, each TaskManager the next free one.
    c.put("metrics.reporter.prom.port", o.prometheusPort() + "-" + (o.prometheusPort() + 20));
    c.put("restart-strategy.type", "exponential-delay");
    c.putAll(o.extra());
    StringBuilder yaml = new StringBuilder("# Written by probity cluster start; see docs/operations.md.\n");
    c.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
    Files.writeString(confDir().resolve("config.yaml"), yaml);
    Files.writeString(confDir().resolve("log4j.properties"), PROCESS_LOG);
    Files.writeString(confDir().resolve("log4j-cli.properties"), CLIENT_LOG);
  }

  private static String quote(String v) {
    return v.matches("[A-Za-z0-9._:/+-]*") ? v : "'" + v.replace("'", "''") + "'";
  }

  /** The REST API and web UI of this cluster, from its config. */
  public URI restAddress() throws IOException {
    Map<String, String> conf = config();
    return URI.create("http://" + conf.get("rest.address") + ":" + conf.get("rest.port"));
  }

  /** The {@code key: value} lines of {@code config.yaml} (as this class writes them). */
  public Map<String, String> config() throws IOException {
    Path file = confDir().resolve("config.yaml");
    if (!Files.exists(file)) {
      throw new IOException("no cluster configured under " + home + " (probity cluster start)");
    }
    Map<String, String> conf = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int colon = line.indexOf(": ");
      if (!line.startsWith("#") && colon > 0) {
        String v = line.substring(colon + 2);
        conf.put(line.substring(0, colon), v.startsWith("'") ? v.substring(1, v.length() - 1).replace("''", "'") : v);
      }
    }
    return conf;
  }

  /** Starts the JobManager (in the background); its process id goes to {@code run/jobmanager.pid}. */
  public Process startJobManager() throws IOException, InterruptedException {
    List<String> params = resourceParams("GET_JM_RESOURCE_PARAMS");
    List<String> cmd = new ArrayList<>(java());
    cmd.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
    cmd.addAll(logFlags("jobmanager"));
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classpath),
        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--configDir", confDir().toString()));
    cmd.addAll(dynamicProperties(params.get(1)));
    return start("jobmanager", cmd);
  }

  /** Starts TaskManager {@code name} (e.g. {@code taskmanager-1}) in the background. */
  public Process startTaskManager(String name) throws IOException, InterruptedException {
    List<String> params = resourceParams("GET_TM_RESOURCE_PARAMS");
    List<String> cmd = new ArrayList<>(java());
    cmd.addAll(Arrays.asList(params.get(0).trim().split("\\s+")));
    cmd.addAll(logFlags(name));
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classpath),
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "--configDir", confDir().toString()));
    cmd.addAll(dynamicProperties(params.get(1)));
    // Its name in the web UI and REST API, so a start can wait for this one to register.
    cmd.addAll(List.of("-D", "taskmanager.resource-id=" + name));
    return start(name, cmd);
  }

  /** {@code -D key=value -D …} as BashJavaUtils prints them, as separate arguments. */
  private static List<String> dynamicProperties(String line) {
    return line.isBlank() ? List.of() : Arrays.asList(line.trim().split("\\s+"));
  }

  /**
   * The two lines {@code BashJavaUtils} computes from the config, as the scripts use them: the JVM's
   * memory flags, and the dynamic properties the process must be started with.
   */
  private List<String> resourceParams(String command) throws IOException, InterruptedException {
    List<String> known = resourceParams.get(command);
    if (known != null) {
      return known;
    }
    List<String> cmd = new ArrayList<>(java());
    cmd.addAll(List.of("-Xmx128m", "-Dlog4j2.configurationFile=" + confDir().resolve("log4j-cli.properties").toUri(),
        "-cp", String.join(File.pathSeparator, classpath), "org.apache.flink.runtime.util.bash.BashJavaUtils",
        command, "--configDir", confDir().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("BashJavaUtils " + command + " failed: " + out.strip());
    }
    List<String> results = out.lines().filter(l -> l.startsWith(RESULT_PREFIX))
        .map(l -> l.substring(RESULT_PREFIX.length())).toList();
    if (results.size() < 2) {
      throw new IOException("BashJavaUtils " + command + " printed no resource parameters: " + out.strip());
    }
    List<String> params = List.copyOf(results.subList(results.size() - 2, results.size()));
    resourceParams.put(command, params);
    return params;
  }

  private List<String> logFlags(String name) {
    return List.of("-Dlog.file=" + logDir().resolve(name + ".log"),
        "-Dlog4j2.configurationFile=" + confDir().resolve("log4j.properties").toUri(), "-XX:+UseSerialGC");
  }

  private Process start(String name, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir().resolve(name + ".out").toFile())).start();
    Files.writeString(home.resolve("run").resolve(name + ".pid"), Long.toString(p.pid()));
    return p;
  }

  /** The cluster's processes by name, as their pid files record them, alive or not. */
  public Map<String, Optional<ProcessHandle>> processes() throws IOException {
    Map<String, Optional<ProcessHandle>> found = new LinkedHashMap<>();
    Path run = home.resolve("run");
    if (!Files.isDirectory(run)) {
      return found;
    }
    try (Stream<Path> files = Files.list(run)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".pid")).sorted().toList()) {
        String name = f.getFileName().toString().replace(".pid", "");
        found.put(name, ProcessHandle.of(Long.parseLong(Files.readString(f).strip())).filter(ProcessHandle::isAlive));
      }
    }
    return found;
  }

  /** Stops every process of the cluster (TERM, then KILL after {@code grace}); returns how many were running. */
  public int stop(Duration grace) throws IOException, InterruptedException {
    int stopped = 0;
    Map<String, Optional<ProcessHandle>> all = processes();
    for (Optional<ProcessHandle> p : all.values()) {
      if (p.isPresent()) {
        p.get().destroy();
        stopped++;
      }
    }
    long deadline = System.nanoTime() + grace.toNanos();
    for (Optional<ProcessHandle> p : all.values()) {
      if (p.isPresent()) {
        long left = Math.max(1, deadline - System.nanoTime());
        try {
          p.get().onExit().get(left, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
          p.get().destroyForcibly();
        }
      }
    }
    for (String name : all.keySet()) {
      Files.deleteIfExists(home.resolve("run").resolve(name + ".pid"));
    }
    return stopped;
  }

  /** {@code GET /overview}: task managers, slots, jobs; empty when the REST API does not answer. */
  public Optional<JsonNode> overview() {
    return get("/overview");
  }

  /** A GET on the REST API, empty when it does not answer. */
  public Optional<JsonNode> get(String path) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(restAddress().resolve(path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The next TaskManager's name: {@code taskmanager-N}, N one above any started before. */
  public String nextTaskManagerName() throws IOException {
    int max = processes().keySet().stream().filter(n -> n.matches("taskmanager-\\d{1,6}"))
        .mapToInt(n -> Integer.parseInt(n.substring("taskmanager-".length()))).max().orElse(0);
    return "taskmanager-" + (max + 1);
  }

  /** The ids of the TaskManagers registered now (their names, for those started here). */
  public java.util.Set<String> registeredTaskManagers() {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    get("/taskmanagers").ifPresent(t -> t.path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText())));
    return ids;
  }

  /** Waits until every TaskManager of {@code names} has registered; false on timeout or when the JobManager died. */
  public boolean awaitTaskManagers(java.util.Collection<String> names, Duration timeout, Process jobManager)
      throws Exception {
    boolean[] died = {false};
    boolean ended = org.probity.deploy.Await.within(timeout, () -> {
      if (registeredTaskManagers().containsAll(names)) {
        return true;
      }
      died[0] = jobManager != null && !jobManager.isAlive();
      return died[0];
    });
    return ended && !died[0];
  }

  /**
   * The command line of Flink's client ({@code flink run}, {@code flink list} …) for this cluster:
   * {@code CliFrontend} on Flink's jars, {@code FLINK_CONF_DIR} set by {@link #client}.
   */
  public List<String> clientCommand(List<String> args) {
    List<String> cmd = new ArrayList<>(java());
    cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC",
        "-Dlog4j2.configurationFile=" + confDir().resolve("log4j-cli.properties").toUri(),
        "-cp", String.join(File.pathSeparator, classpath), "org.apache.flink.client.cli.CliFrontend"));
    cmd.addAll(args);
    return cmd;
  }

  /** A process builder for Flink's client on this cluster's config. */
  public ProcessBuilder client(List<String> args) {
    ProcessBuilder pb = new ProcessBuilder(clientCommand(args));
    pb.environment().put("FLINK_CONF_DIR", confDir().toString());
    return pb;
  }

  private static List<String> java() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(MODULE_FLAGS);
    return cmd;
  }

  /**
   * Flink's jars and their dependencies from this process's classpath (the launcher's {@code
   * deploy/target/lib}, or a test's), without the job's own code and Kafka.
   */
  static List<String> flinkClasspath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> jars = new ArrayList<>();
    for (String entry : cp.split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      if (entry.endsWith(".jar") && !NOT_FLINK.matcher(name).matches()) {
        jars.add(entry);
      }
    }
    if (jars.stream().noneMatch(j -> j.contains("flink-runtime-"))) {
      throw new UncheckedIOException(new IOException("flink-runtime is not on the classpath: " + cp));
    }
    return jars;
  }

  /** A free loopback port now (another process may take it before it is used; good enough for one host). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each process's log, as Flink's own log4j.properties writes it (the web UI shows it). */
  private static final String PROCESS_LOG = String.join("\n",
      "# Flink's processes log to log/NAME.log (log.file); Kafka's clients only when something is wrong.",
      "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = file",
      "appender.file.type = File", "appender.file.name = file", "appender.file.fileName = ${sys:log.file}",
      "appender.file.layout.type = PatternLayout",
      "appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
      "logger.kafka.name = org.apache.kafka", "logger.kafka.level = WARN",
      "logger.kafkametadata.name = org.apache.kafka.clients.Metadata", "logger.kafkametadata.level = ERROR", "");

  private static final String CLIENT_LOG = String.join("\n",
      "# Flink's client: warnings only, so its own lines and the job's stand out.",
      "rootLogger.level = WARN", "rootLogger.appenderRef.console.ref = console", "appender.console.type = Console",
      "appender.console.name = console", "appender.console.target = SYSTEM_ERR",
      "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n",
      "logger.kafka.name = org.apache.kafka", "logger.kafka.level = ERROR",
      "# A stack trace for the YARN client that a standalone cluster does not use, and the plugins folder it",
      "# does not need (the Prometheus reporter loads from the classpath).",
      "logger.cli.name = org.apache.flink.client.cli.CliFrontend", "logger.cli.level = ERROR",
      "logger.plugins.name = org.apache.flink.core.plugin", "logger.plugins.level = ERROR", "");
}
