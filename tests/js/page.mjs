// Drives Debian's Chromium (never a downloaded browser) through playwright-core for the page
// tests and `make screenshots`. Prints one JSON document for tests/test_accessibility.py.
//
//   node page.mjs audit URL WIDTH...         axe-core at WCAG 2.2 AA at each width: the violations
//   node page.mjs use URL                    filters, copy, keyboard, phone lines, no script
//   node page.mjs screenshot URL FILE WIDTH [TODAY]  a PNG, the browser's clock at TODAY
//   node page.mjs --each-line                any of these, one a line, in one browser
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const BROWSER = process.env.CHROMIUM || "/usr/bin/chromium";
// Without these, Chromium keeps reaching for the network this machine does not have.
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const PHONE = { width: 390, height: 844 };

async function open(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(String(error)));
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("request", (r) => !r.url().startsWith(new URL(url).origin) && problems.push(r.url()));
  return { context, page, problems };
}

// The page is loaded once, at the first width, and resized to each of the others: the
// layout is the stylesheet's media queries, which a resize applies as a load at that width
// would, for half the time of a fresh page.
async function audit(browser, url, widths) {
  const viewport = { width: widths[0], height: 900 };
  const { page, problems } = await open(browser, url, { viewport });
  await page.goto(url);
  // Evaluated through the DevTools protocol: the page's own policy still forbids any load.
  await page.evaluate(readFileSync(require.resolve("axe-core/axe.min.js"), "utf8"));
  const found = {};
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    const result = await page.evaluate(
      (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), TAGS);
    const violations = result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")),
    }));
    found[width] = { violations, passes: result.passes.length, problems: [...problems] };
  }
  return found;
}

// The lines each part of a release takes: the distinct bottoms of its text's boxes.
function lineCounts() {
  const lines = (element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const bottoms = new Set();
    while (walker.nextNode()) {
      if (!walker.currentNode.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(walker.currentNode);
      for (const box of range.getClientRects()) if (box.width > 0) bottoms.add(Math.round(box.bottom));
    }
    return bottoms.size;
  };
  return Array.from(document.querySelectorAll(".release")).map((li) => ({
    id: li.id, lines: lines(li), when: lines(li.querySelector(".when")),
    title: lines(li.querySelector(".title")), meta: lines(li.querySelector(".meta")),
    notes: li.querySelectorAll(".note").length,
  }));
}

const visible = () => Array.from(document.querySelectorAll(".release"))
  .filter((li) => !li.hidden).map((li) => li.id);

async function focusState(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
      tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name"),
      text: el.textContent.trim().slice(0, 60), outline: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      onScreen: box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    };
  });
}

async function filtering(page) {
  const out = { all: await page.evaluate(visible) };
  await page.selectOption("#filter-topic", "migration");
  out.migration = await page.evaluate(visible);
  await page.selectOption("#filter-month", "2014-05");
  out.migrationMay = await page.evaluate(visible);
  out.shown = await page.textContent("#shown");
  await page.selectOption("#filter-designation", "national-statistics");
  out.national = await page.evaluate(visible);
  out.empty = await page.evaluate(() => Array.from(document.querySelectorAll(".empty"))
    .filter((p) => !p.hidden).map((p) => p.textContent));
  await page.click("button[type=reset]");
  await page.waitForFunction(() => !document.querySelector(".release[hidden]"));
  out.reset = await page.evaluate(visible);
  return out;
}

async function keyboard(page) {
  const steps = [];
  await page.keyboard.press("Tab");
  steps.push(await focusState(page));
  await page.keyboard.press("Enter");
  steps.push(await focusState(page));
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press("Tab");
    steps.push(await focusState(page));
  }
  return steps;
}

async function use(browser, url) {
  const origin = new URL(url).origin;
  const { context, page, problems } = await open(browser, url);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  // The page decides what is upcoming from the visitor's clock: Sunday 1 June 2014.
  await page.clock.setFixedTime(new Date("2014-06-01T12:00:00+01:00"));
  await page.goto(url);
  const out = { problems };
  out.upcoming = await page.$$eval("#upcoming-list .release", (rows) => rows.map((r) => r.id));
  out.past = await page.$$eval("#past .release", (rows) => rows.map((r) => r.id));
  out.headings = await page.$$eval("section.list h3", (hs) => hs.map((h) => h.textContent));
  out.counts = await page.$$eval(".count", (cs) => cs.map((c) => c.textContent));
  out.addresses = await page.$$eval("code.address", (cs) => cs.map((c) => c.textContent));
  out.subscribe = await page.$$eval("a.subscribe", (as) => as.map((a) => a.href));
  out.filters = await filtering(page);
  await page.click("button.copy");
  out.copied = await page.evaluate(() => navigator.clipboard.readText());
  out.said = await page.textContent("#copied");
  const fresh = await context.newPage();
  await fresh.goto(url);
  out.keyboard = await keyboard(fresh);
  await fresh.setViewportSize(PHONE);
  out.phone = await fresh.evaluate(lineCounts);
  out.phoneLabels = await fresh.evaluate(() => document.body.innerText.includes("Changes:"));
  out.scrolls = await fresh.evaluate(() => document.documentElement.scrollWidth > innerWidth);
  await fresh.emulateMedia({ media: "print" });
  out.printed = await fresh.evaluate(() => ["#filters", "button.copy", ".skip", "a.subscribe"]
    .map((s) => getComputedStyle(document.querySelector(s)).display));
  const bare = await open(browser, url, { javaScriptEnabled: false });
  await bare.page.goto(url);
  out.noScript = await bare.page.evaluate(() => ({
    rows: Array.from(document.querySelectorAll(".release")).map((r) => r.dataset.date),
    hidden: ["filters", "upcoming", "shown"].map((id) => document.getElementById(id).hidden),
    buttons: Array.from(document.querySelectorAll("button.copy")).filter((b) => !b.hidden).length,
    addresses: Array.from(document.querySelectorAll("code.address")).map((c) => c.textContent),
  }));
  return out;
}

// The top of the page at a desktop width; the releases at a phone's, where they matter most.
async function screenshot(browser, url, file, width, today) {
  const phone = width <= PHONE.width;
  const viewport = phone ? { width, height: 1100 } : { width, height: 1500 };
  const { page, problems } = await open(browser, url, { viewport });
  if (today) await page.clock.setFixedTime(new Date(`${today}T12:00:00Z`));
  await page.goto(url);
  if (phone) await page.evaluate(() => document.getElementById("releases").scrollIntoView());
  await page.screenshot({ path: file });
  return { file, problems };
}

async function run(browser, [command, url, ...rest]) {
  if (command === "audit") return await audit(browser, url, rest.map(Number));
  if (command === "use") return await use(browser, url);
  if (command === "screenshot") return await screenshot(browser, url, rest[0], Number(rest[1]), rest[2]);
  throw new Error(`unknown command ${command}`);
}

const browser = await chromium.launch({ executablePath: BROWSER, args: FLAGS });
try {
  if (process.argv[2] === "--each-line") {
    // One browser for a test run: a command per line (a JSON list of the arguments above),
    // each answered on its own line, {"result": ...} or {"error": "..."}, each in contexts
    // of its own, closed after it.
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      let answer;
      try {
        answer = { result: await run(browser, JSON.parse(line)) };
      } catch (error) {
        answer = { error: String(error?.stack ?? error) };
      }
      for (const context of browser.contexts()) await context.close();
      process.stdout.write(JSON.stringify(answer) + "\n");
    }
  } else {
    process.stdout.write(JSON.stringify(await run(browser, process.argv.slice(2))));
  }
} finally {
  await browser.close();
}
