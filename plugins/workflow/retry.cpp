#include "retry.hpp"

#include <algorithm>
#include <cmath>

namespace workflow {

int64_t backoff_ms(const RetryPolicy& policy, int failed_attempt, double random01) {
  double delay = static_cast<double>(policy.initial_ms);
  if (policy.exponential) delay *= std::pow(policy.multiplier, std::max(0, failed_attempt - 1));
  delay = std::min(delay, static_cast<double>(policy.max_ms));
  delay *= 1.0 + policy.jitter * (2.0 * random01 - 1.0);
  return std::max<int64_t>(0, static_cast<int64_t>(std::llround(delay)));
}

}  // namespace workflow
