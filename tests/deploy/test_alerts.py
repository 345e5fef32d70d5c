#!/usr/bin/env python3
"""The shipped alert rules, extracted from the rendered PrometheusRule
(deploy/k8s/shared), pass `promtool check rules` and the unit tests in
alerts_test.yaml, which show every alert both firing and not firing."""
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

import policy
import render

HERE = os.path.dirname(os.path.abspath(__file__))


def promtool():
    path = os.environ.get("AH_PROMTOOL") or shutil.which("promtool")
    if not path:
        sys.exit("promtool not found: install Debian's prometheus package (tools/install-deps.sh --test) "
                 "or set AH_PROMTOOL")
    return path


def coverage(checks, rules, tests):
    """Every alert has a case where it fires and one where it does not."""
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    fired, silent = set(), set()
    for test in tests["tests"]:
        for case in test.get("alert_rule_test") or []:
            (fired if case.get("exp_alerts") else silent).add(case["alertname"])
    for alert in sorted(alerts):
        checks.expect(alert in fired, "alerts_test.yaml", "no case shows %s firing" % alert)
        checks.expect(alert in silent, "alerts_test.yaml", "no case shows %s not firing" % alert)
    for unknown in sorted((fired | silent) - alerts):
        checks.expect(False, "alerts_test.yaml", "tests an alert the rules do not have: %s" % unknown)


def main():
    checks = render.Checks()
    shared = render.parse(render.shared_text())
    found = policy.find(shared, "PrometheusRule")
    if not checks.expect(len(found) == 1, "kustomize shared", "expected one PrometheusRule"):
        return checks.finish("alerts")
    rules = {"groups": found[0]["spec"]["groups"]}
    with open(os.path.join(HERE, "alerts_test.yaml")) as f:
        tests = yaml.safe_load(f)
    coverage(checks, rules, tests)
    with tempfile.TemporaryDirectory() as tmp:
        rules_file = os.path.join(tmp, "agent-host-alerts.yaml")
        with open(rules_file, "w") as f:
            yaml.safe_dump(rules, f, sort_keys=False)
        tests["rule_files"] = [rules_file]
        tests_file = os.path.join(tmp, "alerts_test.yaml")
        with open(tests_file, "w") as f:
            yaml.safe_dump(tests, f, sort_keys=False)
        for args in (["check", "rules", rules_file], ["test", "rules", tests_file]):
            done = subprocess.run([promtool()] + args, capture_output=True, text=True)
            print("promtool %-30s %s" % (" ".join(args[:2]), "ok" if done.returncode == 0 else "FAILED"))
            checks.expect(done.returncode == 0, "promtool " + " ".join(args[:2]), done.stdout + done.stderr)
    return checks.finish("alerts")


if __name__ == "__main__":
    sys.exit(main())
