// A list of validation problems, each naming where it is (e.g. "steps[2].with.url").
#pragma once

#include <string>
#include <vector>

namespace workflow {

struct Problem {
  std::string path;
  std::string message;
};

class Problems {
 public:
  void add(std::string path, std::string message) {
    items_.push_back(Problem{std::move(path), std::move(message)});
  }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const std::vector<Problem>& items() const { return items_; }

 private:
  std::vector<Problem> items_;
};

// "steps[2]" + "with" -> "steps[2].with"; an empty base gives just the key.
inline std::string join_path(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}
inline std::string index_path(const std::string& base, size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

}  // namespace workflow
