package org.probity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.probity.connectors.kafka.KafkaSettings;
import org.probity.console.auth.Account;

/**
 * The console's web side under hostile input, on real sockets of 127.0.0.1 (no broker: the web
 * side does not wait for Kafka): half-open connections, bursts of sign-ins, cross-origin POSTs,
 * bodies too large or not JSON. Parallel guesses at one account: {@code SessionsTest}, where the
 * burst is made truly parallel (over HTTP the order requests reach the check is the scheduler's).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConsoleUnderAttackTest {
  @TempDir
  Path store;

  private ConsoleServer start(List<Account> accounts) throws Exception {
    return ConsoleServer.start(ConsoleSettings.defaults().withListen("127.0.0.1", 0)
        .withKafka(KafkaSettings.defaults("127.0.0.1:9")).withStore(ConsoleSettings.h2Url(store), "", "")
        .withAccounts(accounts));
  }

  private static HttpRequest signInRequest(String url, String user, String password, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(url + "login")).timeout(timeout)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
            + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8))).build();
  }

  @Test
  void halfOpenConnectionsNeitherStopSignInNorStayOpen() throws Exception {
    try (ConsoleServer console = start(TestAccounts.ALL)) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", URI.create(console.url()).getPort());
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 100; i++) {
          Socket s = new Socket();
          s.connect(address, 5000);
          OutputStream out = s.getOutputStream();
          // Headers begun, never finished: the server is left waiting for the rest.
          out.write("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 40\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          held.add(s);
        }
        HttpClient client = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(console.url() + "login"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> signIn = client.send(signInRequest(console.url(), TestAccounts.OPERATOR.username(),
            TestAccounts.PASSWORD, Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString());
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("both answered with 100 half-open connections")
            .isLessThan(Duration.ofSeconds(5));

        // The read time limit closes every one of them (a closed socket reads -1 or is reset).
        for (Socket s : held) {
          s.setSoTimeout((ConsoleServer.MAX_REQUEST_SECONDS + 10) * 1000);
          InputStream in = s.getInputStream();
          try {
            while (in.read() >= 0) {
              // an error response may come first
            }
          } catch (SocketException reset) {
            // closed by the server
          }
        }
      } finally {
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  @Test
  void aBurstOfSignInsIsAnsweredPromptlyAndTheServerStaysResponsive() throws Exception {
    try (ConsoleServer console = start(TestAccounts.ALL)) {
      HttpClient client = HttpClient.newHttpClient();
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < 40; i++) {
        // Unknown usernames: each costs a full-strength hash, as a real account's would.
        burst.add(client.sendAsync(signInRequest(console.url(), "nobody-" + i, "guess", Duration.ofSeconds(20)),
            HttpResponse.BodyHandlers.ofString()));
      }
      HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(console.url() + "login"))
          .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).as("the sign-in page during the burst").isEqualTo(200);
      List<Integer> codes = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> r : burst) {
        codes.add(r.get(30, TimeUnit.SECONDS).statusCode());
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the whole burst answered")
          .isLessThan(Duration.ofSeconds(15));
      assertThat(codes).as("refused, or shed when the hashing pool is full").isSubsetOf(Set.of(401, 429, 503))
          .contains(401).containsAnyOf(429, 503);
      assertThat(new HttpSession(console.url()).signIn(TestAccounts.READER.username(), TestAccounts.PASSWORD)
          .statusCode()).as("a real account signs in after the burst").isEqualTo(303);
    }
  }

  @Test
  void crossOriginPostsLargeBodiesAndNonJsonAreRefusedCleanly() throws Exception {
    try (ConsoleServer console = start(TestAccounts.ALL)) {
      HttpSession operator = new HttpSession(console.url());
      assertThat(operator.signIn(TestAccounts.OPERATOR.username(), TestAccounts.PASSWORD).statusCode()).isEqualTo(303);
      HttpResponse<String> evil = operator.post("/api/alerts/x/ack", "{}", true, "http://evil.example");
      assertThat(evil.statusCode()).as("an API POST from another origin, with the API header").isEqualTo(403);
      assertThat(operator.post("/api/alerts/x/ack", "{}", true, "null").statusCode()).isEqualTo(403);
      assertThat(operator.post("/api/alerts/x/ack", "{}", true, console.url().replaceAll("/$", "")).statusCode())
          .as("the same origin passes the check (and finds no alert x)").isEqualTo(404);

      assertThat(operator.post("/api/alerts/x/ack", "not json", true).statusCode()).isEqualTo(400);
      assertThat(operator.post("/api/alerts/x/ack", "{\"note\": \"" + "x".repeat(70_000) + "\"}", true).statusCode())
          .isEqualTo(413);
      HttpResponse<String> bigLogin = new HttpSession(console.url()).signIn("zhangmin", "x".repeat(70_000));
      assertThat(bigLogin.statusCode()).isEqualTo(413);
    }
  }

  @Test
  void cookiesAreSecureWhenConfiguredOrTheTrustedProxySaysHttps() throws Exception {
    ConsoleSettings base = ConsoleSettings.defaults().withListen("127.0.0.1", 0)
        .withKafka(KafkaSettings.defaults("127.0.0.1:9")).withStore(ConsoleSettings.h2Url(store), "", "")
        .withAccounts(TestAccounts.ALL);
    HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    try (ConsoleServer console = ConsoleServer.start(base.withHttpSecurity(false, true))) {
      HttpResponse<String> r = client.send(signInRequest(console.url(), "zhangmin", TestAccounts.PASSWORD,
          Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString());
      assertThat(r.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("; Secure"));
    }
    try (ConsoleServer console = ConsoleServer.start(base.withHttpSecurity(true, false))) {
      HttpResponse<String> viaTls = client.send(HttpRequest.newBuilder(URI.create(console.url() + "login"))
          .header("X-Forwarded-Proto", "https").header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("username=zhangmin&password=" + URLEncoder.encode(
              TestAccounts.PASSWORD, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(viaTls.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("; Secure"));
      HttpResponse<String> plain = client.send(signInRequest(console.url(), "zhangmin", TestAccounts.PASSWORD,
          Duration.ofSeconds(10)), HttpResponse.BodyHandlers.ofString());
      assertThat(plain.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).doesNotContain("Secure"));
    }
  }
}
