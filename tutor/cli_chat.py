"""`tutor chat train` and `tutor chat eval`: retrain the chat's topic recogniser when the bank's questions change,
and measure it on the bank's held-out and off-topic sets. Hook it up with `cli_chat.register(main)`."""
from __future__ import annotations

import json
import sys

import click


def _bank(root: str | None):
    from content import ContentError, load_bank

    try:
        return load_bank(root)
    except ContentError as exc:
        click.echo(f"The content bank has {len(exc.issues)} problem(s):\n{exc}", err=True)
        sys.exit(2)


def _report(result: dict, verbose: bool) -> None:
    click.echo(f"held-out top-1 accuracy: {result['held_out_accuracy']:.1%} of {result['held_out_questions']} "
               f"(best guess right, answered or not: {result['held_out_top1_ranking']:.1%})")
    click.echo(f"off-topic 'not sure' replies: {result['off_topic_not_sure']:.1%} of {result['off_topic_questions']}")
    if verbose:
        for miss in result["misses"]:
            click.echo(f"  missed: {miss['question']!r} expected {miss['expected']}, got {miss['got']} "
                       f"(best {miss['best']}, {miss['confidence']:.0%}, {miss['status']})")
        for claim in result["off_topic_claimed"]:
            click.echo(f"  off-topic answered: {claim['question']!r} as {claim['got']} ({claim['confidence']:.0%})")


def register(group: click.Group) -> click.Group:
    """Add the `chat` command group (train, eval) to the `tutor` command."""

    @group.group(help="Chat tutor commands: retrain and measure the topic recogniser.")
    def chat() -> None:
        pass

    @chat.command("train", help="Train the topic recogniser on the bank's chat questions and write its weights.")
    @click.option("--root", type=click.Path(file_okay=False), default=None, help="Content folder (default: bundled).")
    @click.option("--out", type=click.Path(dir_okay=False), default=None, help="Weights file (default: the shipped one).")
    @click.option("--verbose", is_flag=True, help="List every held-out question the recogniser gets wrong.")
    def train(root: str | None, out: str | None, verbose: bool) -> None:
        from . import recogniser as rec

        content = _bank(root)
        recogniser = rec.train_recogniser(content.chat.training, list(content.concept_ids))
        result = rec.evaluate(recogniser, content.chat.held_out, content.chat.off_topic)
        recogniser.metrics["evaluation"] = {k: result[k] for k in (
            "held_out_accuracy", "held_out_top1_ranking", "held_out_questions", "off_topic_not_sure",
            "off_topic_questions")}
        path = rec.save(recogniser, out or rec.DATA_PATH)
        click.echo(f"Trained in {recogniser.metrics['train_seconds']:.1f} s on {recogniser.metrics['bank_questions']} "
                   f"bank questions and {recogniser.metrics['other_questions']} everyday ones "
                   f"({recogniser.metrics['training_examples']} examples with misspelt and short copies); "
                   f"threshold {recogniser.threshold:.2f}; wrote {path}")
        _report(result, verbose)

    @chat.command("eval", help="Measure the shipped recogniser on the bank's held-out and off-topic questions.")
    @click.option("--root", type=click.Path(file_okay=False), default=None, help="Content folder (default: bundled).")
    @click.option("--weights", type=click.Path(dir_okay=False, exists=True), default=None)
    @click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
    @click.option("--verbose", is_flag=True, help="List every miss.")
    def evaluate(root: str | None, weights: str | None, as_json: bool, verbose: bool) -> None:
        from . import recogniser as rec

        content = _bank(root)
        recogniser = rec.load(weights or rec.DATA_PATH)
        if recogniser.hash != rec.training_hash(content.chat.training):
            click.echo("Warning: these weights were trained on different questions; run `tutor chat train`.", err=True)
        result = rec.evaluate(recogniser, content.chat.held_out, content.chat.off_topic)
        if as_json:
            click.echo(json.dumps(result, indent=2))
        else:
            _report(result, verbose)

    return chat
