"""`tutor chat train`, `tutor chat eval` and `tutor chat cv`: retrain the chat's topic recogniser when the bank's
questions or lessons change, measure it on the bank's held-out and off-topic sets, and measure a setting by
cross-validation over the training questions alone (the measure to choose settings with). Hook it up with
`cli_chat.register(main)`."""
from __future__ import annotations

import json
import sys

import click

from engine import percent


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
                       f"(best {miss['best']}, {percent(miss['confidence'])}%, {miss['status']})")
        for claim in result["off_topic_claimed"]:
            click.echo(f"  off-topic answered: {claim['question']!r} as {claim['got']} "
                       f"({percent(claim['confidence'])}%)")


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
        recogniser = rec.train_for_bank(content)
        result = rec.evaluate(recogniser, content.chat.held_out, content.chat.off_topic)
        recogniser.metrics["evaluation"] = {k: result[k] for k in (
            "held_out_accuracy", "held_out_top1_ranking", "held_out_questions", "off_topic_not_sure",
            "off_topic_questions")}
        path = rec.save(recogniser, out or rec.DATA_PATH)
        m = recogniser.metrics
        click.echo(f"Trained in {m['train_seconds']:.1f} s on {m['bank_questions']} bank questions, "
                   f"{m['bank_sentences']} lesson sentences and {m['other_questions']} everyday ones "
                   f"({m['training_examples']} examples with misspelt and short copies); "
                   f"threshold {recogniser.threshold:.2f}, 'other' ceiling {recogniser.max_other:.2f}; wrote {path}")
        v = m["validation"]
        click.echo(f"cross-validated on the training questions: {v['accuracy']:.1%} answered right "
                   f"(best guess right {v['top1_ranking']:.1%}), everyday sentences declined {v['other_declined']:.1%}")
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
        if recogniser.hash != rec.bank_hash(content):
            click.echo("Warning: these weights were trained on different questions; run `tutor chat train`.", err=True)
        result = rec.evaluate(recogniser, content.chat.held_out, content.chat.off_topic)
        if as_json:
            click.echo(json.dumps(result, indent=2))
        else:
            _report(result, verbose)

    @chat.command("cv", help="Cross-validate the recogniser's settings on the training questions only (no held-out).")
    @click.option("--root", type=click.Path(file_okay=False), default=None, help="Content folder (default: bundled).")
    @click.option("--set", "overrides", multiple=True, metavar="KEY=JSON",
                  help="Override a training or feature setting, e.g. --set hidden=128 --set spelling=false.")
    @click.option("--verbose", is_flag=True, help="List every validation question handled wrongly.")
    def cross_validate(root: str | None, overrides: tuple[str, ...], verbose: bool) -> None:
        from . import recogniser as rec

        content = _bank(root)
        config, features = dict(rec.TRAINING_CONFIG), dict(rec.FEATURE_CONFIG)
        for item in overrides:
            key, _, value = item.partition("=")
            target = config if key in config else features if key in features else None
            if target is None:
                raise click.BadParameter(f"unknown setting {key!r}", param_hint="--set")
            target[key] = json.loads(value)
        result = rec.cross_validate(content.chat.training, list(content.concept_ids), config, features,
                                    rec.bank_texts(content))
        click.echo(f"{config['folds']}-fold cross-validation over {result['questions']} training questions and "
                   f"{result['other_questions']} everyday sentences ({result['seconds']:.0f} s):")
        click.echo(f"answered right {result['accuracy']:.1%} (best guess right {result['top1_ranking']:.1%}); "
                   f"everyday sentences declined {result['other_declined']:.1%}; threshold {result['threshold']:.2f}, "
                   f"'other' ceiling {result['max_other']:.2f} (chosen to decline at least "
                   f"{percent(config['everyday_declined'])}% of them)")
        if verbose:
            for miss in result["misses"]:
                click.echo(f"  {miss['question']!r}: expected {miss['expected']}, best {miss['best']}")

    return chat
