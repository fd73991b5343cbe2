// Reads one iCalendar document on stdin and prints its events as ical.js (the parser of
// Thunderbird and many web calendars) sees them, as JSON for tests/interop.py.
// Times are UTC ("...Z") when ical.js can place them, and floating (no "Z") when it cannot.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const root = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));

function instant(time) {
  if (!time) return null;
  if (time.isDate) return time.toString();
  if (!time.zone || time.zone === ICAL.Timezone.localTimezone) return time.toString();
  return time.convertToZone(ICAL.Timezone.utcTimezone).toString();
}

const events = root.getAllSubcomponents("vevent").map((vevent) => {
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
process.stdout.write(JSON.stringify(events));
