package org.probity.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.auth.Account;
import org.probity.console.auth.Passwords;
import org.probity.console.auth.Role;
import org.probity.jobs.config.ProbityConfig;
import org.probity.jobs.config.RulesFile;

/**
 * Everything the console needs, immutable; the defaults live in {@link #defaults()} and nowhere
 * else. Built from a config file by {@link ConsoleConfigFile}, or in code by the demo.
 *
 * @param host the address to listen on (127.0.0.1: this machine only)
 * @param port the HTTP port (0: any free port; the started console tells which)
 * @param kafka the bootstrap servers and the contract's topic names (the job's fields are unused)
 * @param jdbcUrl the store: {@code jdbc:h2:file:…} embedded, or {@code jdbc:postgresql://…}
 * @param evidenceKeepEvents how many of the latest events the console keeps that no alert refers
 *     to; events an alert refers to are kept as long as the alert
 * @param accounts who may sign in
 * @param rules unit and people names, the time zone of displayed times
 * @param centreName the issuer printed on warning notices
 * @param sessionIdleTimeout a session unused this long is signed out
 * @param feedLimit how many alerts the feed shows at most
 * @param trustedProxy the console is reached through a reverse proxy whose {@code X-Forwarded-Proto},
 *     {@code X-Forwarded-Host} and {@code X-Forwarded-For} headers are believed (then listen where
 *     only the proxy reaches)
 * @param secureCookies cookies carry {@code Secure} (sent over HTTPS only); the config file turns
 *     it on by default with {@code trustedProxy}, and a request the trusted proxy says came over
 *     HTTPS gets it anyway
 */
public record ConsoleSettings(
    String host,
    int port,
    KafkaSettings kafka,
    String jdbcUrl,
    String jdbcUser,
    String jdbcPassword,
    int evidenceKeepEvents,
    List<Account> accounts,
    ProbityConfig rules,
    String centreName,
    Duration sessionIdleTimeout,
    int feedLimit,
    boolean trustedProxy,
    boolean secureCookies) {

  public ConsoleSettings {
    accounts = List.copyOf(accounts);
  }

  /** The defaults; no account, so a real installation must name at least one. */
  public static ConsoleSettings defaults() {
    return new ConsoleSettings("127.0.0.1", 8088, KafkaSettings.defaults("localhost:9092"),
        "jdbc:h2:file:./probity-console/console", "", "", 500_000, List.of(), RulesFile.defaults(), "监察中心",
        Duration.ofHours(12), 200, false, false);
  }

  /**
   * The demo's console: on any free port of this machine, the embedded store under {@code storeDir},
   * one operator {@code demo} with {@code password} (print it with the address).
   */
  public static ConsoleSettings demo(KafkaSettings kafka, ProbityConfig rules, Path storeDir, String password) {
    Account demo = new Account("demo", "演示值班员", Role.OPERATOR, Passwords.hash(password.toCharArray()));
    Account owner = new Account("owner", "演示规则管理员", Role.RULE_OWNER, Passwords.hash(password.toCharArray()));
    return defaults()
        .withListen("127.0.0.1", 0)
        .withKafka(kafka)
        .withStore(h2Url(storeDir), "", "")
        .withRules(rules)
        .withAccounts(List.of(demo, owner));
  }

  /** The embedded store's JDBC URL for a folder. */
  public static String h2Url(Path dir) {
    return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("console");
  }

  public ConsoleSettings withListen(String newHost, int newPort) {
    return new ConsoleSettings(newHost, newPort, kafka, jdbcUrl, jdbcUser, jdbcPassword, evidenceKeepEvents,
        accounts, rules, centreName, sessionIdleTimeout, feedLimit, trustedProxy, secureCookies);
  }

  public ConsoleSettings withKafka(KafkaSettings value) {
    return new ConsoleSettings(host, port, value, jdbcUrl, jdbcUser, jdbcPassword, evidenceKeepEvents, accounts,
        rules, centreName, sessionIdleTimeout, feedLimit, trustedProxy, secureCookies);
  }

  public ConsoleSettings withStore(String url, String user, String password) {
    return new ConsoleSettings(host, port, kafka, url, user, password, evidenceKeepEvents, accounts, rules,
        centreName, sessionIdleTimeout, feedLimit, trustedProxy, secureCookies);
  }


  public ConsoleSettings withAccounts(List<Account> value) {
    return new ConsoleSettings(host, port, kafka, jdbcUrl, jdbcUser, jdbcPassword, evidenceKeepEvents, value,
        rules, centreName, sessionIdleTimeout, feedLimit, trustedProxy, secureCookies);
  }

  public ConsoleSettings withRules(ProbityConfig value) {
    return new ConsoleSettings(host, port, kafka, jdbcUrl, jdbcUser, jdbcPassword, evidenceKeepEvents, accounts,
        value, centreName, sessionIdleTimeout, feedLimit, trustedProxy, secureCookies);
  }

  public ConsoleSettings withHttpSecurity(boolean newTrustedProxy, boolean newSecureCookies) {
    return new ConsoleSettings(host, port, kafka, jdbcUrl, jdbcUser, jdbcPassword, evidenceKeepEvents, accounts,
        rules, centreName, sessionIdleTimeout, feedLimit, newTrustedProxy, newSecureCookies);
  }

  public ConsoleSettings withCentreName(String value) {
    return new ConsoleSettings(host, port, kafka, jdbcUrl, jdbcUser, jdbcPassword, evidenceKeepEvents, accounts,
        rules, value, sessionIdleTimeout, feedLimit, trustedProxy, secureCookies);
  }
}
