// Backoff between attempts of a step.
#pragma once

#include <cstdint>

#include "definition.hpp"

namespace workflow {

// Delay before attempt `failed_attempt + 1`, given `random01` in [0, 1):
// exponential (initial * multiplier^(n-1)) or fixed, capped at max, then spread
// by +-jitter.
int64_t backoff_ms(const RetryPolicy& policy, int failed_attempt, double random01);

}  // namespace workflow
