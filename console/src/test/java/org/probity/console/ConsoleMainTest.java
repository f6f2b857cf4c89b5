package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.probity.console.auth.Passwords;

/** The {@code console} command line: help, one-line errors, hash-password, serving until stopped. */
class ConsoleMainTest {
  @TempDir
  Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String stdin, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ConsoleMain.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new CountDownLatch(0));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpNamesEveryOption() throws Exception {
    Run r = run("", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--config", "--bootstrap", "--host", "--port", "--store", "--[no-]trusted-proxy",
        "--[no-]secure-cookies", "hash-password");
    assertThat(r.err()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--port|console: Missing required parameter for option '--port' (N) (see console --help)",
      "--prot 1|console: Unknown options: '--prot', '1' (see console --help)",
      "--config|console: Missing required parameter for option '--config' (FILE) (see console --help)",
      "--port 9|console: --config is required: accounts must be configured (see console --help)",
      "--config /no/such/file.yaml|console: --config: no such file '/no/such/file.yaml'",
      "--port 70000 --config /no/such/file.yaml|console: --port: must be a whole number from 0 to 65535, got '70000'",
      "--bootstrap  --port 1|console: --bootstrap: must not be empty",
      "hash-password extra|console: Unmatched argument at index 1: 'extra' (see console --help)",
  })
  void aBadArgumentIsOneLineWithoutAStackTrace(String args, String message) throws Exception {
    Run r = run("", args.split(" "));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo(message + System.lineSeparator());
  }

  @Test
  void badOverridesAreNamed() throws Exception {
    Path config = dir.resolve("console.yaml");
    Files.writeString(config, "accounts:\n  - {username: a, role: operator, passwordHash: \""
        + Passwords.hash("password1".toCharArray(), 1000) + "\"}\n");
    assertThat(run("", "--config", config.toString(), "--port", "http").err())
        .isEqualTo("console: --port: must be a whole number from 0 to 65535, got 'http'" + System.lineSeparator());
    assertThat(run("", "--config", config.toString(), "--store", "jdbc:oracle:x").err())
        .isEqualTo("console: --store: must start with jdbc:h2: or jdbc:postgresql:, got 'jdbc:oracle:x'"
            + System.lineSeparator());
    Files.writeString(config, "http: {port: eighty}\n");
    assertThat(run("", "--config", config.toString()).err()).isEqualTo(
        "console: console.yaml: http.port: must be a whole number from 0 to 65535, got \"eighty\"" + System.lineSeparator());
  }

  @Test
  void optionsOverrideTheConfigFile() throws Exception {
    Path config = dir.resolve("console.yaml");
    Files.writeString(config, "http: {port: 9000}\naccounts:\n  - {username: a, role: operator, passwordHash: \""
        + Passwords.hash("password1".toCharArray(), 1000) + "\"}\n");
    ConsoleSettings plain = parse("--config", config.toString());
    assertThat(plain.port()).isEqualTo(9000);
    assertThat(plain.trustedProxy()).isFalse();
    assertThat(plain.secureCookies()).isFalse();
    ConsoleSettings proxied = parse("--config", config.toString(), "--trusted-proxy", "--port", "0",
        "--store", "jdbc:h2:mem:x");
    assertThat(proxied.trustedProxy()).isTrue();
    assertThat(proxied.secureCookies()).as("on by default behind the trusted TLS proxy").isTrue();
    assertThat(proxied.port()).isZero();
    assertThat(proxied.jdbcUrl()).isEqualTo("jdbc:h2:mem:x");
    assertThat(parse("--config", config.toString(), "--trusted-proxy", "--no-secure-cookies").secureCookies())
        .isFalse();
  }

  private static ConsoleSettings parse(String... args) {
    ConsoleMain.Serve serve = new ConsoleMain.Serve(System.out, new CountDownLatch(0));
    new picocli.CommandLine(serve).parseArgs(args);
    return serve.settings();
  }

  @Test
  void hashPasswordPrintsAHashThatMatchesOnlyThatPassword() throws Exception {
    Run r = run("correct horse battery\n", "hash-password");
    assertThat(r.code()).isZero();
    String hash = r.out().trim();
    assertThat(Passwords.problem(hash)).isNull();
    assertThat(hash).startsWith("pbkdf2-sha256:" + Passwords.ITERATIONS + ":").doesNotContain("correct");
    assertThat(Passwords.matches("correct horse battery".toCharArray(), hash)).isTrue();
    assertThat(Passwords.matches("correct horse batterY".toCharArray(), hash)).isFalse();
    assertThat(run("short\n", "hash-password").err()).contains("at least 8 characters");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void servesUntilStoppedAndPrintsItsAddress() throws Exception {
    Path config = dir.resolve("console.yaml");
    Files.writeString(config, "kafka: {bootstrapServers: \"127.0.0.1:9\"}\nstore: {jdbcUrl: \"jdbc:h2:file:"
        + dir.resolve("store/console") + "\"}\naccounts:\n  - {username: a, role: operator, passwordHash: \""
        + Passwords.hash("password1".toCharArray(), 1000) + "\"}\n");
    PipedLines out = new PipedLines();
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<Integer> code = CompletableFuture.supplyAsync(() -> {
      try {
        return ConsoleMain.execute(new String[] {"--config", config.toString(), "--port", "0"},
            new ByteArrayInputStream(new byte[0]), out.stream(), out.stream(), stop);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Pattern serving = Pattern.compile("console: serving (http://127\\.0\\.0\\.1:\\d+/) ");
    Poll.until(Duration.ofSeconds(30), "the console prints its address", () -> serving.matcher(out.text()).find());
    Matcher m = serving.matcher(out.text());
    assertThat(m.find()).isTrue();
    HttpResponse<String> login = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(m.group(1) + "login")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(login.statusCode()).isEqualTo(200);
    stop.countDown();
    assertThat(code.get(30, TimeUnit.SECONDS)).isZero();
  }

  /** Output written by another thread, read as it comes. */
  private static final class PipedLines {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PrintStream stream() {
      return stream;
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
