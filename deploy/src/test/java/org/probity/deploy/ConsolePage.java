package org.probity.deploy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.probity.console.Chromium;

/** The console's page in headless Chromium, as the deploy tests drive it. */
final class ConsolePage implements AutoCloseable {
  final ChromeDriver driver;
  private final String url;

  ConsolePage(Path profile, String url) {
    for (var need : List.of(List.of("/usr/bin/chromium", "chromium"), List.of("/usr/bin/chromedriver", "chromium-driver"))) {
      if (!java.nio.file.Files.isExecutable(Path.of(need.get(0)))) {
        throw new IllegalStateException("the browser tests need Debian's " + need.get(1) + " (no " + need.get(0)
            + "): apt-get install -y chromium chromium-driver");
      }
    }
    this.driver = Chromium.start(profile);
    this.url = url;
  }

  /** Signs in and waits for the board and the live stream. */
  void signIn(String username, String password) {
    driver.get(url + "login");
    driver.findElement(By.id("username")).sendKeys(username);
    driver.findElement(By.id("password")).sendKeys(password);
    driver.findElement(By.id("sign-in")).click();
    until(Duration.ofSeconds(20), "the live stream is open",
        d -> d.findElement(By.id("conn")).getAttribute("class").contains("up"));
    until(Duration.ofSeconds(20), "the twelve units of the rules file",
        d -> d.findElements(By.cssSelector(".tile")).size() == 12);
  }

  /** Waits, with a deadline, for {@code condition} to give something other than null or false. */
  <T> T until(Duration timeout, String what, Function<WebDriver, T> condition) {
    return new WebDriverWait(driver, timeout).withMessage(what)
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  WebElement tile(String unitId) {
    return driver.findElement(By.cssSelector(".tile[data-unit-id='" + unitId + "']"));
  }

  /** The tile's colour: GREEN, ORANGE, RED, or NONE before the unit's first status. */
  String colour(String unitId) {
    return tile(unitId).getAttribute("data-colour");
  }

  long tiles(String colour) {
    return driver.findElements(By.cssSelector(".tile[data-colour='" + colour + "']")).size();
  }

  /** The feed's row of {@code alertId}, or null when it is not shown. */
  WebElement row(String alertId) {
    List<WebElement> rows = driver.findElements(By.cssSelector("tr[data-alert-id='" + alertId + "']"));
    return rows.isEmpty() ? null : rows.get(0);
  }

  List<WebElement> rows() {
    return driver.findElements(By.cssSelector("#feed tr.alert-row"));
  }

  Object js(String script) {
    return ((JavascriptExecutor) driver).executeScript(script);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
