package org.probity.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.probity.connectors.ingest.EventStream;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.auth.Account;
import org.probity.console.auth.Passwords;
import org.probity.console.auth.Role;
import org.probity.jobs.config.ConfigException;
import org.probity.jobs.config.RulesFile;

/**
 * Reads the console's YAML config file over {@link ConsoleSettings#defaults()}. Every problem is a
 * one-line {@link ConfigException} naming the file and the field, e.g. {@code console.yaml:
 * accounts[0].role: must be operator, read-only or rule-owner, got "admin"}; an unknown field is an error too,
 * so a misspelt setting never falls back to its default silently. The store's password is never
 * in the file: {@code store.passwordEnv} names the environment variable that holds it.
 */
public final class ConsoleConfigFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConsoleConfigFile() {}

  public static ConsoleSettings load(Path file, Function<String, String> env) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    try {
      return parse(text, base, env);
    } catch (ConfigException e) {
      throw new ConfigException(file.getFileName() + ": " + e.getMessage());
    }
  }

  static ConsoleSettings parse(String yaml, Path base, Function<String, String> env) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      // YAML's own message draws the line with a caret below it: keep its first line only.
      String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new ConfigException("not valid YAML" + where + ": " + reason);
    }
    if (root != null && !root.isMissingNode() && !root.isObject()) {
      throw new ConfigException("must be a mapping at the top level");
    }
    Node top = new Node(root == null || root.isMissingNode() ? null : root, "");
    ConsoleSettings d = ConsoleSettings.defaults();

    Node http = top.child("http");
    String host = http.string("host", d.host());
    int port = http.integer("port", d.port(), 0, 65535);
    boolean trustedProxy = http.bool("trustedProxy", d.trustedProxy());
    // Behind the proxy that terminates TLS, cookies are Secure unless the file says otherwise.
    boolean secureCookies = http.bool("secureCookies", trustedProxy || d.secureCookies());
    http.finish();

    Node kafkaNode = top.child("kafka");
    KafkaSettings k = d.kafka();
    String bootstrap = kafkaNode.string("bootstrapServers", k.bootstrapServers());
    String alerts = kafkaNode.string("alertsTopic", k.alertsTopic());
    String unitStatus = kafkaNode.string("unitStatusTopic", k.unitStatusTopic());
    String clientConfig = kafkaNode.string("clientConfig", null);
    Node topics = kafkaNode.child("eventTopics");
    Map<EventStream, String> eventTopics = new EnumMap<>(EventStream.class);
    for (EventStream s : EventStream.values()) {
      eventTopics.put(s, topics.string(s.jsonName(), k.topic(s)));
    }
    topics.finish();
    kafkaNode.finish();
    Map<String, String> clientProperties;
    try {
      clientProperties = clientConfig == null ? k.clientProperties()
          : org.probity.connectors.kafka.KafkaClientProperties.load(
              base == null ? Path.of(clientConfig) : base.resolve(clientConfig), Map.of());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("kafka.clientConfig: " + e.getMessage());
    }
    KafkaSettings kafka = new KafkaSettings(bootstrap, k.groupId(), eventTopics, alerts, unitStatus,
        k.deadLetterTopic(), k.exactlyOnce(), k.transactionalIdPrefix(), k.transactionTimeout(), clientProperties);

    Node store = top.child("store");
    String jdbcUrl = store.string("jdbcUrl", d.jdbcUrl());
    if (!jdbcUrl.startsWith("jdbc:h2:") && !jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw store.error("jdbcUrl", "must start with jdbc:h2: or jdbc:postgresql:, got \"" + jdbcUrl + "\"");
    }
    String user = store.string("user", d.jdbcUser());
    String password = d.jdbcPassword();
    if (store.has("passwordEnv")) {
      String variable = store.string("passwordEnv", null);
      password = env.apply(variable);
      if (password == null) {
        throw store.error("passwordEnv", "environment variable " + variable + " is not set");
      }
    }
    store.finish();

    Node evidence = top.child("evidence");
    int keep = evidence.integer("keepEvents", d.evidenceKeepEvents(), 0, Integer.MAX_VALUE);
    evidence.finish();

    var rules = d.rules();
    if (top.has("rulesFile")) {
      rules = RulesFile.load(base.resolve(top.string("rulesFile", null)));
    }
    String centreName = top.string("centreName", d.centreName());
    Duration idle = top.duration("sessionIdleTimeout", d.sessionIdleTimeout());
    int feedLimit = top.integer("feedLimit", d.feedLimit(), 10, 5000);

    List<Account> accounts = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Node a : top.list("accounts")) {
      String username = a.string("username", null);
      if (username == null || username.isBlank()) {
        throw a.error("username", "is required");
      }
      if (!names.add(username)) {
        throw a.error("username", "duplicate account '" + username + "'");
      }
      String roleName = a.string("role", "").toUpperCase(Locale.ROOT).replace('-', '_');
      Role role;
      try {
        role = Role.valueOf(roleName);
      } catch (IllegalArgumentException e) {
        throw a.error("role", "must be operator, read-only or rule-owner, got \"" + a.raw("role") + "\"");
      }
      String hash = a.string("passwordHash", null);
      String problem = Passwords.problem(hash);
      if (problem != null) {
        throw a.error("passwordHash", problem);
      }
      accounts.add(new Account(username, a.string("displayName", username), role, hash));
      a.finish();
    }
    if (accounts.isEmpty()) {
      throw new ConfigException("accounts: at least one account is required (nothing is served without a login)");
    }
    top.finish();
    return new ConsoleSettings(host, port, kafka, jdbcUrl, user, password, keep, accounts, rules, centreName, idle,
        feedLimit, trustedProxy, secureCookies);
  }

  /** One mapping of the file that knows its path, so every error names the field. */
  private static final class Node {
    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    Node(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    private String at(String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    ConfigException error(String name, String message) {
      return new ConfigException(at(name) + ": " + message);
    }

    boolean has(String name) {
      return node != null && node.hasNonNull(name);
    }

    private JsonNode get(String name) {
      read.add(name);
      return has(name) ? node.get(name) : null;
    }

    String raw(String name) {
      JsonNode v = get(name);
      return v == null ? "" : v.asText();
    }

    Node child(String name) {
      JsonNode v = get(name);
      if (v != null && !v.isObject()) {
        throw error(name, "must be a mapping");
      }
      return new Node(v, at(name));
    }

    List<Node> list(String name) {
      JsonNode v = get(name);
      List<Node> out = new ArrayList<>();
      if (v == null) {
        return out;
      }
      if (!v.isArray()) {
        throw error(name, "must be a list");
      }
      for (int i = 0; i < v.size(); i++) {
        if (!v.get(i).isObject()) {
          throw new ConfigException(at(name) + "[" + i + "]: must be a mapping");
        }
        out.add(new Node(v.get(i), at(name) + "[" + i + "]"));
      }
      return out;
    }

    String string(String name, String fallback) {
      JsonNode v = get(name);
      if (v == null) {
        return fallback;
      }
      if (!v.isValueNode()) {
        throw error(name, "must be text");
      }
      return v.asText();
    }

    boolean bool(String name, boolean fallback) {
      JsonNode v = get(name);
      if (v == null) {
        return fallback;
      }
      if (!v.isBoolean()) {
        throw error(name, "must be true or false, got \"" + v.asText() + "\"");
      }
      return v.asBoolean();
    }

    int integer(String name, int fallback, int min, int max) {
      JsonNode v = get(name);
      if (v == null) {
        return fallback;
      }
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
        throw error(name, "must be a whole number from " + min + " to " + max + ", got \"" + v.asText() + "\"");
      }
      return v.asInt();
    }

    Duration duration(String name, Duration fallback) {
      String v = string(name, null);
      if (v == null) {
        return fallback;
      }
      String s = v.trim().toLowerCase(Locale.ROOT);
      try {
        for (var unit : List.of(Map.entry("ms", 1L), Map.entry("s", 1000L), Map.entry("m", 60_000L),
            Map.entry("h", 3_600_000L), Map.entry("d", 86_400_000L))) {
          if (s.endsWith(unit.getKey())) {
            long n = Long.parseLong(s.substring(0, s.length() - unit.getKey().length()));
            if (n > 0) {
              return Duration.ofMillis(n * unit.getValue());
            }
          }
        }
      } catch (NumberFormatException e) {
        // falls through to the message below
      }
      throw error(name, "must be a positive duration such as 30m, 12h, 7d, got \"" + v + "\"");
    }

    void finish() {
      if (node == null) {
        return;
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (!read.contains(name)) {
          throw error(name, "unknown setting");
        }
      }
    }
  }
}
