/* Reads one iCalendar document on stdin and prints its events as libical (the parser of
 * Evolution and GNOME Calendar) sees them, as JSON for tests/interop.py.
 * Times are UTC ("...Z") when libical can place them, floating (no "Z") when it cannot.
 * Properties libical could not parse (it keeps them as X-LIC-ERROR) are listed in "errors".
 * Build: cc read.c -o read -lical */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(FILE *in) {
    size_t size = 0, room = 1 << 16;
    char *text = malloc(room);
    size_t got;
    while (text && (got = fread(text + size, 1, room - size - 1, in)) > 0) {
        size += got;
        if (room - size - 1 == 0) text = realloc(text, room *= 2);
    }
    if (text) text[size] = '\0';
    return text;
}

/* A JSON string, or null; the text is UTF-8 and stays as it is but for the escapes. */
static void json_string(const char *text) {
    if (!text) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\') printf("\\%c", *c);
        else if (*c < 0x20 || *c == 0x7f) printf("\\u%04x", *c);
        else putchar(*c);
    }
    putchar('"');
}

static void json_time(struct icaltimetype time) {
    if (icaltime_is_null_time(time)) {
        fputs("null", stdout);
        return;
    }
    if (time.is_date) {
        printf("\"%04d-%02d-%02d\"", time.year, time.month, time.day);
        return;
    }
    int floating = time.zone == NULL && !icaltime_is_utc(time);
    if (!floating) time = icaltime_convert_to_zone(time, icaltimezone_get_utc_timezone());
    printf("\"%04d-%02d-%02dT%02d:%02d:%02d%s\"", time.year, time.month, time.day, time.hour,
           time.minute, time.second, floating ? "" : "Z");
}

/* libical keeps one CATEGORIES property per value, splitting a list at its commas. */
static void json_categories(icalcomponent *event) {
    putchar('[');
    const char *comma = "";
    for (icalproperty *p = icalcomponent_get_first_property(event, ICAL_CATEGORIES_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_CATEGORIES_PROPERTY)) {
        fputs(comma, stdout);
        json_string(icalproperty_get_categories(p));
        comma = ",";
    }
    putchar(']');
}

static void json_errors(icalcomponent *component, const char **comma) {
    for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        fputs(*comma, stdout);
        json_string(icalproperty_get_xlicerror(p));
        *comma = ",";
    }
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT))
        json_errors(c, comma);
}

/* Each VALARM's ACTION and its TRIGGER as seconds from the event's start. */
static void json_alarms(icalcomponent *event) {
    putchar('[');
    const char *comma = "";
    for (icalcomponent *a = icalcomponent_get_first_component(event, ICAL_VALARM_COMPONENT); a;
         a = icalcomponent_get_next_component(event, ICAL_VALARM_COMPONENT)) {
        icalproperty *action = icalcomponent_get_first_property(a, ICAL_ACTION_PROPERTY);
        icalproperty *trigger = icalcomponent_get_first_property(a, ICAL_TRIGGER_PROPERTY);
        fputs(comma, stdout);
        fputs("{\"action\":", stdout);
        json_string(action ? icalproperty_get_value_as_string(action) : NULL);
        if (trigger)
            printf(",\"trigger\":%d}",
                   icaldurationtype_as_int(icalproperty_get_trigger(trigger).duration));
        else fputs(",\"trigger\":null}", stdout);
        comma = ",";
    }
    putchar(']');
}

static void json_event(icalcomponent *event) {
    icalproperty *status = icalcomponent_get_first_property(event, ICAL_STATUS_PROPERTY);
    icalproperty *sequence = icalcomponent_get_first_property(event, ICAL_SEQUENCE_PROPERTY);
    fputs("{\"uid\":", stdout);
    json_string(icalcomponent_get_uid(event));
    fputs(",\"start\":", stdout);
    json_time(icalcomponent_get_dtstart(event));
    fputs(",\"end\":", stdout);
    json_time(icalcomponent_get_dtend(event));
    fputs(",\"status\":", stdout);
    json_string(status ? icalproperty_status_to_string(icalproperty_get_status(status)) : NULL);
    if (sequence) printf(",\"sequence\":%d", icalproperty_get_sequence(sequence));
    else fputs(",\"sequence\":null", stdout);
    fputs(",\"summary\":", stdout);
    json_string(icalcomponent_get_summary(event));
    fputs(",\"description\":", stdout);
    json_string(icalcomponent_get_description(event));
    fputs(",\"categories\":", stdout);
    json_categories(event);
    icalproperty *url = icalcomponent_get_first_property(event, ICAL_URL_PROPERTY);
    fputs(",\"url\":", stdout);
    json_string(url ? icalproperty_get_url(url) : NULL);
    fputs(",\"alarms\":", stdout);
    json_alarms(event);
    putchar('}');
}

int main(void) {
    icalerror_set_errors_are_fatal(0);
    char *text = read_all(stdin);
    icalcomponent *calendar = text ? icalparser_parse_string(text) : NULL;
    if (!calendar || icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT) {
        fprintf(stderr, "libical read no VCALENDAR\n");
        return 1;
    }
    fputs("{\"events\":[", stdout);
    const char *comma = "";
    for (icalcomponent *e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        fputs(comma, stdout);
        json_event(e);
        comma = ",";
    }
    fputs("],\"errors\":[", stdout);
    comma = "";
    json_errors(calendar, &comma);
    fputs("]}\n", stdout);
    icalcomponent_free(calendar);
    free(text);
    return 0;
}
