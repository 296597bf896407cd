// Opens a vouch HTML report in headless Chromium, offline, and checks what a reader gets.
//
// Usage: node check_report.mjs REPORT.html [--filter] [--screenshot OUT.png] [--pdf OUT.pdf]
//                                          [--expect-text TEXT]...
//
// Always: no request leaves the page (every one is recorded and blocked), no
// console error, no page error, no dialog, exactly one script element, and
// with JavaScript off every finding is still shown. --filter: the severity
// and area filters hide and show findings, and print media shows them all.
// --expect-text: the page's visible text contains TEXT literally.
// Chromium comes from $CHROMIUM or /usr/bin/chromium.

import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
const report = args.find((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].match(/^--(screenshot|pdf|expect-text)$/)));
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const expectTexts = args.flatMap((a, i) => (a === "--expect-text" ? [args[i + 1]] : []));
const failures = [];
const check = (ok, what) => { if (!ok) { failures.push(what); } console.log(`${ok ? "ok  " : "FAIL"} ${what}`); };

if (!report) {
  console.error("usage: node check_report.mjs REPORT.html [--filter] [--screenshot OUT.png] [--pdf OUT.pdf] [--expect-text TEXT]");
  process.exit(2);
}
const url = pathToFileURL(path.resolve(report)).href;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});

try {
  await checkPage(browser);
  await checkWithoutScripts(browser);
} finally {
  await browser.close();
}

if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("all checks passed");

/** Opens the report with everything outside the file blocked and recorded. */
async function open(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const seen = { requests: [], console: [], pageErrors: [], dialogs: [] };
  await context.route("**/*", (route) => {
    const target = route.request().url();
    if (target === url) { return route.continue(); }
    seen.requests.push(target);
    return route.abort();
  });
  const page = await context.newPage();
  page.on("request", (r) => { if (r.url() !== url && !seen.requests.includes(r.url())) { seen.requests.push(r.url()); } });
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") { seen.console.push(`${m.type()}: ${m.text()}`); } });
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  page.on("dialog", (d) => { seen.dialogs.push(d.message()); d.dismiss(); });
  await page.goto(url, { waitUntil: "load" });
  return { context, page, seen };
}

function checkQuiet(seen, label) {
  check(seen.requests.length === 0, `${label}: no outgoing request (${seen.requests.join(", ") || "none"})`);
  check(seen.console.length === 0, `${label}: no console error or warning (${seen.console.join(" | ") || "none"})`);
  check(seen.pageErrors.length === 0, `${label}: no page error (${seen.pageErrors.join(" | ") || "none"})`);
  check(seen.dialogs.length === 0, `${label}: no dialog opened (${seen.dialogs.join(" | ") || "none"})`);
}

async function checkPage(browser) {
  const { context, page, seen } = await open(browser);
  const scripts = await page.locator("script").count();
  check(scripts === 1, `exactly one script element (found ${scripts})`);
  const text = await page.locator("body").innerText();
  for (const expected of expectTexts) {
    check(text.includes(expected), `visible text contains ${JSON.stringify(expected.slice(0, 60))}`);
  }
  if (args.includes("--filter")) {
    await checkFilter(page);
    await checkPrint(page);
  }
  const screenshot = option("--screenshot");
  if (screenshot) {
    await page.emulateMedia({ media: "screen" });
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`screenshot written to ${screenshot}`);
  }
  const pdf = option("--pdf");
  if (pdf) {
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    console.log(`PDF written to ${pdf}`);
  }
  checkQuiet(seen, "scripts on");
  await context.close();
}

/** Unticks one severity and one area, checks what hides, then resets. */
async function checkFilter(page) {
  const findings = page.locator("article.finding");
  const total = await findings.count();
  check(total >= 2, `at least two findings to filter (found ${total})`);
  check(await page.locator("#filters").isVisible(), "the filter form is shown when scripts run");

  const severity = await findings.first().getAttribute("data-severity");
  const ofSeverity = page.locator(`article.finding[data-severity="${severity}"]`);
  const hiddenCount = await ofSeverity.count();
  await page.locator(`#filters input[name="severity"][value="${severity}"]`).uncheck();
  check(await visibleCount(ofSeverity) === 0, `unticking ${severity} hides its ${hiddenCount} finding(s)`);
  check(await visibleCount(findings) === total - hiddenCount, `the other ${total - hiddenCount} findings stay visible`);
  const shown = await page.locator("#filter-count").innerText();
  check(shown === `Showing ${total - hiddenCount} of ${total} findings`, `the count reads "${shown}"`);

  await page.getByRole("button", { name: "Show all" }).click();
  await page.waitForFunction((n) => document.querySelectorAll("article.finding:not([hidden])").length === n, total);
  check(await visibleCount(findings) === total, "Show all brings every finding back");

  const area = await findings.last().getAttribute("data-area");
  await page.locator(`#filters input[name="area"][value="${area}"]`).uncheck();
  const ofArea = page.locator(`article.finding[data-area="${area}"]`);
  check(await visibleCount(ofArea) === 0, `unticking area ${area} hides its findings`);

  const boxes = page.locator("#filters input[type=checkbox]");
  for (let i = 0; i < await boxes.count(); i += 1) { await boxes.nth(i).uncheck(); }
  check(await page.locator("#no-match").isVisible(), "with nothing ticked the page says no finding matches");
}

/** Print media shows every finding (even filtered out), the evidence, and no filter form. */
async function checkPrint(page) {
  await page.emulateMedia({ media: "print" });
  const findings = page.locator("article.finding");
  check(await visibleCount(findings) === await findings.count(), "print shows every finding, filter or not");
  check(!(await page.locator("#filters").isVisible()), "print hides the filter form");
  const evidence = page.locator("details.evidence tbody tr").first();
  if (await evidence.count() > 0) {
    check(await evidence.isVisible(), "print shows the collapsed passed-check evidence");
  }
  await page.emulateMedia({ media: "screen" });
  await page.evaluate(() => document.getElementById("filters").reset());
  await page.waitForFunction(() => document.querySelectorAll("article.finding[hidden]").length === 0);
}

async function checkWithoutScripts(browser) {
  const { context, page, seen } = await open(browser, { javaScriptEnabled: false });
  const findings = page.locator("article.finding");
  check(await visibleCount(findings) === await findings.count(), "scripts off: every finding is shown");
  check(!(await page.locator("#filters").isVisible()), "scripts off: no filter form without a script to drive it");
  checkQuiet(seen, "scripts off");
  await context.close();
}

async function visibleCount(locator) {
  let n = 0;
  for (let i = 0; i < await locator.count(); i += 1) {
    if (await locator.nth(i).isVisible()) { n += 1; }
  }
  return n;
}
