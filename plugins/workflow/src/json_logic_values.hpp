// JSON Logic's value rules, as its JavaScript reference has them: truthiness,
// conversion to numbers and text, loose and strict equality, ordering.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace workflow::json_logic {

using json = nlohmann::json;

// A computed number: an integer when whole and exact, null when not finite.
json number(double value);
// String(value) in JavaScript.
std::string to_text(const json& value);
// Number(value) in JavaScript (NaN when it is not a number).
double to_number(const json& value);
// == and === in JavaScript.
bool loose_equal(const json& a, const json& b);
bool strict_equal(const json& a, const json& b);
// < and <= in JavaScript: strings compare as text, else as numbers.
bool less(const json& a, const json& b);
bool less_equal(const json& a, const json& b);

}  // namespace workflow::json_logic
