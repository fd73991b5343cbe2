"""The page's Subscribe section: every feed by group, each variant's address and one-click
links for Google Calendar, Outlook and Apple Calendar, and what each does with a cancellation."""

from __future__ import annotations

from enum import Enum
from html import escape
from typing import assert_never
from urllib.parse import quote

from calendar_gen.feeds import Feed, feed_bases, sorted_by_feed, variants
from calendar_gen.model import Designation, Programme, Publication, Topic
from calendar_gen.releases import Release
from calendar_gen.texts import plural
from calendar_gen.workdays import Nation

# The apps' own "add by address" links, as each documents them for a web calendar.
GOOGLE = "https://calendar.google.com/calendar/render?cid={webcal}"
OUTLOOK = "https://outlook.live.com/calendar/0/addfromweb?url={url}&name={name}"

# What each app does with an event whose STATUS becomes CANCELLED, so subscribers know why
# a cancellation may not show. Sources: Google deletes it (github.com/hackgvl/hackgreenville-
# com/pull/498; github.com/esrg-knights/Squire/issues/215, which also says Outlook shows it as
# if it took place and Thunderbird strikes it through); Apple Calendar strikes it through
# (github.com/aluxnimm/outlookcaldavsynchronizer/issues/105, on the iPhone; github.com/w3c/
# calendar/issues/90, on the Mac).
CANCELLATIONS = (
    "What each app does with a cancelled release: Google Calendar deletes it, so its users "
    "never see the cancellation (the page and changes.atom keep it, with its reason); "
    "Outlook shows it as if it went ahead, its title beginning \u201cCancelled:\u201d; Apple "
    "Calendar and Thunderbird show it struck through."
)


class Group(Enum):
    """The page's groups of feeds, each a details element of its own."""

    ALL = "All releases, and each topic's"
    DESIGNATION = "By designation"
    NATION = "By the nation whose bank holidays a release keeps"
    PUBLICATION = "By publication"

    @classmethod
    def of(cls, feed: Feed) -> Group:
        match feed.holds:
            case None | Topic():
                return cls.ALL
            case Designation():
                return cls.DESIGNATION
            case Nation():
                return cls.NATION
            case Publication():
                return cls.PUBLICATION
            case _:
                assert_never(feed.holds)


def addresses(programme: Programme, name: str) -> tuple[str, str]:
    """The (webcal, https) addresses of one feed; relative without feed_url."""
    if programme.feed_url:
        download = f"{programme.feed_url}/{name}"
        return "webcal:" + download.split(":", 1)[1], download
    return name, name


def _app_links(programme: Programme, feed: Feed, label: str) -> str:
    """Google Calendar's and Outlook's links, which need the whole address: without
    feed_url the page's script makes them from where it is served, and shows them."""
    subscribe, download = addresses(programme, feed.name)
    hidden = "" if programme.feed_url else " hidden"
    name = quote(feed.title, safe="")
    google = GOOGLE.format(webcal=quote(subscribe, safe=""))
    outlook = OUTLOOK.format(url=quote(download, safe=""), name=name)
    return (
        f'<a class="google" href="{escape(google)}" data-name="{escape(name)}"{hidden}>'
        f'Google Calendar<span class="vh">: add {label}</span></a> '
        f'<a class="outlook" href="{escape(outlook)}" data-name="{escape(name)}"{hidden}>'
        f'Outlook<span class="vh">: add {label}</span></a>'
    )


def _variant_item(programme: Programme, feed: Feed) -> str:
    """One variant of a feed: its address in full with a copy button, and its links."""
    subscribe, download = addresses(programme, feed.name)
    code_id = f"address-{feed.name.removesuffix('.ics')}"
    relative = "" if programme.feed_url else f' data-relative="{escape(feed.name)}"'
    label = f"{escape(feed.title)}, {feed.variant.label}"
    return (
        f'<li><p class="address">{feed.variant.label.capitalize()}: '
        f'<code class="address" id="{code_id}"{relative}>{escape(download)}</code></p>\n'
        f'<p class="links"><button type="button" class="copy" data-copy="{code_id}" hidden>'
        f'Copy address<span class="vh"> of {label}</span></button> '
        f'<a class="subscribe" href="{escape(subscribe)}">Apple Calendar<span class="vh">: '
        f"subscribe to {label}</span></a> {_app_links(programme, feed, label)} "
        f'<a class="download" href="{escape(download)}">Download {escape(feed.name)}</a></p></li>'
    )


def _feed_item(programme: Programme, feed: Feed, total: int) -> str:
    """One feed: its title and count, then each of its variants."""
    shown = "\n".join(
        _variant_item(programme, Feed(feed.stem, feed.title, feed.holds, v))
        for v in variants(programme)
    )
    return (
        f'<li><h3>{escape(feed.title)}</h3>: <span class="count" data-holds="{escape(feed.key)}">'
        f'{plural(total, "release")}</span>\n<ul class="variants">\n{shown}\n</ul></li>'
    )


def feed_groups(programme: Programme, releases: list[Release]) -> str:
    """Every feed with its count, in groups: all and the topics open, the rest folded."""
    coming = [r for r in releases if r.status.comes_out]
    by_feed = sorted_by_feed(coming, coming)
    groups: dict[Group, list[str]] = {}
    for feed in feed_bases(programme):
        item = _feed_item(programme, feed, len(feed.pick(by_feed, coming)))
        groups.setdefault(Group.of(feed), []).append(item)
    return "\n".join(
        f'<details class="feeds"{" open" if group is Group.ALL else ""}>'
        f"<summary>{group.value} ({plural(len(items), 'feed')})</summary>\n"
        f'<ul class="feeds">\n' + "\n".join(items) + "\n</ul></details>"
        for group, items in groups.items()
    )
