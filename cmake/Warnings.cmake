# Warnings on for every target of this project; -Werror in CI (AH_WERROR).
# -Wnull-dereference is left out: at -O3 it fires inside nlohmann::json's own
# templates (false positives we cannot fix at the call site).
add_compile_options(-Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused -Wformat=2
                    # C++ only: the C plugin fixtures would warn about them.
                    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>
                    $<$<COMPILE_LANGUAGE:CXX>:-Woverloaded-virtual>)
if(AH_WERROR)
  add_compile_options(-Werror)
endif()
if(AH_FUZZ)
  # Coverage for libFuzzer in every library a harness links; the harnesses
  # themselves link -fsanitize=fuzzer (tests/fuzz/CMakeLists.txt).
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(AH_SANITIZE)
  # GCC 12's -Wmaybe-uninitialized is unreliable under the sanitizers' extra
  # code: it fires inside libstdc++'s std::regex (ours and valijson's) at -O2.
  # The debug and release presets keep it as an error.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
                      $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
  add_link_options(-fsanitize=address,undefined)
endif()
