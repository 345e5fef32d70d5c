// With API keys on: the console loads without a key, asks for one on the
// first 401, keeps it in sessionStorage only and sends it as a bearer header.
"use strict";
const puppeteer = require("puppeteer-core");

const base = process.env.CONSOLE_BASE;
const key = process.env.CONSOLE_API_KEY;

async function main() {
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  const page = await browser.newPage();
  const urls = [];
  let bearer = 0;
  page.on("request", (r) => {
    urls.push(r.url());
    if ((r.headers().authorization || "") === "Bearer " + key) bearer++;
  });
  await page.goto(base + "/console/#/tasks", { waitUntil: "networkidle0" });
  await page.waitForSelector("form.key input[type=password]");
  await page.type("form.key input[type=password]", key);
  await page.click("form.key button[type=submit]");
  await page.waitForSelector(".column[data-status=todo] h2 .count");
  await page.waitForFunction(() => !document.querySelector(".column li.muted"));
  const stored = await page.evaluate(() => sessionStorage.getItem("agent-host-api-key"));
  const cookies = await page.cookies();
  const failures = [];
  if (stored !== key) failures.push("the key is not in sessionStorage");
  if (cookies.length) failures.push("the console set cookies: " + JSON.stringify(cookies));
  if (urls.some((u) => u.includes(key))) failures.push("the key appeared in a URL");
  if (bearer < 6) failures.push("the agents' calls did not carry the bearer header (" + bearer + ")");
  // This host serves no reporting: its row says unreachable, the others ok (no key needed).
  await page.goto(base + "/console/#/health", { waitUntil: "networkidle0" });
  await page.waitForFunction(() => document.querySelectorAll("table.list tbody tr").length === 4);
  const rows = await page.$$eval("table.list tbody tr", (trs) => trs.map((r) => [...r.cells].slice(0, 3).map((c) => c.textContent.trim()).join(" | ")));
  if (!rows.includes("/reporting |  | unreachable")) failures.push("the Health page does not show /reporting as unreachable: " + JSON.stringify(rows));
  if (!rows.includes("/task | task-manager 1.0.0 | ok")) failures.push("the Health page does not show /task as ok: " + JSON.stringify(rows));
  if (!(await page.$eval("main", (m) => m.textContent)).includes("1 of 4 agents unreachable or failing")) failures.push("the Health page does not count the agent that is down");
  await page.screenshot({ path: require("path").join(process.env.CONSOLE_OUTPUT, "health-role-down.png"), fullPage: true });
  await browser.close();
  if (failures.length) { console.log("FAIL " + failures.join("; ")); process.exit(1); }
  console.log("ok   with auth on: key asked once, kept in sessionStorage, sent as bearer on " + bearer + " calls, never in a URL or cookie");
  console.log("ok   the Health page shows a role that is down as unreachable: " + JSON.stringify(rows));
}
main().catch((e) => { console.error(e); process.exit(1); });
