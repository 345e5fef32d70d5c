#!/usr/bin/env python3
"""Checks the code's shape: no function over 80 lines and no file over 500
lines in sdk/, host/ and plugins/ (tests are exempt), unless the code says why.

A long file says why in a comment among its first five lines that starts with
"Over 500 lines:"; a long function, in a comment on one of the three lines
above it that starts with "Over 80 lines:". Functions are found by Universal
Ctags (Debian's universal-ctags), which gives each one's first and last line;
a lambda is measured inside the function that holds it.

  tools/check-shape.py            checks the tree, exit 1 naming each offender
  tools/check-shape.py --list N   also prints the N longest functions
"""
import argparse
import json
import pathlib
import re
import shutil
import subprocess
import sys

MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
CHECKED_DIRS = ("sdk", "host", "plugins")
SOURCE_SUFFIXES = {".c", ".cc", ".cpp", ".h", ".hpp"}
FILE_REASON = re.compile(r"^\s*(//|/\*|\*)\s*Over 500 lines:")
FUNCTION_REASON = re.compile(r"^\s*(//|/\*|\*)\s*Over 80 lines:")


def source_files(repo: pathlib.Path) -> list[pathlib.Path]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                             *CHECKED_DIRS], cwd=repo, check=True, capture_output=True,
                            text=True).stdout.split()
    return [repo / name for name in listed
            if pathlib.Path(name).suffix in SOURCE_SUFFIXES and (repo / name).is_file()]


def functions(repo: pathlib.Path, files: list[pathlib.Path]) -> list[dict]:
    if not shutil.which("ctags"):
        sys.exit("check-shape: ctags not found; install Debian's universal-ctags "
                 "(tools/install-deps.sh --test does)")
    out = subprocess.run(["ctags", "--output-format=json", "--fields=+ne", "--kinds-C++=f",
                          "--kinds-C=f", "--language-force=C++", "-o", "-",
                          *[str(f.relative_to(repo)) for f in files]],
                         cwd=repo, check=True, capture_output=True, text=True).stdout
    tags = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [t for t in tags if t.get("_type") == "tag" and "end" in t and
            t.get("scopeKind") != "function"]  # a lambda is counted in its function


def long_files(repo, files, lines_of):
    for path in files:
        lines = lines_of(path)
        if len(lines) > MAX_FILE_LINES and not any(FILE_REASON.match(l) for l in lines[:5]):
            yield f"{path.relative_to(repo)}: {len(lines)} lines (limit {MAX_FILE_LINES}); " \
                  f"split it by concern, or say why at its top: // Over 500 lines: <reason>"


def long_functions(repo, tags, lines_of):
    for tag in tags:
        length = tag["end"] - tag["line"] + 1
        if length <= MAX_FUNCTION_LINES:
            continue
        lines = lines_of(repo / tag["path"])
        above = lines[max(0, tag["line"] - 4):tag["line"] - 1]
        if not any(FUNCTION_REASON.match(l) for l in above):
            yield f"{tag['path']}:{tag['line']}: {tag['name']} is {length} lines " \
                  f"(limit {MAX_FUNCTION_LINES}); split it, or say why above it: " \
                  f"// Over 80 lines: <reason>"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=pathlib.Path(__file__).resolve().parent.parent,
                        type=pathlib.Path)
    parser.add_argument("--list", type=int, default=0, metavar="N",
                        help="also print the N longest functions")
    args = parser.parse_args()
    repo = args.repo.resolve()
    cache: dict[pathlib.Path, list[str]] = {}

    def lines_of(path):
        if path not in cache:
            cache[path] = path.read_text(encoding="utf-8", errors="replace").splitlines()
        return cache[path]

    files = source_files(repo)
    tags = functions(repo, files)
    problems = list(long_files(repo, files, lines_of)) + list(long_functions(repo, tags, lines_of))
    for tag in sorted(tags, key=lambda t: t["line"] - t["end"])[:args.list]:
        print(f"{tag['end'] - tag['line'] + 1:4} {tag['path']}:{tag['line']} {tag['name']}")
    for problem in problems:
        print(problem)
    print(f"check-shape: {len(files)} files, {len(tags)} functions, {len(problems)} over the limits")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
