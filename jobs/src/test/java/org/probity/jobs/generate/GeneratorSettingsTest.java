package org.probity.jobs.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.probity.jobs.config.RulesFile;

/** The units' violation rates that {@code unitSpread} gives (the generator plants at them; ReplayTest checks the traffic). */
class GeneratorSettingsTest {
  private static final Set<String> UNITS = RulesFile.defaults().reference().units().keySet();

  @Test
  void byDefaultEveryUnitHasExactlyTheViolationRate() {
    assertThat(GeneratorSettings.DEFAULTS.unitSpread()).isEqualTo(1);
    assertThat(GeneratorSettings.DEFAULTS.violationRates(UNITS)).hasSize(12).allSatisfy((unit, rate) ->
        assertThat(rate).as(unit).isEqualTo(GeneratorSettings.DEFAULTS.violationRate()));
  }

  @Test
  void aSpreadSpacesTheUnitsRatesEvenlyOnALogScaleAroundTheSameAverage() {
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withViolationRate(0.01).withUnitSpread(20);
    List<Double> rates = settings.violationRates(UNITS).values().stream().sorted().toList();
    assertThat(rates).hasSize(12);
    assertThat(rates.get(11) / rates.get(0)).isCloseTo(20, within(1e-9));
    double step = Math.pow(20, 1 / 11.0);
    for (int k = 1; k < 12; k++) {
      assertThat(rates.get(k) / rates.get(k - 1)).as("rate %d over rate %d", k, k - 1).isCloseTo(step, within(1e-9));
    }
    assertThat(rates.stream().mapToDouble(Double::doubleValue).average().orElseThrow()).isCloseTo(0.01, within(1e-12));
  }

  @Test
  void theSeedDecidesWhichUnitGetsWhichRate() {
    GeneratorSettings settings = GeneratorSettings.DEFAULTS.withUnitSpread(20);
    Map<String, Double> one = settings.violationRates(UNITS);
    Map<String, Double> other = settings.withSeed(7).violationRates(UNITS);
    assertThat(settings.violationRates(UNITS)).isEqualTo(one);
    assertThat(other.values()).containsExactlyInAnyOrderElementsOf(one.values());
    assertThat(other).isNotEqualTo(one);
  }

  @Test
  void aUnitsRateIsCappedAtOneAndASpreadBelowOneIsRefused() {
    assertThat(GeneratorSettings.DEFAULTS.withViolationRate(0.9).withUnitSpread(100).violationRates(UNITS).values())
        .contains(1.0).allSatisfy(rate -> assertThat(rate).isBetween(0.0, 1.0));
    assertThatThrownBy(() -> GeneratorSettings.DEFAULTS.withUnitSpread(0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unitSpread");
  }
}
