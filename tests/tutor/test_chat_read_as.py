"""The chat's "how did you understand me?" data says how the tutor read a child's spelling and slang."""
from __future__ import annotations

from tutor import recogniser


def test_how_shows_the_message_as_read_after_fixing_slang(client):
    message = "wats a neuron"
    how = client.post("/api/chat", json={"message": message, "track": "ages-9-12"}).get_json()["how"]
    shipped = recogniser.shipped()
    expected = shipped.explain(message)
    assert how["read_as"] == expected["read_as"] and "what is" in how["read_as"]
    by_word = {w["text"]: w["read_as"] for w in how["words"]}
    assert by_word == {w["text"]: w["read_as"] for w in expected["words"]}
    if "wats" in by_word:  # a word that pushed toward the topic is shown with its reading
        assert by_word["wats"] == "what is"
    assert all(p.get("read_as") is None for p in how["pieces"])
    assert how["network"]["networks"] == len(shipped.nets)
