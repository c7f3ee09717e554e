"""Each adapter takes its platform's markup out before the text reaches the core."""

from __future__ import annotations

from antenne.adapters.slack.markup import plain_text as slack_text
from antenne.adapters.teams.markup import plain_text as teams_text
from antenne.bot.digest.desk import DigestDesk
from antenne.bot.text import normalise


def test_slack_mentions_channel_links_and_link_targets_go_labels_stay():
    text = "<@U0123ABC> Is de wethouder <https://x.nl/a|hier> geïnformeerd? Zie <https://voorbeeld.nl/pad> en B&amp;W!"
    assert normalise(slack_text(text)) == "is de wethouder hier geinformeerd zie en bw"
    assert normalise(slack_text("<#C123|algemeen> <!here> <!subteam^S1|@team> raadslid")) == "raadslid"


def test_teams_mentions_go():
    assert normalise(teams_text("<at>Antenne</at> collega's van het <at>Jan Jansen</at> college")) == (
        "collegas van het college"
    )


def test_a_digest_command_after_a_mention_is_still_one():
    assert DigestDesk.is_command(slack_text("<@UANTENNE> digest aan"))
    assert DigestDesk.is_command(teams_text("<at>Antenne</at> digest uit"))
