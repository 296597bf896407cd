// Opens a vouch HTML report in headless Chromium, offline, and checks what a reader gets.
//
// Usage: node check_report.mjs REPORT.html [--filter] [--screenshot OUT.png] [--pdf OUT.pdf]
//                                          [--width PX] [--top PX] [--expect-text TEXT]...
//
// Always: no request leaves the page (every one is recorded and blocked), no
// console error, no page error, no dialog, exactly one script element, no
// header cell broken inside a word, and with JavaScript off every finding is
// still shown. --filter: the severity and area filters hide and show
// findings, and print media shows them all, opens the collapsed evidence and
// hides the filter form. --expect-text: the page's visible text contains TEXT
// literally. --screenshot: a screenshot of the screen view (the whole page,
// or its top --top pixels); --pdf: the page printed with the print
// stylesheet. --width: the viewport width (1280 by default); the page must
// never scroll sideways. Chromium comes from $CHROMIUM or /usr/bin/chromium.

import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
const option = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const report = args.find((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].match(/^--(screenshot|pdf|expect-text|width|top)$/)));
const width = Number(option("--width") || 1280);
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
  const context = await browser.newContext({ viewport: { width, height: 900 }, ...options });
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
  await checkLayout(page, "screen");
  if (args.includes("--filter")) {
    await checkFilter(page);
    await checkPrint(page);
  }
  const screenshot = option("--screenshot");
  if (screenshot) {
    await page.emulateMedia({ media: "screen" });
    const top = option("--top");
    // The clip is measured from the top of the page, wherever the checks left it scrolled.
    const clip = top ? { x: 0, y: 0, width, height: Number(top) } : undefined;
    await page.screenshot({ path: screenshot, fullPage: true, clip });
    console.log(`screenshot written to ${screenshot}`);
  }
  const pdf = option("--pdf");
  if (pdf) {
    // page.pdf() prints with the emulated media: switch to print, or the PDF shows the screen view.
    await page.emulateMedia({ media: "print" });
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    await page.emulateMedia({ media: "screen" });
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
  // An A4 page at 96 dpi less the 14 mm side margins of the print stylesheet, as page.pdf() lays it out.
  await page.setViewportSize({ width: 688, height: 1000 });
  await page.emulateMedia({ media: "print" });
  const findings = page.locator("article.finding");
  check(await visibleCount(findings) === await findings.count(), "print shows every finding, filter or not");
  check(!(await page.locator("#filters").isVisible()), "print hides the filter form");
  check(!(await page.locator("nav.toc").isVisible()), "print hides the table of contents");
  const evidence = page.locator("details.evidence tbody tr").first();
  if (await evidence.count() > 0) {
    check(await evidence.isVisible(), "print shows the collapsed passed-check evidence");
  }
  const ledger = page.locator("#exceptions tbody tr");
  check(await visibleCount(ledger) === await ledger.count(), "print shows every waiver, comment and suppressed finding");
  await checkLayout(page, "print");
  await page.emulateMedia({ media: "screen" });
  await page.setViewportSize({ width, height: 900 });
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

/** How many elements of `locator` are rendered, counted in the page in one call (fast for thousands). */
async function visibleCount(locator) {
  return locator.evaluateAll((elements) => elements.filter((e) => e.checkVisibility()).length);
}

/**
 * No sideways scrolling of the page, and no table header, status or badge
 * broken inside a word ("Suppres sed", "passin g"): a word wider than its
 * cell gets split over two lines.
 */
async function checkLayout(page, label) {
  if (label === "screen") {
    // Printing lays the page out on paper, not in the window, so only the screen can scroll sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `${label}: the page does not scroll sideways (${overflow}px too wide)`);
  }
  const broken = await page.evaluate(() => {
    const out = [];
    for (const th of document.querySelectorAll("thead th, td[class^='status-'], .badge, .xstatus")) {
      if (!th.checkVisibility()) { continue; }
      const words = th.textContent.trim().split(/\s+/);
      const range = document.createRange();
      range.selectNodeContents(th);
      const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (lines.size > words.length) { out.push(th.textContent.trim()); }
    }
    return out;
  });
  check(broken.length === 0, `${label}: no table header, status or badge is broken inside a word (${broken.slice(0, 5).join(", ") || "none"})`);
}
