package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.probity.connectors.ingest.EventStream;
import org.probity.console.auth.Passwords;
import org.probity.console.auth.Role;
import org.probity.jobs.config.ConfigException;

/** The config file: typed settings over the defaults, and a one-line message naming any bad field. */
class ConsoleConfigFileTest {
  private static final String HASH = Passwords.hash("operator-password".toCharArray(), 1000);
  private static final String ACCOUNT = "accounts:\n  - {username: zhang, displayName: 张敏, role: operator, passwordHash: \""
      + HASH + "\"}\n";

  @TempDir
  Path dir;

  private ConsoleSettings load(String yaml, Map<String, String> env) throws Exception {
    Path file = dir.resolve("console.yaml");
    Files.writeString(file, yaml);
    return ConsoleConfigFile.load(file, env::get);
  }

  @Test
  void aFileWithOnlyAnAccountKeepsEveryDefault() throws Exception {
    ConsoleSettings s = load(ACCOUNT, Map.of());
    ConsoleSettings d = ConsoleSettings.defaults();
    assertThat(s.withAccounts(d.accounts())).isEqualTo(d);
    assertThat(s.accounts()).singleElement().satisfies(a -> {
      assertThat(a.username()).isEqualTo("zhang");
      assertThat(a.displayName()).isEqualTo("张敏");
      assertThat(a.role()).isEqualTo(Role.OPERATOR);
      assertThat(Passwords.matches("operator-password".toCharArray(), a.passwordHash())).isTrue();
      assertThat(Passwords.matches("operator-passwore".toCharArray(), a.passwordHash())).isFalse();
    });
  }

  @Test
  void kafkaClientPropertiesComeFromTheClientConfigBesideTheFileAndReachTheReadersProperties() throws Exception {
    Files.writeString(dir.resolve("client.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n");
    ConsoleSettings s = load(ACCOUNT + "kafka: {bootstrapServers: 'k:9093', clientConfig: client.properties}\n",
        Map.of());
    assertThat(s.kafka().clientProperties()).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN");
    assertThat(s.kafka().client()).containsEntry("bootstrap.servers", "k:9093")
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void aMisspeltKafkaClientPropertyIsOneLineNamingIt() throws Exception {
    Files.writeString(dir.resolve("client.properties"), "securty.protocol=SASL_SSL\n");
    assertThatThrownBy(() -> load(ACCOUNT + "kafka: {clientConfig: client.properties}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.clientConfig").hasMessageContaining("'securty.protocol' is not a Kafka client property")
        .hasMessageNotContaining("\n");
  }

  @Test
  void everySettingIsRead() throws Exception {
    Files.writeString(dir.resolve("rules.yaml"), "units:\n  - {id: X1, name: 某某镇}\n");
    ConsoleSettings s = load("""
        http: {host: 0.0.0.0, port: 9090}
        kafka:
          bootstrapServers: kafka-1:9092,kafka-2:9092
          alertsTopic: county.alerts
          unitStatusTopic: county.unit-status
          eventTopics: {approval: county.approvals, payment: county.payments}
        store: {jdbcUrl: "jdbc:postgresql://db:5432/probity", user: console, passwordEnv: CONSOLE_DB_PASSWORD}
        evidence: {keepEvents: 1000}
        rulesFile: rules.yaml
        centreName: 某县纪委监委监察中心
        sessionIdleTimeout: 30m
        feedLimit: 500
        """ + ACCOUNT + "  - {username: guest, role: read-only, passwordHash: \"" + HASH + "\"}\n",
        Map.of("CONSOLE_DB_PASSWORD", "s3cret"));
    assertThat(s.host()).isEqualTo("0.0.0.0");
    assertThat(s.port()).isEqualTo(9090);
    assertThat(s.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(s.kafka().alertsTopic()).isEqualTo("county.alerts");
    assertThat(s.kafka().unitStatusTopic()).isEqualTo("county.unit-status");
    assertThat(s.kafka().topic(EventStream.APPROVAL)).isEqualTo("county.approvals");
    assertThat(s.kafka().topic(EventStream.DECISION)).isEqualTo("probity.decisions");
    assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/probity");
    assertThat(s.jdbcUser()).isEqualTo("console");
    assertThat(s.jdbcPassword()).isEqualTo("s3cret");
    assertThat(s.evidenceKeepEvents()).isEqualTo(1000);
    assertThat(s.rules().reference().units()).containsOnlyKeys("X1");
    assertThat(s.centreName()).isEqualTo("某县纪委监委监察中心");
    assertThat(s.sessionIdleTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(s.feedLimit()).isEqualTo(500);
    assertThat(s.accounts()).extracting(a -> a.role()).containsExactly(Role.OPERATOR, Role.READ_ONLY);
    assertThat(s.accounts().get(1).displayName()).as("defaults to the username").isEqualTo("guest");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "http: {port: 70000}|console.yaml: http.port: must be a whole number from 0 to 65535, got \"70000\"",
      "http: {prot: 8080}|console.yaml: http.prot: unknown setting",
      "store: {jdbcUrl: \"jdbc:mysql://x/y\"}|console.yaml: store.jdbcUrl: must start with jdbc:h2: or jdbc:postgresql:, got \"jdbc:mysql://x/y\"",
      "store: {passwordEnv: NOT_SET_ANYWHERE}|console.yaml: store.passwordEnv: environment variable NOT_SET_ANYWHERE is not set",
      "evidence: {keepEvents: lots}|console.yaml: evidence.keepEvents: must be a whole number from 0 to 2147483647, got \"lots\"",
      "sessionIdleTimeout: soon|console.yaml: sessionIdleTimeout: must be a positive duration such as 30m, 12h, 7d, got \"soon\"",
      "rulesFile: missing.yaml|console.yaml: ",
      "kafka: [a, b]|console.yaml: kafka: must be a mapping",
      "centreName: [a]|console.yaml: centreName: must be text",
  })
  void aBadSettingIsNamedInOneLine(String line, String message) {
    assertThatThrownBy(() -> load(line + "\n" + ACCOUNT, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMissingRulesFileIsNamed() {
    assertThatThrownBy(() -> load("rulesFile: missing.yaml\n" + ACCOUNT, Map.of()))
        .hasMessage("console.yaml: " + dir.resolve("missing.yaml") + ": no such file");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "accounts: []|console.yaml: accounts: at least one account is required (nothing is served without a login)",
      "accounts:\\n  - {username: a, role: admin, passwordHash: x}|console.yaml: accounts[0].role: must be operator, read-only or rule-owner, got \"admin\"",
      "accounts:\\n  - {username: a, role: operator, passwordHash: plain-text}|console.yaml: accounts[0].passwordHash: must be pbkdf2-sha256:<iterations>:<salt>:<hash> (make one with `console hash-password`)",
      "accounts:\\n  - {role: operator}|console.yaml: accounts[0].username: is required",
      "accounts:\\n  - {username: a, role: operator, passwordHash: HASH, pasword: x}|console.yaml: accounts[0].pasword: unknown setting",
      "accounts:\\n  - {username: a, role: operator, passwordHash: HASH}\\n  - {username: a, role: read-only, passwordHash: HASH}|console.yaml: accounts[1].username: duplicate account 'a'",
      "accounts: {username: a}|console.yaml: accounts: must be a list",
      "- just a list|console.yaml: must be a mapping at the top level",
      "http: {port: 1|console.yaml: not valid YAML at line",
  })
  void badAccountsAndBadYamlAreNamedInOneLine(String yaml, String message) {
    assertThatThrownBy(() -> load(yaml.replace("\\n", "\n").replace("HASH", "\"" + HASH + "\""), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> ConsoleConfigFile.load(dir.resolve("nope.yaml"), k -> null))
        .isInstanceOf(ConfigException.class).hasMessage(dir.resolve("nope.yaml") + ": no such file");
  }
}
