"""The console in a real browser against a real agent-host.

Starts agent-host with the shipped configs/all-in-one.yaml (changed only where
a test machine must differ, as tests/support/shipped_config.cpp does: loopback
port 0, the test's own data folder, no secrets, the build's plugins, the
source tree's workflow templates), measures the console's compressed assets,
then runs console_browser.cjs (puppeteer-core driving Debian's Chromium).

  run_console_test.py BIN_DIR TOOLS_DIR OUTPUT_DIR
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

SOURCE = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
ASSET_BUDGET = 150 * 1024  # compressed bytes, the limit


def start_host(bin_dir, work, api_key=None, disabled=()):
    with open(os.path.join(SOURCE, "configs", "all-in-one.yaml")) as f:
        config = yaml.safe_load(f)
    for plugin in disabled:
        config["plugins"][plugin]["enabled"] = False
    if api_key:
        keys = os.path.join(work, "api-keys")
        with open(keys, "w") as f:
            f.write(api_key + "\n")
        config["auth"]["api_keys_file"] = keys
    for listener in ("http", "metrics"):
        config[listener]["address"] = "127.0.0.1"
        config[listener]["port"] = 0
    config["storage"] = {"data_dir": os.path.join(work, "data")}
    config["secrets_dir"] = os.path.join(work, "secrets")
    config.pop("plugin_dirs", None)
    config["plugins"]["workflow"]["config"]["definitions_dir"] = os.path.join(SOURCE, "configs", "workflows")
    path = os.path.join(work, "config.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(config, f)
    log = open(os.path.join(work, "host.log"), "w+")
    process = subprocess.Popen([os.path.join(bin_dir, "agent-host"), "--config", path],
                               stdout=log, stderr=subprocess.STDOUT, cwd=work)
    deadline = time.time() + 20
    while time.time() < deadline:
        if process.poll() is not None:
            break
        log.seek(0)
        for line in log:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if "http_port" in entry:
                return process, "http://127.0.0.1:%d" % entry["http_port"]
        time.sleep(0.1)
    log.seek(0)
    sys.exit("agent-host did not start:\n" + log.read())


def measure_assets(base):
    """Every file the page loads, compressed (gzip -9), and the total."""
    page = urllib.request.urlopen(base + "/console/").read().decode()
    names = ["index.html"] + [part.split('"')[0] for part in page.split('src="assets/')[1:]] + \
            [part.split('"')[0] for part in page.split('href="assets/')[1:]]
    total = 0
    for name in names:
        url = base + "/console/" + ("" if name == "index.html" else "assets/" + name)
        body = urllib.request.urlopen(url).read()
        size = len(gzip.compress(body, 9))
        print("asset %-22s %7d bytes, %6d gzip -9" % (name, len(body), size))
        total += size
    print("console assets: %d bytes compressed (budget %d)" % (total, ASSET_BUDGET))
    if total >= ASSET_BUDGET:
        sys.exit("the console's assets are over budget")


def status_of(url, key=None):
    request = urllib.request.Request(url, headers={"authorization": "Bearer " + key} if key else {})
    try:
        return urllib.request.urlopen(request).status
    except urllib.error.HTTPError as e:
        return e.code


def check_auth(bin_dir, tools_dir, chromium, output):
    """With API keys on: the console's files need none, the agents' APIs do.
    This host serves no reporting, as a pod behind an Ingress whose reporting
    role is down: the Health page must say so."""
    work = tempfile.mkdtemp(prefix="console-auth-test-")
    process, base = start_host(bin_dir, work, api_key="console-test-key", disabled=("reporting",))
    try:
        expected = [
            ("/console/", None, 200), ("/console/assets/app.js", None, 200),
            ("/console/assets/nope.js", None, 404), ("/console/elsewhere", None, 401),
            ("/task/tasks", None, 401), ("/task/tasks", "wrong", 401),
            ("/task/tasks", "console-test-key", 200),
        ]
        for path, key, status in expected:
            got = status_of(base + path, key)
            print("%s %s with %s: %d (expected %d)" % ("ok  " if got == status else "FAIL", path, key, got, status))
            if got != status:
                sys.exit("authentication of the console's routes is wrong")
        document = json.load(urllib.request.urlopen(urllib.request.Request(
            base + "/openapi.json")))
        page = document["paths"]["/console/"]["get"] if "/console/" in document["paths"] else document["paths"]["/console"]["get"]
        if page.get("security") != [] or document["paths"]["/task/tasks"]["get"].get("security") == []:
            sys.exit("/openapi.json does not say which routes need no key")
        print("ok   /openapi.json: the console's page has security: [], the agents' routes keep the bearer")
        env = dict(os.environ, NODE_PATH=os.path.join(tools_dir, "node_modules"), CONSOLE_BASE=base,
                   CONSOLE_API_KEY="console-test-key", CONSOLE_OUTPUT=output, CHROMIUM=chromium)
        if subprocess.run(["node", os.path.join(os.path.dirname(__file__), "console_key.cjs")],
                          env=env, timeout=60).returncode != 0:
            sys.exit("the console's API key flow failed")
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def main():
    bin_dir, tools_dir, output = (os.path.abspath(a) for a in sys.argv[1:4])
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        sys.exit("%s not found: install Debian's chromium (tools/install-deps.sh --test) "
                 "or set CHROMIUM to a Chromium binary" % chromium)
    os.makedirs(output, exist_ok=True)
    check_auth(bin_dir, tools_dir, chromium, output)
    work = tempfile.mkdtemp(prefix="console-test-")
    process, base = start_host(bin_dir, work)
    try:
        measure_assets(base)
        env = dict(os.environ, NODE_PATH=os.path.join(tools_dir, "node_modules"),
                   CONSOLE_BASE=base, CONSOLE_OUTPUT=output,
                   CHROMIUM=chromium)
        done = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "console_browser.cjs")],
                              env=env, timeout=150)
        if done.returncode != 0:
            with open(os.path.join(work, "host.log")) as f:
                tail = f.readlines()[-30:]
            sys.exit("the browser test failed; the host's last log lines:\n" + "".join(tail))
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
