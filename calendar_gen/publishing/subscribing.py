"""The page's Subscribe section: every feed by group, each variant's address and one-click
links for Google Calendar, Outlook and Apple Calendar, and what each does with a cancellation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from enum import Enum
from html import escape
from typing import assert_never
from urllib.parse import quote

from calendar_gen.domain.language import PAGE_WORDS, Language
from calendar_gen.domain.model import Designation, Programme, Publication, Topic
from calendar_gen.domain.releases import Release
from calendar_gen.domain.workdays import Nation
from calendar_gen.publishing.feeds import (
    Feed,
    Variant,
    calendar_name,
    feed_bases,
    sorted_by_feed,
    variants,
)

# The apps' own "add by address" links, as each documents them for a web calendar.
GOOGLE = "https://calendar.google.com/calendar/render?cid={webcal}"
OUTLOOK = "https://outlook.live.com/calendar/0/addfromweb?url={url}&name={name}"


# What each app does with an event whose STATUS becomes CANCELLED, so subscribers know why
# a cancellation may not show. Sources: Google deletes it (github.com/hackgvl/hackgreenville-
# com/pull/498; github.com/esrg-knights/Squire/issues/215, which also says Outlook shows it as
# if it took place and Thunderbird strikes it through); Apple Calendar strikes it through
# (github.com/aluxnimm/outlookcaldavsynchronizer/issues/105, on the iPhone; github.com/w3c/
# calendar/issues/90, on the Mac).
def cancellations(lang: Language = Language.EN) -> str:
    """What each app does with a cancelled release, as the page says it."""
    return escape(PAGE_WORDS[lang].cancellations)


class Group(Enum):
    """The page's groups of feeds, each a details element of its own."""

    ALL = 0
    DESIGNATION = 1
    NATION = 2
    PUBLICATION = 3

    def label(self, lang: Language) -> str:
        return PAGE_WORDS[lang].groups[self.value]

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


def _variant_label(variant: Variant, lang: Language) -> str:
    """How the page calls a variant: "at its time", "all day, the time in the title"."""
    return PAGE_WORDS[lang].variants[list(Variant).index(variant)]


def _app_links(programme: Programme, feed: Feed, label: str) -> str:
    """Google Calendar's and Outlook's links, which need the whole address: without
    feed_url the page's script makes them from where it is served, and shows them. Outlook
    is given the calendar's own name, which tells apart the variants and the organisation."""
    subscribe, download = addresses(programme, feed.name)
    hidden = "" if programme.feed_url else " hidden"
    name = quote(calendar_name(programme, feed), safe="")
    google = GOOGLE.format(webcal=quote(subscribe, safe=""))
    outlook = OUTLOOK.format(url=quote(download, safe=""), name=name)
    add = PAGE_WORDS[feed.language].add.format(label=label)
    return (
        f'<a class="google" href="{escape(google)}" data-name="{escape(name)}"{hidden}>'
        f'Google Calendar<span class="vh">{add}</span></a> '
        f'<a class="outlook" href="{escape(outlook)}" data-name="{escape(name)}"{hidden}>'
        f'Outlook<span class="vh">{add}</span></a>'
    )


def _variant_item(programme: Programme, feed: Feed) -> str:
    """One variant of a feed: its address in full with a copy button, and its links."""
    subscribe, download = addresses(programme, feed.name)
    w, said = PAGE_WORDS[feed.language], _variant_label(feed.variant, feed.language)
    code_id = f"address-{feed.name.removesuffix('.ics')}"
    relative = "" if programme.feed_url else f' data-relative="{escape(feed.name)}"'
    label = f"{escape(feed.title)}, {said}"
    return (
        f'<li><p class="address">{said[0].upper() + said[1:]}: '
        f'<code class="address" id="{code_id}"{relative}>{escape(download)}</code></p>\n'
        f'<p class="links"><button type="button" class="copy" data-copy="{code_id}" hidden>'
        f'{w.copy}<span class="vh">{w.copy_of.format(label=label)}</span></button> '
        f'<a class="subscribe" href="{escape(subscribe)}">Apple Calendar<span class="vh">'
        f"{w.apple.format(label=label)}</span></a> {_app_links(programme, feed, label)} "
        f'<a class="download" href="{escape(download)}">'
        f"{w.download.format(name=escape(feed.name))}</a></p></li>"
    )


def _feed_item(programme: Programme, feed: Feed, total: int) -> str:
    """One feed: its title and count, then each of its variants."""
    shown = "\n".join(
        _variant_item(programme, replace(feed, variant=v)) for v in variants(programme)
    )
    w = PAGE_WORDS[feed.language]
    count = w.count_one if total == 1 else w.count.format(n=f"{total:,}")
    return (
        f'<li><h3>{escape(feed.title)}</h3>: <span class="count" data-holds="{escape(feed.key)}">'
        f'{count}</span>\n<ul class="variants">\n{shown}\n</ul></li>'
    )


def feed_groups(programme: Programme, releases: list[Release], lang: Language = Language.EN) -> str:
    """Every feed with its count, in groups: all and the topics open, the rest folded."""
    return "".join(feed_group_pieces(programme, releases, lang))


NEWLINE = "\n"  # between groups, not before the first


def feed_group_pieces(
    programme: Programme, releases: list[Release], lang: Language = Language.EN
) -> Iterator[str]:
    """feed_groups' text a feed at a time: a whole government's is tens of megabytes."""
    coming = [r for r in releases if r.status.comes_out]
    by_feed = sorted_by_feed(coming, coming)
    groups: dict[Group, list[Feed]] = {}
    for feed in feed_bases(programme, lang):
        groups.setdefault(Group.of(feed), []).append(feed)
    for number, (group, feeds) in enumerate(groups.items()):
        opened = " open" if group is Group.ALL else ""
        yield (
            f'{"" if not number else NEWLINE}<details class="feeds"{opened}>'
            f"<summary>{group.label(lang)} ({_feeds(len(feeds), lang)})</summary>\n"
            '<ul class="feeds">\n'
        )
        for n, feed in enumerate(feeds):
            item = _feed_item(programme, feed, len(feed.pick(by_feed, coming)))
            yield f"\n{item}" if n else item
        yield "\n</ul></details>"


def _feeds(n: int, lang: Language) -> str:
    """ "1 feed", "3 feeds"; in Welsh "Ffrydiau: 3"."""
    if lang is Language.EN and n == 1:
        return "1 feed"
    return PAGE_WORDS[lang].feeds.format(n=f"{n:,}")
