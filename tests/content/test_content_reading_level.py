"""Each track's prose reads at that track's level, measured by the Flesch-Kincaid grade (textstat 0.7.8)."""

import pytest
import textstat

from content import TRACK_IDS

MAX_GRADE = {"ages-5-8": 3.0, "ages-9-12": 6.0, "ages-13-plus": 10.0}


def lesson_prose(lesson) -> str:
    parts = []
    for m in lesson.messages or []:
        parts.append(m.text)
        if m.why:
            parts.append(m.why)
    parts += [lesson.analogy or "", lesson.everyday_example or ""]
    for mc in lesson.misconceptions or []:
        parts += [mc.myth, mc.truth]
    return " ".join(p.strip() for p in parts if p)


def grades(bank, track):
    return sorted(((textstat.flesch_kincaid_grade(lesson_prose(l)), l.id)
                   for l in bank.concepts(track) if lesson_prose(l)), reverse=True)


@pytest.mark.parametrize("track", TRACK_IDS)
def test_faq_answers_read_at_their_track_level(bank, track):
    measured = sorted(((textstat.flesch_kincaid_grade(f.answers[track]), f.id) for f in bank.faq), reverse=True)
    too_hard = [(g, fid) for g, fid in measured if g > MAX_GRADE[track]]
    assert not too_hard, f"{track}: over grade {MAX_GRADE[track]}: {too_hard}"


@pytest.mark.parametrize("track", TRACK_IDS)
def test_lessons_read_at_their_track_level(bank, track):
    measured = grades(bank, track)
    too_hard = [(g, cid) for g, cid in measured if g > MAX_GRADE[track]]
    worst = ", ".join(f"{cid} {g:.1f}" for g, cid in measured[:5])
    assert not too_hard, f"{track}: over grade {MAX_GRADE[track]}: {too_hard}; hardest lessons: {worst}"


@pytest.mark.parametrize("track", TRACK_IDS)
def test_activities_read_at_their_youngest_tracks_level(bank, track):
    # An activity written for several tracks must suit the youngest of them.
    order = list(TRACK_IDS)
    mine = [a for a in bank.activities if min(a.tracks, key=order.index) == track]
    prose = {a.id: " ".join([a.summary, *a.steps, *a.talk_about]) for a in mine}
    too_hard = sorted((round(textstat.flesch_kincaid_grade(text), 1), aid) for aid, text in prose.items()
                      if textstat.flesch_kincaid_grade(text) > MAX_GRADE[track])
    assert not too_hard, f"{track}: activities over grade {MAX_GRADE[track]}: {too_hard}"
