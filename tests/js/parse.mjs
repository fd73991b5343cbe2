// Reads one iCalendar document on stdin and prints its events as ical.js (the parser of
// Thunderbird and many web calendars) sees them, as JSON for tests/interop.py.
// Times are UTC ("...Z") when ical.js can place them, and floating (no "Z") when it cannot.
// With --each-line it reads a document per line instead (each a JSON string) and answers
// each on a line of its own, {"result": [...]} or {"error": "..."}: one node serves a test
// run, where starting one per document took most of the interop tests' time.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import ICAL from "ical.js";

function instant(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  if (!time.zone || time.zone === ICAL.Timezone.localTimezone) return time.toString();
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

function eventsOf(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  return root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      start: instant(event.startDate),
      end: instant(event.endDate),
      status: vevent.getFirstPropertyValue("status"),
      sequence: vevent.getFirstPropertyValue("sequence"),
      summary: event.summary,
      description: event.description,
      categories: vevent.getAllProperties("categories").flatMap((p) => p.getValues()),
      url: vevent.getFirstPropertyValue("url"),
      alarms: vevent.getAllSubcomponents("valarm").map((alarm) => ({
        action: alarm.getFirstPropertyValue("action"),
        trigger: alarm.getFirstPropertyValue("trigger").toSeconds(),
      })),
    };
  });
}

if (process.argv.includes("--each-line")) {
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    // Each document is read as a fresh process reads it: no time zone kept from the last.
    ICAL.TimezoneService._hard_reset();
    let answer;
    try {
      answer = { result: eventsOf(JSON.parse(line)) };
    } catch (error) {
      answer = { error: String(error?.stack ?? error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
} else {
  process.stdout.write(JSON.stringify(eventsOf(readFileSync(0, "utf8"))));
}
