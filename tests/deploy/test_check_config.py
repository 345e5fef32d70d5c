#!/usr/bin/env python3
"""The ConfigMaps exactly as rendered (Kustomize and Helm) pass
`agent-host check-config` with the real binary and plugins; a config with an
unknown key does not.

Usage: test_check_config.py AGENT_HOST_BINARY
"""
import os
import subprocess
import sys
import tempfile

import policy
import render


def check_config(binary, path):
    done = subprocess.run([binary, "check-config", path], capture_output=True, text=True, timeout=60)
    return done.returncode, (done.stdout + done.stderr).strip()


def main():
    if len(sys.argv) != 2 or not os.access(sys.argv[1], os.X_OK):
        sys.exit("usage: test_check_config.py AGENT_HOST_BINARY (an executable)")
    binary = sys.argv[1]
    checks = render.Checks()
    with tempfile.TemporaryDirectory() as tmp:
        for label, role, objects in render.rendered_sets():
            maps = policy.config_maps(objects)
            if not checks.expect(len(maps) == 1, label, "expected one ConfigMap agent-host-config[-hash]"):
                continue
            path = os.path.join(tmp, label.replace(" ", "_"), "config.yaml")
            os.makedirs(os.path.dirname(path))
            with open(path, "w") as f:
                f.write(maps[0]["data"]["config.yaml"])
            code, output = check_config(binary, path)
            print("%-40s exit %d" % (label, code))
            crash = " (killed by signal %d: the binary crashed)" % -code if code < 0 else ""
            checks.expect(code == 0, label, "check-config exited %d%s:\n%s" % (code, crash, output))

        # The check must be able to fail: an unknown key is an error.
        bad = os.path.join(tmp, "unknown-key.yaml")
        with open(render.config_path("task-manager")) as src, open(bad, "w") as f:
            f.write(src.read() + "\nno_such_key: 1\n")
        code, output = check_config(binary, bad)
        print("%-40s exit %d" % ("config with an unknown key", code))
        checks.expect(code == 1, "unknown key", "check-config must exit 1 on an unknown key, got %d:\n%s" % (code, output))
        checks.expect("no_such_key" in output, "unknown key", "the error must name the key:\n" + output)
    return checks.finish("check-config")


if __name__ == "__main__":
    sys.exit(main())
