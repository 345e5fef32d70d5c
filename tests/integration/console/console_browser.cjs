// The console driven in headless Chromium (puppeteer-core) against a running
// agent-host (run_console_test.py starts it): the user journeys, the
// error messages, escaping, CSP, accessibility (axe-core), two widths and the
// 1,000-task board's time to interactive. Screenshots go to CONSOLE_OUTPUT.
"use strict";
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.env.CONSOLE_BASE;
const output = process.env.CONSOLE_OUTPUT;
const failures = [];
const check = (ok, what) => { console.log((ok ? "ok   " : "FAIL ") + what); if (!ok) failures.push(what); };

async function api(method, url, body, headers) {
  const response = await fetch(base + url, {
    method, headers: Object.assign({ "content-type": "application/json" }, headers || {}),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function axe(page, name) {
  await page.evaluate(axeSource);  // CDP evaluation: not page script, so the CSP does not apply
  const result = await page.evaluate(() => axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of bad) console.log("  axe " + name + ": " + v.id + " (" + v.impact + ") " + v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", "));
  check(bad.length === 0, "axe: no serious or critical violation on " + name);
}

// A fresh load each time: moving only the hash would keep the page's state.
async function open(page, hash) {
  await page.goto("about:blank");
  await page.goto(base + "/console/" + hash, { waitUntil: "networkidle0" });
}

const shot = (page, name) => page.screenshot({ path: path.join(output, name + ".png"), fullPage: true });

async function waitForText(page, selector, text, timeout) {
  await page.waitForFunction((s, t) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t)),
    { timeout: timeout || 10000 }, selector, text);
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM, headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("dialog", async (d) => { problems.push("a dialog opened: " + d.message()); await d.dismiss(); });
  await page.setViewport({ width: 1400, height: 900 });

  // The page: redirected to the prefix with a slash, strict CSP.
  const first = await page.goto(base + "/console");
  check(first.url() === base + "/console/", "/console redirects to /console/");
  const csp = first.headers()["content-security-policy"] || "";
  check(/script-src 'self'(;|$)/.test(csp) && !csp.includes("unsafe-eval"), "CSP allows only the console's own scripts: " + csp);
  await page.waitForSelector(".column[data-status=done] h2");

  // Create tasks through the form; a hostile title shows as text.
  async function createInForm(title) {
    await page.click("button.primary");  // New task
    await page.waitForSelector("form.task-form input");
    await page.type("form.task-form input", title);
    await page.click("form.task-form button[type=submit]");
    await waitForText(page, ".column[data-status=todo] .card-title", title);
  }
  const hostile = "<img src=x onerror=alert(1)>";
  await createInForm(hostile);
  const escaped = await page.evaluate((t) => {
    const cards = [...document.querySelectorAll(".card-title")].filter((e) => e.textContent === t);
    return cards.length === 1 && !document.querySelector(".board img");
  }, hostile);
  check(escaped, "a task titled " + hostile + " shows as text");

  const title = "Console journey " + Date.now();
  await createInForm(title);
  await shot(page, "board-1400");

  // Edit it: the form sends a PATCH with If-Match.
  await page.evaluate((t) => [...document.querySelectorAll(".card-title")].find((e) => e.textContent === t).click(), title);
  await page.waitForSelector('form[aria-label="Edit task"]');
  await axe(page, "the task form");
  const fields = await page.$$('form[aria-label="Edit task"] input');
  await fields[1].type("ada");  // assignee
  await fields[2].type("console, e2e");  // tags
  await page.select('form[aria-label="Edit task"] select', "high");
  await page.click('form[aria-label="Edit task"] button[type=submit]');
  await page.waitForFunction((t) => [...document.querySelectorAll(".card")].some((c) =>
    c.querySelector(".card-title").textContent === t && c.textContent.includes("@ada") && c.textContent.includes("e2e") && c.textContent.includes("high")), {}, title);
  check(true, "a task edited through the form shows its new assignee, tags and priority");

  // Move it to done on the board; the bundled review workflow runs.
  await page.evaluate((t) => {
    const card = [...document.querySelectorAll(".card")].find((c) => c.querySelector(".card-title").textContent === t);
    card.setAttribute("data-test", "journey");
  }, title);
  await page.select('[data-test=journey] select', "done");
  await waitForText(page, ".column[data-status=done] .card-title", title);
  check(true, "the task moved to done on the board");

  await open(page, "#/workflows/review-finished-work");
  await page.waitForFunction(() => [...document.querySelectorAll("table.runs tr")].some((r) => r.textContent.includes("succeeded")), { timeout: 30000 });
  check(true, "the review workflow's run appears and succeeds");
  await shot(page, "workflow-runs");
  await axe(page, "workflow runs");
  await page.click("table.runs tbody tr a");
  await page.waitForSelector("ol.timeline li.step");
  await waitForText(page, "ol.timeline", "follow_up");
  await waitForText(page, "ol.timeline", "Attempt 1: ok");
  check(true, "the run's timeline shows its step and attempt");
  await shot(page, "run-timeline");
  await axe(page, "run timeline");

  // Start a run from the form generated from webhook-intake's input schema.
  await open(page, "#/workflows/webhook-intake");
  await page.waitForSelector('form[aria-label="Start a run"] input');
  await page.type('form[aria-label="Start a run"] input', '{"title": "Started from the console"}');
  await page.click('form[aria-label="Start a run"] button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith("#/runs/"));
  await waitForText(page, "main p", "succeeded", 30000);
  check(true, "a run started from the schema's form succeeds");

  // Cancel a running one: a workflow that waits a minute.
  const waiting = await fetch(base + "/workflow/workflows", {
    method: "POST", headers: { "content-type": "application/yaml" },
    body: "name: console-wait\ndescription: Waits a minute\nsteps:\n  - id: wait\n    type: delay\n    with: {duration: 1m}\n",
  });
  check(waiting.status === 201, "a waiting workflow uploaded");
  await open(page, "#/workflows/console-wait");
  await page.waitForSelector('form[aria-label="Start a run"] textarea');
  await page.click('form[aria-label="Start a run"] button[type=submit]');
  await page.waitForSelector("button.danger");
  await page.click("button.danger");
  await waitForText(page, "main p", "cancelled", 10000);
  check(!(await page.$("button.danger")), "a waiting run is cancelled from its page");

  await open(page, "#/workflows");
  await waitForText(page, "table.list", "review-finished-work");
  await waitForText(page, "table.list", "on task.transitioned");
  await axe(page, "workflows");

  // A failing transition shows its message (done -> blocked is illegal).
  const done = (await api("POST", "/task/tasks", { title: "Finished already" })).body;
  await api("POST", `/task/tasks/${done.id}/transitions`, { to: "done" }, { "if-match": '"1"' });
  await open(page, "#/tasks");
  await waitForText(page, ".column[data-status=done] .card-title", "Finished already");
  await page.evaluate(() => {
    const card = [...document.querySelectorAll(".column[data-status=done] .card")].find((c) => c.textContent.includes("Finished already"));
    card.setAttribute("data-test", "finished");
  });
  await page.select("[data-test=finished] select", "blocked");
  await waitForText(page, "p.message.error", "Cannot move");
  const message = await page.$eval("p.message.error", (e) => e.textContent);
  check(message.includes("Allowed: To do"), "the illegal transition's message names what is allowed: " + message);
  await shot(page, "illegal-transition");

  // A stale card: changed elsewhere, the move answers 412 and the card reloads.
  const stale = (await api("POST", "/task/tasks", { title: "Stale card" })).body;
  await open(page, "#/tasks");
  await waitForText(page, ".column[data-status=todo] .card-title", "Stale card");
  await api("PATCH", `/task/tasks/${stale.id}`, { priority: "urgent" });
  await page.evaluate(() => {
    const card = [...document.querySelectorAll(".card")].find((c) => c.textContent.includes("Stale card"));
    card.setAttribute("data-test", "stale");
  });
  await page.select("[data-test=stale] select", "in_progress");
  await waitForText(page, "p.message.error", "changed by someone else");
  await page.waitForFunction(() => [...document.querySelectorAll(".card")].some((c) => c.textContent.includes("Stale card") && c.textContent.includes("urgent")));
  check(true, "a 412 says the task changed and reloads that card");
  await axe(page, "task board");

  // Reports: generate now, the HTML report is shown in the page.
  await open(page, "#/reports");
  await page.click('form[aria-label="Generate a report"] button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith("#/reports/"), { timeout: 30000 });
  await page.waitForSelector("iframe.report");
  const frame = await (await page.$("iframe.report")).contentFrame();
  await frame.waitForSelector("table");
  check((await frame.content()).includes("task-status"), "the generated HTML report is shown in the page");
  await shot(page, "report");
  await axe(page, "report");
  await open(page, "#/reports");
  await page.waitForSelector("table.list tbody tr");
  await axe(page, "reports");
  // A custom range of one day (From = To: the day is included).
  const today = new Date().toISOString().slice(0, 10);
  await page.select('form[aria-label="Generate a report"] select', "custom");
  for (const input of await page.$$('form[aria-label="Generate a report"] input[type=date]')) {
    await input.evaluate((e, day) => { e.value = day; e.dispatchEvent(new Event("input", { bubbles: true })); }, today);
  }
  await page.click('form[aria-label="Generate a report"] button[type=submit]');
  await page.waitForFunction(() => location.hash.startsWith("#/reports/") || document.querySelector("form p.error"), { timeout: 30000 });
  const rangeError = await page.$eval("main", (m) => (m.querySelector("form p.error") || {}).textContent || "");
  check(rangeError === "" && (await page.evaluate(() => location.hash)).startsWith("#/reports/"),
    "a custom report of one day (From = To) is generated" + (rangeError ? ": " + rangeError : ""));

  // Every agent's health through its own path (<prefix>/health), as behind the Ingress.
  await open(page, "#/health");
  await page.waitForFunction(() => document.querySelectorAll("table.list tbody tr").length === 4);
  // Path, agent and status cells of each row.
  const healthRows = await page.$$eval("table.list tbody tr", (rows) => rows.map((r) => [...r.cells].slice(0, 3).map((c) => c.textContent.trim()).join(" | ")));
  for (const [path, agent] of [["/task", "task-manager"], ["/workflow", "workflow"], ["/reporting", "reporting"], ["/console", "console"]])
    check(healthRows.includes(`${path} | ${agent} 1.0.0 | ok`),
      `the Health page shows ${agent} as ok through ${path}/health (rows: ${JSON.stringify(healthRows)})`);
  await shot(page, "health");
  await axe(page, "health");

  // A board as people see it, for docs/console.md: overdue, blocked, tags.
  const day = 86400000;
  const seeds = [
    { title: "Renew the TLS certificate", priority: "urgent", assignee: "ada", tags: ["ops"], due_at: new Date(Date.now() - 2 * day).toISOString() },
    { title: "Migrate reports to the new template", priority: "high", assignee: "grace", tags: ["reporting"], due_at: new Date(Date.now() + 5 * day).toISOString() },
    { title: "Wait for the vendor's API key", priority: "medium", assignee: "linus", tags: ["integration"] },
    { title: "Write the onboarding guide", priority: "low", assignee: "ada", tags: ["docs"] },
  ];
  for (const seed of seeds) {
    const task = (await api("POST", "/task/tasks", seed)).body;
    if (seed.title.startsWith("Wait")) await api("POST", `/task/tasks/${task.id}/transitions`, { to: "blocked" }, { "if-match": '"1"' });
    if (seed.title.startsWith("Migrate")) await api("POST", `/task/tasks/${task.id}/transitions`, { to: "in_progress" }, { "if-match": '"1"' });
  }
  await open(page, "#/tasks");
  await page.waitForSelector(".card.overdue");
  check(await page.$eval(".card.overdue", (c) => c.textContent.includes("Overdue")), "an overdue task is flagged on the board");
  check(await page.$eval(".card.blocked", (c) => c.textContent.includes("Blocked")), "a blocked task is flagged on the board");
  await shot(page, "board-seeded-1400");

  // Filters: assignee and tag narrow every column; the counts stay global.
  await page.type('form.filters input[name=assignee]', "ada");
  await page.type('form.filters input[name=tag]', "ops");
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => {
    const cards = [...document.querySelectorAll(".column li.card")];
    return cards.length === 1 && cards[0].textContent.includes("Renew the TLS certificate");
  }, { timeout: 10000 });
  check(true, "filtering by assignee and tag leaves only the matching task");

  // 375 px: nothing wider than the screen.
  await page.setViewport({ width: 375, height: 800 });
  await open(page, "#/tasks");
  await page.waitForSelector(".column[data-status=done] li.card");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
  check(overflow <= 375, "the board fits 375 px (document " + overflow + " px wide)");
  await shot(page, "board-375");
  await axe(page, "task board at 375 px");
  for (const [hash, ready] of [["#/workflows", "table.list tbody tr"], ["#/reports", "table.list tbody tr"], ["#/health", "table.list tbody tr"]]) {
    await open(page, hash);
    await page.waitForSelector(ready);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    check(width <= 375, hash + " fits 375 px (document " + width + " px wide)");
    await axe(page, hash + " at 375 px");
  }

  // 1,000 tasks: time from navigation start to a board with every column and count.
  const items = [];
  for (let i = 0; i < 1000; ++i)
    items.push({ title: "Load " + i, priority: ["low", "medium", "high", "urgent"][i % 4], assignee: "user" + (i % 10), tags: ["bulk"] });
  const bulk = await api("POST", "/task/tasks/bulk", { create: items });
  check(bulk.status === 200 && bulk.body.created.length === 1000, "1,000 tasks created (bulk)");
  await page.setViewport({ width: 1400, height: 900 });
  const timings = [];
  for (let i = 0; i < 3; ++i) {
    await page.goto("about:blank");
    await page.goto(base + "/console/#/tasks", { waitUntil: "domcontentloaded" });
    // The moment is taken in the page, on the first frame the board is complete.
    const ready = await page.waitForFunction(() => {
      const count = document.querySelector(".column[data-status=todo] .count");
      const complete = document.querySelectorAll(".column li.card").length >= 50 &&
        !document.querySelector(".column li.muted") && count && count.textContent !== "";
      return complete ? performance.now() : false;
    }, { polling: "raf", timeout: 10000 });
    timings.push(await ready.jsonValue());
  }
  // The median of three loads: one load can stall on a machine shared with builds.
  const median = timings.slice().sort((a, b) => a - b)[1];
  console.log("board with 1,000+ tasks interactive after " + timings.map((t) => t.toFixed(0) + " ms").join(", ") + " (navigation start to every column and count drawn)");
  // A figure, not a pass/fail: a shared, loaded machine would make a time
  // limit flaky. docs/performance.md records it on a quiet machine (< 1 s).
  console.log("board median " + median.toFixed(0) + " ms (target under 1 s on a quiet machine)");

  const csp_errors = problems.filter((p) => /Content Security Policy|Refused/.test(p));
  check(csp_errors.length === 0, "no CSP violation in the browser" + (csp_errors.length ? ": " + csp_errors.join(" | ") : ""));
  check(!problems.some((p) => p.startsWith("a dialog")), "no script from user text ran (no dialog)");
  if (problems.length) console.log("browser console errors:\n  " + problems.join("\n  "));
  await browser.close();
}

main().then(() => {
  if (failures.length) { console.log(failures.length + " check(s) failed"); process.exit(1); }
  console.log("all checks passed");
}, (e) => { console.error(e); process.exit(1); });
