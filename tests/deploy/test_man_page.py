"""The agent-host package's man page (deploy/debian/agent-host.1) names
every subcommand and option the binary's --help lists, so it cannot fall
behind the CLI. Usage: test_man_page.py AGENT_HOST_BINARY"""
import os
import re
import subprocess
import sys

MAN_PAGE = os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "debian", "agent-host.1")


def help_text(binary, *command):
    return subprocess.run([binary, *command, "--help"], capture_output=True, text=True, check=True).stdout


def subcommands(text):
    """The names under "Subcommands:" in CLI11's help."""
    section = text.split("Subcommands:", 1)[1] if "Subcommands:" in text else ""
    return [m.group(1) for m in re.finditer(r"^\s+([a-z][a-z-]+)\s", section, re.M)]


def long_options(text):
    return sorted(set(re.findall(r"(--[a-z][a-z-]+)", text)) - {"--help"})


def main():
    binary = sys.argv[1]
    with open(MAN_PAGE) as f:
        man = f.read().replace("\\-", "-")
    failures = []
    top = help_text(binary)
    names = subcommands(top)
    if not names:
        failures.append("no subcommand found in `agent-host --help`")
    for option in long_options(top):
        if option not in man:
            failures.append("option %s of agent-host is not in the man page" % option)
    for name in names:
        if not re.search(r"^\.B agent-host %s\b" % re.escape(name), man, re.M):
            failures.append("subcommand %s is not in the man page's SYNOPSIS" % name)
        if not re.search(r"^\.B %s$" % re.escape(name), man, re.M):
            failures.append("subcommand %s has no entry under COMMANDS" % name)
        for option in long_options(help_text(binary, name)):
            if option not in man:
                failures.append("option %s of %s is not in the man page" % (option, name))
    for failure in failures:
        print("FAIL " + failure)
    print("man page: %d subcommands, %d failures" % (len(names), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
