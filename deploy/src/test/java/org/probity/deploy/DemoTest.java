package org.probity.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.support.ui.FluentWait;

/**
 * {@code probity demo} as a user runs it: the launcher in a JVM of its own (what {@code ./probity
 * demo} execs). It prints the console's address and password, the address serves the sign-in page
 * while the demo runs, the board fills with the demo's own traffic (a few red units among green
 * and orange ones), and SIGTERM (what Ctrl-C does to the JVM) stops it. docs/console-board.png is
 * the screenshot taken here ({@code deploy/target/console-board-demo.png}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DemoTest {
  private static final Pattern CONSOLE_LINE =
      Pattern.compile("probity demo: console at (http://\\S+/)  \\(sign in as demo / (\\S+);");
  private static final Pattern ALERTS_SEEN = Pattern.compile("告警记录 [1-9]");

  @Test
  void theDemoPrintsTheConsoleAddressAndItsBoardFillsWhileTheDemoRuns(@TempDir Path tmp) throws Exception {
    Path output = tmp.resolve("demo.out");
    // --seconds only bounds a demo this test fails to stop; it stops it as Ctrl-C does.
    Process demo = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.time=ALL-UNNAMED", "-cp", classpath(), Launcher.class.getName(),
        "demo", "--seconds", "300"))
        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
    try {
      Matcher line = new FluentWait<>(output).withTimeout(Duration.ofSeconds(60)).pollingEvery(Duration.ofMillis(100))
          .withMessage("the console's address in the demo's output").until(f -> {
            String printed = read(f);
            Matcher m = CONSOLE_LINE.matcher(printed);
            if (m.find()) {
              return m;
            }
            assertThat(demo.isAlive()).as("the demo ended early: " + printed).isTrue();
            return null;
          });
      String url = line.group(1);
      String password = line.group(2);
      assertThat(url).as("on this machine, on a port the system chose").startsWith("http://127.0.0.1:");

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> board = get(http, url);
      assertThat(board.statusCode()).isEqualTo(303);
      assertThat(board.headers().firstValue("Location")).hasValue("/login");
      HttpResponse<String> login = get(http, url + "login");
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.body()).contains("<form method=\"post\" action=\"/login\"").contains("廉情气象站");

      try (ConsolePage page = new ConsolePage(tmp.resolve("chromium"), url)) {
        page.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
            Map.of("width", 1366, "height", 768, "deviceScaleFactor", 1, "mobile", false));
        page.signIn("demo", password);
        // The demo's units differ (Demo.TRAFFIC): once the most violation-prone cross the red line
        // (with the default seed, about a minute of traffic in) the board holds a few red units
        // among more green and orange ones for as long as it runs, where units that were all alike
        // turned the whole county red. Plus a full feed and the footer's counts (refreshed every
        // 5 s) past zero.
        page.until(Duration.ofSeconds(150), "red units, fewer than the green and orange ones, a populated feed,"
            + " the footer's counts", d -> {
              long red = page.tiles("RED");
              return red > 0 && page.tiles("GREEN") + page.tiles("ORANGE") > red && page.rows().size() >= 20
                  && ALERTS_SEEN.matcher(d.findElement(By.id("status")).getText()).find();
            });
        byte[] png = page.driver.getScreenshotAs(OutputType.BYTES);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(1366);
        assertThat(image.getHeight()).isEqualTo(768);
        Files.write(Path.of("target", "console-board-demo.png"), png);
      }

      demo.destroy();
      assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("SIGTERM stops the demo: " + read(output)).isTrue();
      assertThat(read(output)).contains("probity demo: stopping").doesNotContain("Exception in thread");
    } finally {
      if (demo.isAlive()) {
        demo.destroyForcibly();
      }
    }
  }

  /** This test's classpath (surefire's own, when it runs the tests from a manifest-only jar). */
  private static String classpath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
