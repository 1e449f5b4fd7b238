package fr.eduatlas.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address: {@code perMinute} requests a minute, in bursts of at most
 * {@code burst}. Bounded: the 10,000 most recently seen addresses are kept.
 */
final class RateLimiter {
  private final double perMilli;
  private final double burst;
  private final Map<String, double[]> buckets =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> e) {
          return size() > 10_000;
        }
      };

  RateLimiter(int perMinute, int burst) {
    this.perMilli = perMinute / 60_000.0;
    this.burst = burst;
  }

  /** Takes a token for {@code address}: 0 if granted, else the milliseconds to wait. */
  synchronized long take(String address, long nowMillis) {
    double[] b = buckets.computeIfAbsent(address, k -> new double[] {burst, nowMillis});
    b[0] = Math.min(burst, b[0] + (nowMillis - b[1]) * perMilli);
    b[1] = nowMillis;
    if (b[0] >= 1) {
      b[0] -= 1;
      return 0;
    }
    return (long) Math.ceil((1 - b[0]) / perMilli);
  }
}
