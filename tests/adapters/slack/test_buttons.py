"""Buttons stand for commands; the reading list and its BibTeX export."""

from __future__ import annotations

import bibtexparser

from tests.adapters.slack.conftest import HUMAN, Workspace, build_slack, paper_ids, section_texts
from tests.simulators.slack import SlackSimulator


async def test_the_save_button_saves_the_paper_for_whoever_presses_it(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    results = await workspace.answer("search mixture of experts")

    pressed = await slack.press_button(results, "paperboy_save", value="2407.06204")
    answer = await slack.next_response(pressed)

    assert pressed.seconds < 3
    assert answer.message is not None
    assert answer.message.visible_to == HUMAN
    assert answer.message.text == "Saved “A Survey on Mixture of Experts” to your reading list."
    assert await workspace.saved_ids() == ["2407.06204"]
    assert results.edits == 0  # the results stay as they were


async def test_the_similar_button_lists_papers_like_that_one(workspace: Workspace) -> None:
    slack = workspace.slack
    results = await workspace.answer("search mixture of experts")

    pressed = await slack.press_button(results, "paperboy_similar", value="2407.06204")
    similar = (await slack.next_response(pressed)).message

    assert similar is not None
    assert "Papers like “A Survey on Mixture of Experts”" in section_texts(similar)
    assert paper_ids(similar)[:2] == ["2408.13296", "2404.19543"]


async def test_saved_lists_unread_papers_with_mark_read_and_unsave_buttons(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    await workspace.answer("save 2407.06204")
    await workspace.answer("save 2501.17635")
    listing = await workspace.answer("saved")

    assert "Your reading list: 2 papers" in section_texts(listing)
    assert section_texts(listing).count("_unread_") == 2
    assert paper_ids(listing, "paperboy_read") == ["2501.17635", "2407.06204"]

    await slack.next_response(
        await slack.press_button(listing, "paperboy_read", value="2501.17635")
    )
    await slack.next_response(
        await slack.press_button(listing, "paperboy_unsave", value="2407.06204")
    )
    after = await workspace.answer("saved")

    assert paper_ids(after, "paperboy_unsave") == ["2501.17635"]
    assert paper_ids(after, "paperboy_read") == []  # already read
    assert "_read_" in section_texts(after)


async def test_a_button_from_an_old_message_still_works_after_a_restart(
    workspace: Workspace, slack: SlackSimulator
) -> None:
    results = await workspace.answer("search lora")
    await workspace.adapter.aclose()
    restarted = build_slack(workspace.core, digests=workspace.digests)
    await restarted.start()
    try:
        pressed = await slack.press_button(results, "paperboy_more")
        page = (await slack.next_response(pressed)).message
    finally:
        await restarted.aclose()

    assert page is not None
    ranking = [hit.paper_id for hit in workspace.core.library.index.search("lora", limit=10)]
    assert paper_ids(page) == ranking[5:7]
    assert slack.socket_connections == 2


async def test_a_button_whose_value_makes_no_sense_gets_a_short_answer(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    results = await workspace.answer("search lora")
    results.blocks[-1]["elements"][0]["value"] = "no-such-list|x|y"

    answer = (await slack.next_response(await slack.press_button(results, "paperboy_more"))).message

    assert answer is not None
    assert answer.text == ":warning: That button no longer works; run the command again."


async def test_export_sends_the_reading_list_as_a_bibtex_file_in_a_direct_message(
    workspace: Workspace,
) -> None:
    slack = workspace.slack
    await workspace.answer("save 2407.06204")
    await workspace.answer("save 2005.14165")

    note = await workspace.answer("export")
    uploaded = await slack.wait_for_upload()

    assert note.visible_to == HUMAN
    assert "I sent it to you as a direct message" in note.text
    assert uploaded.channels == (slack.direct_channel_id(HUMAN),)
    assert uploaded.filename == "reading-list.bib"
    assert uploaded.content is not None
    library = bibtexparser.parse_string(uploaded.content.decode("utf-8"))
    assert library.failed_blocks == []
    titles = sorted(entry["title"].strip("{}") for entry in library.entries)
    assert titles == ["A Survey on Mixture of Experts", "Language Models are Few-Shot Learners"]
    assert slack.messages() == []  # nothing in the channel


async def test_export_of_an_empty_list_says_so_and_uploads_nothing(
    workspace: Workspace,
) -> None:
    note = await workspace.answer("export")

    assert "nothing to export" in note.text
    assert workspace.slack.uploads() == []


async def test_an_export_slack_refuses_is_explained(workspace: Workspace) -> None:
    await workspace.answer("save 2407.06204")
    workspace.slack.fail_next("files.completeUploadExternal", "missing_scope")

    note = await workspace.answer("export")

    assert note.text.startswith(":warning: I could not send you reading-list.bib")
    assert "missing_scope" in note.text
