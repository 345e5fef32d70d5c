// agent_host/json.hpp — JSON from outside the plugin: a parse bounded in
// depth, and a serialisation that never fails on a client's bytes.
#ifndef AGENT_HOST_JSON_HPP
#define AGENT_HOST_JSON_HPP

#include <agent_host/detail/c_bridge.hpp>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace agent_host {

using json = nlohmann::json;

// How deep a JSON text from outside the plugin may nest. Deeper documents are
// refused before they are built, so no recursive walk over them (validation,
// templating, rendering) can exhaust the stack.
inline constexpr int kMaxJsonDepth = 128;

// A JSON text that parse_json refused. The message says what is wrong and at
// which byte, never more than a short excerpt of the text itself.
class InvalidJson : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
// nlohmann's DOM builder with a depth limit: it stops the parse (returns
// false) at the first container past `max_depth`.
class DepthLimitedBuilder {
 public:
  DepthLimitedBuilder(json& result, int max_depth) : dom_(result, true), max_depth_(max_depth) {}
  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(json::string_t& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }
  bool key(json::string_t& value) { return dom_.key(value); }
  bool start_object(std::size_t size) { return deeper() && dom_.start_object(size); }
  bool start_array(std::size_t size) { return deeper() && dom_.start_array(size); }
  bool end_object() { return --depth_, dom_.end_object(); }
  bool end_array() { return --depth_, dom_.end_array(); }
  template <typename Exception>
  bool parse_error(std::size_t position, const std::string& token, const Exception& error) {
    return dom_.parse_error(position, token, error);  // throws `error`
  }
  bool too_deep() const { return too_deep_; }

 private:
  bool deeper() {
    too_deep_ = ++depth_ > max_depth_;
    return !too_deep_;
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace detail

// Parses a JSON text from outside the plugin (a request body, another agent's
// or a URL's answer) within kMaxJsonDepth. Throws InvalidJson for a syntax
// error, invalid UTF-8, a number out of range or nesting too deep.
inline json parse_json(std::string_view text) {
  // nlohmann's lexer takes a NUL byte for the end of the input, so "1\0junk"
  // parsed as 1. JSON text never holds a raw NUL (not even inside a string),
  // so one is a syntax error wherever it is (found by the utf8_and_json fuzz
  // harness).
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos)
    throw InvalidJson("a NUL byte at offset " + std::to_string(nul) +
                      " (JSON text cannot hold one)");
  json result;
  detail::DepthLimitedBuilder builder(result, kMaxJsonDepth);
  try {
    if (json::sax_parse(text, &builder)) return result;
  } catch (const json::out_of_range& e) {
    // nlohmann's message quotes the whole number (it may be 100k digits).
    throw InvalidJson("a number is out of range (" + detail::excerpt(e.what(), 60) + ")");
  } catch (const json::exception& e) {
    throw InvalidJson(detail::excerpt(e.what()));
  }
  if (builder.too_deep())
    throw InvalidJson("nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  throw InvalidJson("not valid JSON");
}

// The JSON text of `value`; text that is not valid UTF-8 (a plugin echoing a
// client's bytes into a message) is written with U+FFFD rather than failing.
inline std::string to_json_text(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace agent_host

#endif  // AGENT_HOST_JSON_HPP
