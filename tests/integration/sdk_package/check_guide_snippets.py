#!/usr/bin/env python3
"""check_guide_snippets.py GUIDE SOURCE...

Every ```cpp, ```c and ```cmake block of the plugin guide must appear verbatim
in one of the example's source files, which the sdk_package test compiles and
loads: so each snippet the guide shows is code that builds."""
import re
import sys


def main() -> int:
    guide_path, *source_paths = sys.argv[1:]
    sources = {path: open(path, encoding="utf-8").read() for path in source_paths}
    guide = open(guide_path, encoding="utf-8").read()
    blocks = re.findall(r"^```(cpp|c|cmake)\n(.*?)^```$", guide, flags=re.S | re.M)
    if not blocks:
        print(f"{guide_path}: no cpp/c/cmake blocks found; is the fence syntax intact?")
        return 1
    failures = 0
    for language, text in blocks:
        if not any(text in source for source in sources.values()):
            failures += 1
            first_line = text.splitlines()[0] if text.strip() else "(empty)"
            print(f"{guide_path}: this {language} block is not in any example file "
                  f"(update the guide or the example): {first_line!r}")
    print(f"{len(blocks) - failures} of {len(blocks)} code blocks match the example files")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
