"""The index page's style sheet and script: constants, so nothing in them comes from a schedule.

They live in a .py file so that changing them changes the build's fingerprint.
"""

STYLE = """
[hidden]{display:none!important}
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:64rem;padding:0 1rem 2rem;
color:#1b1b1b;background:#fff}
h1{font-size:1.6rem;line-height:1.25;margin:1rem 0 .5rem}h2{font-size:1.3rem;margin:2rem 0 .5rem}
h3{font-size:1.1rem;margin:1.25rem 0 .25rem}
a{color:#1d4f91}a:hover{color:#0b2e5c}
:focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}
.skip{position:absolute;left:1rem;top:-5rem;background:#fff;padding:.5rem 1rem}
.skip:focus{top:.5rem}
.vh{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;
clip-path:inset(50%);white-space:nowrap;border:0}
.feeds{list-style:none;padding:0;margin:0}
details.feeds{margin:.75rem 0}details.feeds>summary{font-weight:600;padding:.35rem 0;cursor:pointer}
.feeds>li{border-top:1px solid #bbb;padding:.6rem 0}
.variants{list-style:none;padding:0 0 0 1rem;margin:.25rem 0 0}.variants>li{padding:.2rem 0}
.feeds h3{display:inline;margin:0;font-size:1.05rem}
.feeds p{margin:.25rem 0}
.address{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem .5rem}
.address code{background:#f2f2f2;padding:.1rem .35rem;overflow-wrap:anywhere}
.digest{overflow-wrap:anywhere}
.links{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.25rem}
.links a{padding:.15rem 0}
button{font:inherit;font-size:.95rem;padding:.15rem .75rem;min-height:2rem;color:#1d4f91;
background:#fff;border:2px solid #1d4f91;border-radius:4px;cursor:pointer}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.75rem 1.25rem;margin:.5rem 0;
padding:.75rem;background:#f2f2f2}
.filters label{display:block;font-weight:600}
select{font:inherit;min-height:2.25rem;padding:.2rem;color:#1b1b1b;background:#fff;
border:1px solid #505050;border-radius:4px}
.shown{margin:.5rem 0}
.releases{list-style:none;margin:0;padding:0}
.release{display:grid;grid-template-columns:9.5rem 1fr 12.5rem;gap:0 1rem;padding:.5rem 0;
border-top:1px solid #ccc}
.release p{margin:0}
.release .title{font-weight:600}
.meta span{display:block}
.note{font-size:.9rem;overflow-wrap:anywhere}
.status{font-weight:600}
.provisional .status{font-style:italic;font-weight:400}
.cancelled .status{color:#a4000f}.cancelled .title{text-decoration:line-through}
.release:target{background:#fff7bf}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.months{display:grid;grid-template-columns:repeat(auto-fill,minmax(15.5rem,1fr));gap:1rem}
.month{border-collapse:collapse;width:100%;font-size:.9rem}
.month caption{text-align:left;font-weight:600;padding:.25rem 0}
.month th,.month td{text-align:center;padding:.1rem 0;width:14.28%}
.month th abbr{text-decoration:none}
.month .on{background:#e8eef7}
.month .on a{display:inline-block;min-width:1.6rem;font-weight:600}
.mark{font-weight:700;margin-left:.1rem}.cancelled.mark{color:#a4000f}
.month .many{font-size:.75rem;margin-left:.1rem}.month .gone{background:#f4f4f4}
@media (max-width:40rem){
body{padding:0 .75rem 1.5rem}h1{font-size:1.35rem}
.release{display:block;padding:.4rem 0}
.address{font-size:.85rem}
.filters{padding:.5rem}.filters>div{flex:1 1 9rem}.filters select{width:100%}
.when,.meta{font-size:.9rem}
.meta span{display:inline}.meta .designation::before{content:" · "}
}
@media print{
.skip,.filters,.copy,.shown,.links .subscribe,.links .google,.links .outlook{display:none!important}
body{max-width:none;font-size:10pt;padding:0}a{color:inherit}
.release{break-inside:avoid;grid-template-columns:8rem 1fr 11rem}
h2,h3{break-after:avoid}
}
""".strip()

# Runs on the page's own markup only: schedule text reaches it as element text and data-*
# attributes, never as code. Every part works on its own and the page reads without any.
SCRIPT = r"""
"use strict";
(() => {
  const all = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  // Without feed_url the page knows the feeds' full addresses only where it is served from.
  for (const code of all("code.address[data-relative]")) {
    const url = new URL(code.dataset.relative, location.href);
    if (!/^https?:$/.test(url.protocol)) continue;
    code.textContent = url.href;
    const item = code.closest("li");
    const webcal = url.href.replace(/^https?:/, "webcal:");
    item.querySelector("a.subscribe").href = webcal;
    // Google Calendar and Outlook take only a whole address: shown once it is known.
    const google = item.querySelector("a.google");
    google.href = `https://calendar.google.com/calendar/render?cid=${encodeURIComponent(webcal)}`;
    const outlook = item.querySelector("a.outlook");
    outlook.href = "https://outlook.live.com/calendar/0/addfromweb?url="
      + `${encodeURIComponent(url.href)}&name=${outlook.dataset.name}`;
    google.hidden = outlook.hidden = false;
  }

  const said = document.getElementById("copied");
  for (const button of all("button.copy")) {
    const code = document.getElementById(button.dataset.copy);
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = code.textContent;
      let done = false;
      try {
        await navigator.clipboard.writeText(text);
        done = true;
      } catch {
        const range = document.createRange();
        range.selectNodeContents(code);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        try { done = document.execCommand("copy"); } catch { done = false; }
      }
      said.textContent = done ? `Copied ${text}`
        : "Press Ctrl+C (Cmd+C on a Mac) to copy the selected address";
    });
  }

  // Upcoming means from today in the UK, where the releases happen.
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit",
  }).formatToParts(new Date()).map((p) => [p.type, p.value]));
  const today = `${parts.year}-${parts.month}-${parts.day}`;
  const rows = all("#past .release");
  const coming = rows.filter((row) => row.dataset.date >= today);
  document.getElementById("upcoming-list").append(...coming.reverse());
  document.getElementById("upcoming").hidden = false;
  const pastHeading = document.getElementById("past-heading");
  pastHeading.textContent = pastHeading.dataset.split;
  for (const count of all(".count")) {
    // "all", "topic:crime", "nation:scotland" ...: the rows its feed holds (a row keeps the
    // holidays of one nation or several, named with spaces between).
    const [kind, value] = count.dataset.holds.split(":");
    const n = coming.filter((row) => !["cancelled", "postponed"].includes(row.dataset.status)
      && (kind === "all" || (row.dataset[kind] || "").split(" ").includes(value))).length;
    count.textContent = `${n || "No"} upcoming release${n === 1 ? "" : "s"}`;
  }

  const form = document.getElementById("filters");
  const selects = all("select", form);
  const shown = document.getElementById("shown");
  const apply = () => {
    let n = 0;
    for (const row of rows) {
      const match = selects.every((s) => !s.value || row.dataset[s.name] === s.value);
      row.hidden = !match;
      n += match;
    }
    for (const section of all("section.list")) {
      const visible = section.querySelector(".release:not([hidden])");
      section.querySelector(".empty").hidden = visible !== null;
    }
    shown.textContent = n === rows.length ? `Showing all ${n} releases`
      : `Showing ${n} of ${rows.length} releases`;
  };
  form.hidden = false;
  shown.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("reset", () => setTimeout(apply));
  apply();
})();
""".strip()


# The script's words in Welsh, each replacing its English: the script stays one program.
# "ar ddod" (upcoming): the ONS's Welsh release calendar; the rest composed (sources-welsh.md).
WELSH_SCRIPT = (
    ("`Copied ${text}`", "`Wedi copïo ${text}`"),
    ('"Press Ctrl+C (Cmd+C on a Mac) to copy the selected address"',
     '"Pwyswch Ctrl+C (Cmd+C ar Mac) i gopïo\'r cyfeiriad a ddewiswyd"'),
    ('`${n || "No"} upcoming release${n === 1 ? "" : "s"}`', "`Datganiadau ar ddod: ${n}`"),
    ("`Showing all ${n} releases`", "`Yn dangos pob datganiad: ${n}`"),
    ("`Showing ${n} of ${rows.length} releases`",
     "`Yn dangos ${n} o ${rows.length} datganiad`"),
)  # fmt: skip


def script(welsh: bool) -> str:
    """The page's script, its words in Welsh for the Welsh page."""
    text = SCRIPT
    for english, cymraeg in WELSH_SCRIPT if welsh else ():
        assert english in text, english  # a word changed in SCRIPT must change here too
        text = text.replace(english, cymraeg)
    return text


def opening(title: str, lang: str = "en") -> str:
    """Every page's start, through its title (`title` already escaped): one for them all, so
    each page reads the same on a phone."""
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
"""


def standalone(title: str, style: str, body: str) -> str:
    """A page of its own (the report, the policy): `title` and `body` already escaped."""
    return f"""{opening(title)}<style>
{style}
</style>
</head>
<body>
{body}
</body>
</html>
"""
