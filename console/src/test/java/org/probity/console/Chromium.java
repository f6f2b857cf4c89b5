package org.probity.console;

import java.io.File;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless chromium driven by Debian's chromedriver (one build, so the protocol always
 * matches; nothing is downloaded). Public for the deploy module's browser tests (console's test-jar).
 */
public final class Chromium {
  private Chromium() {}

  /** A 1366×768 browser in Chinese, with the flags it needs as root on a closed network. */
  public static ChromeDriver start(Path profile) {
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1366,768", "--lang=zh-CN");
    return new ChromeDriver(service, options);
  }
}
