package org.probity.connectors.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Kafka client properties an operator gives every client — a properties file as Kafka's own tools
 * take with {@code --command-config}, and single {@code key=value}s — for security ({@code
 * security.protocol=SASL_SSL}, {@code sasl.jaas.config}, {@code ssl.truststore.location} …) and
 * tuning. The job's sources, sinks and admin client take them, and so can any other reader
 * (the console's): {@link #of}.
 */
public final class KafkaClientProperties {
  private KafkaClientProperties() {}

  /** Every property a Kafka consumer, producer or admin client knows. */
  private static final Set<String> KNOWN = known();

  private static Set<String> known() {
    Set<String> names = new HashSet<>(ConsumerConfig.configNames());
    names.addAll(ProducerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    return Set.copyOf(names);
  }

  /**
   * The file's properties (Java properties syntax), then {@code given} over them.
   *
   * @throws IllegalArgumentException naming the file or the property: an unreadable file, or a key
   *     no Kafka client knows (a typo would otherwise be ignored with a warning in a TaskManager's log)
   */
  public static Map<String, String> load(Path file, Map<String, String> given) {
    Map<String, String> all = new TreeMap<>();
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": cannot read it as a properties file: " + e.getMessage());
      }
      p.stringPropertyNames().forEach(k -> all.put(k.strip(), p.getProperty(k).strip()));
    }
    all.putAll(given);
    for (String key : all.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException("'" + key + "' is not a Kafka client property"
            + (file != null ? " (in " + file + " or --kafka-property)" : ""));
      }
    }
    return all;
  }

  /** A plain client's properties: {@code properties}, then the bootstrap servers. */
  public static Properties of(String bootstrapServers, Map<String, String> properties) {
    Properties p = new Properties();
    p.putAll(properties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** {@code properties} for a start line: secrets (passwords, JAAS configs, keys) as {@code ***}. */
  public static String describe(Map<String, String> properties) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(properties).forEach((k, v) -> {
      String lower = k.toLowerCase(Locale.ROOT);
      boolean secret = lower.contains("password") || lower.contains("jaas") || lower.endsWith(".key")
          || lower.contains("secret") || lower.contains("credentials");
      b.append(b.length() == 0 ? "" : ", ").append(k).append('=').append(secret ? "***" : v);
    });
    return b.toString();
  }
}
