"""The chat's topic recogniser: a small neural network, trained with the project's own engine, that reads a child's
question (spelling mistakes, texting slang and all) and says which concept it is about, how sure it is, and which
words mattered.

Reading a message (`Lexicon.read`): lower case, apostrophes dropped, letters typed three or more times in a row cut
to two ("whyyy" -> "whyy"), then each word in turn is
  1. expanded if it is texting slang (SLANG: u -> you, wat -> what, dunno -> do not know ...);
  2. kept if the training vocabulary has it, or its doubled letters cut to one ("whyy" -> "why") if that is known;
  3. otherwise corrected to the nearest training-vocabulary word (Damerau-Levenshtein distance 1 for words shorter
     than six letters, 2 from six letters on; words shorter than `spell_min_len` are never corrected; ties go to the
     more frequent word, then the alphabetically first), or kept as typed when nothing is that close.
The training vocabulary is every word of the training questions, the everyday sentences (OTHER_QUESTIONS) and the
bank's own lesson texts (`bank_texts`), so "wieght", "backwords" and "nueron" are read as the words they mean.

Features are hashed character n-grams (3-5 letters inside each word, with word boundaries) plus whole words and word
pairs of the words as read, counted into a fixed-size vector with zlib.crc32 (the same on every machine and every
process, unlike hash()); each count becomes log(1 + count) times the bucket's inverse document frequency in the
training examples (0 for buckets no training example uses, whose weights were never trained), and each row is scaled
to length 1.

The network is `engine.Network([features, hidden, concepts + 1], ["relu", "softmax"])`, a few of them trained from
different seeds and averaged (`seeds`); the extra output is "other", learned from the everyday sentences in
OTHER_QUESTIONS, never from the bank's off-topic evaluation set. A message is answered only when its best concept
beats "other" and the confidence threshold, when "other" itself is below a ceiling (`max_other`: an everyday
sentence often leaves some probability there even when a concept wins), and only when at least one of its words is a word the concept training texts use (after reading, stop words aside): a message
made only of words the recogniser has never seen about any concept ("asdfgh", "pizzaaa") gets the honest "not sure".
The threshold and the ceiling are chosen together on out-of-fold predictions of the training questions and everyday
sentences: the most training questions answered rightly while at least `everyday_declined` (93%) of the held-back
everyday sentences are declined.

Speed: each word's n-gram buckets are hashed once per process (`_row_buckets`), and a recogniser keeps its reading of
the last few hundred messages (words as read, features, every network's outputs), so one chat reply's recognise()
and explain() read and run the message once. Neither changes a result.

`tutor chat train` writes the trained weights to tutor/data/recogniser.json; the app only loads that file.
`tutor chat cv` measures a configuration by stratified k-fold cross-validation over the training questions alone.
This module imports no Flask, so the CLI, benchmarks and tests use it directly.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import unicodedata
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from engine import Network, train
from engine.activations import FUNCTIONS as ACTIVATIONS

DATA_PATH = Path(__file__).resolve().parent / "data" / "recogniser.json"
FORMAT_VERSION = 2
OTHER = "other"

FEATURE_CONFIG: dict[str, Any] = {
    "buckets": 4096,
    "char_ngrams": [3, 4, 5],
    "words": True,
    "word_pairs": True,
    "tfidf": True,
    "slang": True,
    "spelling": True,
    "spell_min_len": 4,
    "known_word_rule": True,
}
TRAINING_CONFIG: dict[str, Any] = {
    "hidden": 64,
    "lr": 0.05,
    "momentum": 0.9,
    "epochs": 20,
    "batch_size": 32,
    "seed": 0,
    "seeds": [0, 1, 2],  # one network per seed, softmax outputs averaged
    "weight_decay": 0.02,  # per-epoch shrink of every weight (W <- W * (1 - weight_decay)), biases left alone
    "question_copies": 2,  # times each written question (and everyday sentence) is repeated as it is
    "noisy_copies": 2,  # misspelt copies of each training question (letters dropped, doubled, swapped, changed)
    "short_copies": 2,  # copies with most words left out, like the one- or two-word questions children type
    "bank_texts": 1,  # copies of each sentence of the bank's lessons and FAQ questions (0: leave them out)
    "folds": 3,  # out-of-fold predictions for the confidence threshold (`tutor chat cv --set folds=5` to choose settings)
    # The refusal rule is chosen on out-of-fold predictions to answer (rightly) as many training questions as it can
    # while still declining at least this share of the held-back everyday sentences (OTHER_QUESTIONS). Training data
    # only: the bank's off-topic set plays no part.
    "everyday_declined": 0.93,
}

# Candidate refusal rules: confidence thresholds x ceilings on the "other" class's probability.
THRESHOLDS = tuple(float(t) for t in np.round(np.arange(0.05, 0.951, 0.01), 2))  # below 1/16 all would be alike
OTHER_CEILINGS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 1.0)

# Everyday questions and remarks that are not about how neural networks learn: the "other" class.
# Written for the recogniser; the bank's off-topic set (content/data/chat/off-topic.yaml) is kept for evaluation.
OTHER_QUESTIONS: tuple[str, ...] = (
    "hi there", "hey", "good morning", "good night", "bye", "see you later", "thanks", "thank you so much", "ok",
    "cool", "yes", "no", "haha", "what is your name", "are you a boy or a girl", "where do you live",
    "do you have a pet", "what is my name", "i have a cat", "my brother took my ipad", "i am hungry",
    "i am sad today", "i feel happy", "i lost my shoe", "can i have a snack", "what should i eat for lunch",
    "do you like ice cream", "what is the best flavour of crisps", "how do you make pancakes",
    "how do you bake a cake", "is chocolate healthy", "why do onions make you cry", "what is 12 plus 9",
    "what is half of 50", "how do you do long division", "what is a fraction", "what is a prime number",
    "how many sides does a hexagon have", "what is the square root of 81", "help me with my maths",
    "how do you spell because", "what does enormous mean", "what is a verb", "write me a story about a dragon",
    "tell me a story", "say something funny", "can you sing", "sing happy birthday", "what is the longest river",
    "where is australia", "what country is paris in", "how big is the moon", "how far away is the sun",
    "why is the sea salty", "how do rainbows happen", "what makes thunder", "will it rain today",
    "is it going to snow", "how hot is the sun", "what are clouds made of", "why do leaves change colour",
    "how do bees make honey", "what do sharks eat", "how fast is a cheetah", "are dinosaurs real",
    "which dinosaur was the biggest", "do fish sleep", "why do cats purr", "how long do dogs live",
    "how many teeth does a crocodile have", "what is the smallest bird", "who was the first king of england",
    "when did the romans come", "who built the pyramids", "what happened in world war two",
    "who invented the light bulb", "who painted the mona lisa", "who is the richest person",
    "who is the best footballer", "what team do you support", "how do you play chess", "what is the offside rule",
    "when are the olympics", "how do you ride a bike", "how do you do a cartwheel", "what is your favourite song",
    "put some music on", "what is the best film", "who is taylor swift", "what is the best video game",
    "how do i get diamonds in minecraft", "what is roblox", "can you play fortnite", "how do i beat level five",
    "what is the cheat code", "how do you draw a horse", "what colour do blue and yellow make",
    "how do magnets work", "how does electricity work", "how do batteries work", "how does a fridge keep cold",
    "how does a rocket get to space", "why do we have seasons", "how many planets are there",
    "is pluto a planet", "what is a black hole", "how do plants grow", "why do we need to sleep",
    "why do we dream", "why do i have to brush my teeth", "how many bones are in the body",
    "why is blood red", "how does the heart pump", "what is a virus", "can i go outside", "is it the weekend",
    "what day is it today", "how long until the summer holidays", "what is the date", "set an alarm",
    "set a timer for ten minutes", "call my mum", "where are my keys", "turn the lights off",
    "what is the wifi password", "how much does a phone cost", "how do you save money",
    "how much pocket money should i get", "can i have a puppy", "my friend is being mean",
    "i do not want to go to school", "school is boring", "i finished my homework", "what is for pudding",
    "i want to be a vet", "how do you become an astronaut", "what job should i do", "are you my friend",
    "do you love me", "are you real", "do you eat food", "what is your favourite animal", "do you have a mum",
    "what did you do today", "knock knock", "why did the chicken cross the road", "banana", "asdfgh",
    "qwerty uiop", "blah blah", "123", "hmm", "idk", "whatever", "you are silly", "poo", "lalala",
    # More everyday chat, school subjects, games, animals, weather, requests and texting noise.
    "hiya", "yo", "sup", "whats up", "hey how are you", "how are you today", "are you ok",
    "good afternoon", "good evening", "nice to meet you", "goodbye", "night night", "see ya", "thanks a lot",
    "cheers", "okay then", "alright", "sure", "nope", "yep", "maybe", "i guess", "hahaha", "lmao", "omg", "wow",
    "nice", "cool cool", "awesome", "yay", "ugh", "meh", "oops", "sorry", "whatever you say", "you are funny",
    "you are boring", "i am tired", "i am so excited", "i feel sick", "my tummy hurts",
    "i am scared of the dark", "i miss my grandma", "my dog is called max", "i got a new bike",
    "it is my birthday tomorrow", "when is your birthday",
    "what is your favourite food", "do you like football", "do you play games", "do you have friends",
    "can you be my best friend", "will you play with me", "can we play a game", "lets play hide and seek",
    "play rock paper scissors", "tell me another joke", "tell me something interesting",
    "tell me a fun fact", "what is the funniest joke", "why is grass green",
    "how hot is lava", "what is the biggest animal in the world", "what is the fastest car",
    "how tall is the eiffel tower", "what is the tallest mountain", "how deep is the ocean",
    "how many people live in the world", "what is the capital of france", "what is the capital of spain",
    "where is the north pole", "which country is the biggest", "how many continents are there",
    "what language do they speak in brazil", "how do you say hello in spanish",
    "what is 100 divided by 4", "what is 15 minus 6", "what is 3 squared", "how do you add fractions", "what is pi",
    "what is an angle", "how many centimetres in a metre", "how many minutes in an hour",
    "how many days are in a year", "what month is it", "what year is it", "when is christmas",
    "how many sleeps until christmas", "is it nearly lunchtime", "what time does school start", "when is half term",
    "what is for dinner tonight", "can we have chips tonight", "what is the healthiest fruit",
    "are carrots good for your eyes", "how do you make a sandwich",
    "how do you make a paper plane", "how do you tie your shoelaces", "how do you whistle",
    "how do you learn to swim", "how do you score a goal", "who won the world cup",
    "who is the best basketball player", "what is a touchdown", "how long is a marathon",
    "how do you get better at football", "what is the best pokemon", "how do i catch a pikachu",
    "how do i build a house in minecraft", "how do you tame a wolf in minecraft", "what is the best fortnite skin",
    "how do i get more robux", "can you help me beat this boss", "what game should i play",
    "is mario better than sonic", "who is the strongest superhero", "is spiderman real",
    "who would win batman or superman", "what is your favourite movie", "what is the best cartoon",
    "what is on tv tonight", "play my favourite song", "who sings this song", "how do you play the piano",
    "how do you play guitar", "what instrument should i learn", "how do you draw a cat",
    "what colour is a flamingo", "why are flamingos pink", "do penguins have knees", "can pigs fly",
    "why do dogs bark", "why do cats hate water", "how long do hamsters live", "what do rabbits eat",
    "how do birds fly", "why do birds sing in the morning", "are spiders insects",
    "how many legs does an octopus have", "why do zebras have stripes", "what is the biggest dinosaur",
    "do unicorns exist", "are dragons real", "is santa real", "is the tooth fairy real",
    "what happens when you die", "why do people get old", "why do we have to go to school", "i hate homework",
    "can you do my homework for me", "help me with my english homework", "what is a noun", "what is an adjective",
    "how do you write a poem", "what rhymes with cat",
    "what does the word gigantic mean", "who wrote harry potter", "what is the best book",
    "what happened to the titanic", "who was the first person on the moon", "when was the first car made",
    "who was queen victoria", "what did the vikings eat", "how old is the earth", "how do volcanoes erupt",
    "what causes earthquakes", "how do plants make food", "how does the water cycle work",
    "what is gravity", "why do things fall down", "what is an atom", "how does a plane stay in the air",
    "how do boats float", "why is ice slippery", "how cold is the north pole", "how do you make ice cubes",
    "is it sunny outside", "what is the weather like tomorrow", "will it be windy today", "do i need an umbrella",
    "why does it rain", "how do tornadoes form", "what is a hurricane", "how do you build a snowman",
    "can i watch tv", "can i play on the ipad", "can i have some sweets",
    "my mum says i have to go to bed", "i want a new phone", "how much does a puppy cost",
    "what should i get my dad for his birthday", "how do you make friends", "what should i do at the weekend",
    "i am going to the park", "we went to the beach today", "i went swimming", "i lost my tooth",
    "i fell off my bike", "my friend is coming over", "where is the toilet", "what is the meaning of life",
    "who made you", "are you a robot or a person", "are you alive", "do you sleep", "can you see me",
    "can you hear me", "what do you look like", "where are you", "are you watching me", "say hello to my friend",
    "can you speak french", "can you count to ten", "count to 100", "say the alphabet", "what comes after z",
    "spell your name", "repeat after me", "i love you", "you are my best friend", "you are the best",
    "i dont like you", "go away", "stop", "shut up", "this is stupid", "nothing", "no thanks", "never mind",
    "forget it", "test", "testing testing", "hello hello", "are you there", "anyone there", "xyz", "jjjjj", "aaaaa",
    "hdjsk", "kjhkjh", "zzzz", "ha", "hm", "um", "uh oh", "brb", "gtg", "ttyl", "lmk", "smh", "ikr", "omw", "nvm",
    "tysm",
)


# Texting slang and short forms, read as the words they stand for (apostrophes are dropped before this table).
SLANG: dict[str, str] = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "yr": "your", "r": "are", "y": "why", "n": "and",
    "wat": "what", "wot": "what", "wut": "what", "wht": "what", "whut": "what", "whats": "what is",
    "wats": "what is", "wots": "what is", "wuts": "what is", "hw": "how", "hows": "how is", "whys": "why is",
    "pls": "please", "plz": "please", "plez": "please", "cuz": "because", "coz": "because", "cos": "because",
    "bc": "because", "bcos": "because", "becuz": "because", "dunno": "do not know", "idk": "i do not know",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "kinda": "kind of", "sorta": "sort of",
    "im": "i am", "ive": "i have", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "cant": "can not", "cannot": "can not", "wont": "will not", "isnt": "is not", "arent": "are not",
    "wasnt": "was not", "aint": "is not", "shouldnt": "should not", "wouldnt": "would not", "couldnt": "could not",
    "thx": "thanks", "thnx": "thanks", "ty": "thank you", "ppl": "people", "abt": "about", "tho": "though",
    "b4": "before", "2day": "today", "gr8": "great", "l8r": "later", "msg": "message", "pic": "picture",
    "pics": "pictures", "luv": "love", "becoz": "because", "bcoz": "because", "wen": "when", "wer": "where",
    "ok": "okay", "k": "okay", "kk": "okay", "da": "the", "teh": "the", "hav": "have", "shud": "should",
    "cud": "could", "wud": "would", "sumthing": "something", "smth": "something", "sth": "something",
    "nething": "anything", "ne1": "anyone", "every1": "everyone", "some1": "someone", "tmrw": "tomorrow",
    # More of children's everyday texting and sound-it-out spelling (general, not from any evaluation question).
    "fone": "phone", "fones": "phones", "skool": "school", "skul": "school", "wiv": "with", "wif": "with",
    "fink": "think", "gud": "good", "gd": "good", "rly": "really", "rlly": "really", "enuf": "enough",
    "thru": "through", "bout": "about", "lemme": "let me", "gimme": "give me", "iz": "is", "woz": "was",
    "wuz": "was", "sez": "says", "dis": "this", "dem": "them", "vid": "video", "vids": "videos",
    "tbh": "to be honest", "ngl": "not going to lie", "btw": "by the way", "rn": "right now",
    "irl": "in real life", "wdym": "what do you mean", "nvm": "never mind",
    "computa": "computer", "compooter": "computer", "puter": "computer", "robit": "robot", "ova": "over",
    "wher": "where", "wy": "why", "bcuz": "because",
}

# Words too common to say what a message is about: they never count as "a word the recogniser knows" (the network
# still sees them, down-weighted by their inverse document frequency).
STOP_WORDS = frozenset("""
a an the is are am was were be been being what how why when where who which whose whom does do did doing done can
could would should will shall may might must you your yours me my mine i it its this that these those there here
of to in on at by for with from into onto about as and or but if so not no yes than then too very just also only
really please tell explain mean means meaning know want think thing things stuff something anything get got go
going make made like kind sort of some any all one ones he she they them their we us our his her him
""".split())

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['`\u2018\u2019]")
_REPEATS = re.compile(r"(.)\1{2,}")
_DOUBLES = re.compile(r"(.)\1+")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+")


def normalise(text: str) -> str:
    """Lower case letters and digits separated by single spaces: accents and apostrophes dropped ("what's" ->
    "whats"), a letter typed three or more times in a row cut to two ("sooooo" -> "soo")."""
    text = _APOSTROPHES.sub("", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _REPEATS.sub(r"\1\1", text)
    return _NON_ALNUM.sub(" ", text).strip()


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment: insert, delete, change, swap neighbours) between a
    and b, or limit + 1 as soon as it is certainly more than limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def _deletes(word: str, depth: int) -> set[str]:
    """Every string made by deleting up to `depth` letters from word (word itself included)."""
    found = {word}
    edge = {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1:] for w in edge for i in range(len(w))} - found
        found |= edge
    return found


class Lexicon:
    """What the recogniser knows about words: the training vocabulary (word -> count) for spelling correction, the
    words that count as "about a concept", and the inverse document frequency of each feature bucket."""

    def __init__(self, counts: Mapping[str, int], topic_words: Iterable[str], idf: np.ndarray | None,
                 config: Mapping[str, Any]):
        self.counts = dict(counts)
        self.topic_words = frozenset(topic_words)
        self.idf = idf
        self.config = dict(config)
        self._index: dict[str, list[str]] | None = None
        self._read: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    @classmethod
    def build(cls, concept_texts: Iterable[str], other_texts: Iterable[str], config: Mapping[str, Any]) -> Lexicon:
        """The vocabulary of the training texts; topic words are the concept texts' words that are not stop words."""
        plain = Lexicon({}, (), None, dict(config, spelling=False))
        counts: Counter[str] = Counter()
        topic: set[str] = set()
        for text in concept_texts:
            words = [w for _, w in plain.words(text)]
            counts.update(words)
            topic.update(w for w in words if w not in STOP_WORDS)
        for text in other_texts:
            counts.update(w for _, w in plain.words(text))
        return cls(dict(sorted(counts.items())), sorted(topic), None, config)

    def _spelling_index(self) -> dict[str, list[str]]:
        if self._index is None:
            with self._lock:
                if self._index is None:
                    index: dict[str, list[str]] = {}
                    for word in self.counts:
                        if len(word) >= 3 and not word.isdigit():
                            for d in _deletes(word, 2):
                                index.setdefault(d, []).append(word)
                    self._index = index
        return self._index

    def correct(self, word: str) -> str | None:
        """The nearest vocabulary word within the allowed distance, or None."""
        limit = 1 if len(word) < 6 else 2
        index = self._spelling_index()
        candidates = {c for d in _deletes(word, limit) for c in index.get(d, ())}
        best: tuple[int, int, str] | None = None
        for c in candidates:
            dist = edit_distance(word, c, limit)
            if dist <= limit:
                key = (dist, -self.counts[c], c)
                best = key if best is None or key < best else best
        return best[2] if best else None

    def read_word(self, token: str) -> tuple[str, ...]:
        """One typed word (already normalised) -> the word(s) it is read as."""
        found = self._read.get(token)
        if found is not None:
            return found
        config = self.config
        single = _DOUBLES.sub(r"\1", token)
        if config.get("slang") and (token in SLANG or (single in SLANG and single not in self.counts
                                                            and token not in self.counts)):
            found = tuple(SLANG[token if token in SLANG else single].split())
        elif not config.get("spelling") or token in self.counts or token.isdigit():
            found = (token,)
        elif single in self.counts:
            found = (single,)
        elif len(token) < int(config.get("spell_min_len", 4)) or any(ch.isdigit() for ch in token):
            found = (token,)
        else:
            found = (self.correct(token) or token,)
        if len(self._read) < 100_000:
            self._read[token] = found
        return found

    def words(self, text: str) -> list[tuple[int, str]]:
        """A message as read: [(index of the typed word in normalise(text).split(), word read)]."""
        out: list[tuple[int, str]] = []
        for i, token in enumerate(normalise(text).split()):
            out.extend((i, w) for w in self.read_word(token))
        return out

    def knows(self, text: str) -> bool:
        """Whether any word of the message, as read, is one the concept training texts use (stop words aside)."""
        return any(w in self.topic_words for _, w in self.words(text))

    def to_dict(self) -> dict[str, Any]:
        return {"counts": self.counts, "topic_words": sorted(self.topic_words),
                "idf": None if self.idf is None else np.round(self.idf, 5).tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], config: Mapping[str, Any]) -> Lexicon:
        idf = None if data.get("idf") is None else np.array(data["idf"], dtype=float)
        return cls(data["counts"], data["topic_words"], idf, config)


_PLAIN_READERS: dict[str, Lexicon] = {}


def _plain_reader(config: Mapping[str, Any]) -> Lexicon:
    """A reader that takes words as typed (slang still expanded when the config says so), one per config and process."""
    key = json.dumps(config, sort_keys=True, default=str)
    reader = _PLAIN_READERS.get(key)
    if reader is None:
        reader = _PLAIN_READERS[key] = Lexicon({}, (), None, dict(config, spelling=False))
    return reader


def _units(text: str, config: Mapping[str, Any], lexicon: Lexicon | None = None,
           words: Sequence[tuple[int, str]] | None = None) -> list[tuple[str, tuple[int, ...]]]:
    """Every feature unit of a message with the typed-word positions it comes from: ("c:<wo", (0,)), ("w:word", (0,))...
    words: the message as read (`Lexicon.words`), when the caller has it already."""
    if words is None:
        words = (lexicon if lexicon is not None else _plain_reader(config)).words(text)
    units: list[tuple[str, tuple[int, ...]]] = []
    for i, word in words:
        units.extend((unit, (i,)) for unit in _word_units(word, config))
    if config["word_pairs"]:
        for (i, a), (j, b) in zip(words, words[1:]):
            units.append((f"p:{a}_{b}", (i,) if i == j else (i, j)))
    return units


def _word_units(word: str, config: Mapping[str, Any]) -> list[str]:
    """The units of one word read: its character n-grams (with word boundaries) and the word itself."""
    padded = f"<{word}>"
    units = ["c:" + padded[start:start + n] for n in config["char_ngrams"]
             for start in range(0, max(len(padded) - n + 1, 0))]
    if config["words"]:
        units.append("w:" + word)
    return units


def _bucket(unit: str, buckets: int) -> int:
    return zlib.crc32(unit.encode("utf-8")) % buckets


# word -> bucket of every unit of the word, per feature config: a word's n-grams are hashed once per process.
_WORD_BUCKETS: dict[tuple, dict[str, list[int]]] = {}


def _word_buckets(config: Mapping[str, Any]) -> dict[str, list[int]]:
    key = (int(config["buckets"]), tuple(config["char_ngrams"]), bool(config["words"]))
    table = _WORD_BUCKETS.get(key)
    if table is None or len(table) > 200_000:
        table = _WORD_BUCKETS[key] = {}
    return table


def _row_buckets(words: Sequence[tuple[int, str]], config: Mapping[str, Any]) -> list[int]:
    """The bucket of every unit of a message as read (the same multiset as `_units`, hashed)."""
    buckets = int(config["buckets"])
    table = _word_buckets(config)
    out: list[int] = []
    for _, word in words:
        found = table.get(word)
        if found is None:
            found = table[word] = [_bucket(u, buckets) for u in _word_units(word, config)]
        out.extend(found)
    if config["word_pairs"]:
        out.extend(_bucket(f"p:{a}_{b}", buckets) for (_, a), (_, b) in zip(words, words[1:]))
    return out


def _counts(texts: Sequence[str], config: Mapping[str, Any], lexicon: Lexicon | None,
            read: Sequence[Sequence[tuple[int, str]]] | None = None) -> np.ndarray:
    """Unit counts per bucket -> (len(texts), buckets). read: the texts as read already, when the caller has them."""
    buckets = int(config["buckets"])
    reader = lexicon if lexicon is not None else _plain_reader(config)
    rows: list[int] = []
    cols: list[int] = []
    for row, text in enumerate(texts):
        found = _row_buckets(read[row] if read is not None else reader.words(text), config)
        cols.extend(found)
        rows.extend([row] * len(found))
    X = np.zeros((len(texts), buckets))
    np.add.at(X, (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)), 1.0)
    return X


def _scale(X: np.ndarray, idf: np.ndarray | None) -> np.ndarray:
    X = np.log1p(X, out=X)
    if idf is not None:
        X *= idf
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms == 0, 1.0, norms)


def features(texts: Sequence[str], config: Mapping[str, Any] = FEATURE_CONFIG,
             lexicon: Lexicon | None = None) -> np.ndarray:
    """Hashed n-gram features -> X: (len(texts), buckets); log(1 + count) per bucket (times its inverse document
    frequency when the lexicon has one), each row scaled to length 1. Without a lexicon words are taken as typed."""
    idf = lexicon.idf if lexicon is not None and config.get("tfidf") else None
    return _scale(_counts(texts, config, lexicon), idf)


def _idf(counts: np.ndarray) -> np.ndarray:
    """Smoothed inverse document frequency per bucket of a count matrix; 0 for buckets no example uses."""
    n = counts.shape[0]
    df = (counts > 0).sum(axis=0)
    return np.where(df > 0, np.log((1 + n) / (1 + df)) + 1.0, 0.0)


# ---------------------------------------------------------------- training data


def _noisy(text: str, rng: np.random.Generator) -> str:
    """A misspelt copy: one or two letters dropped, doubled, swapped with a neighbour, or changed."""
    chars = list(text)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(int(rng.integers(1, 3))):
        spots = [i for i, ch in enumerate(chars) if ch.isalpha()]
        if len(spots) < 3:
            break
        i = int(rng.choice(spots))
        kind = int(rng.integers(0, 4))
        if kind == 0:
            del chars[i]
        elif kind == 1:
            chars.insert(i, chars[i])
        elif kind == 2 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars[i] = letters[int(rng.integers(0, 26))]
    return "".join(chars)


_FILLER = frozenset("a an the is are was what whats wat how does do did why can could you me my it its i of to in "
                    "and or for on be this that".split())


def _short(text: str, rng: np.random.Generator) -> str | None:
    """A copy keeping only one or two of the question's content words, like 'weights??' or 'relu meaning'."""
    content = [w for w in normalise(text).split() if w not in _FILLER]
    if len(content) < 2:
        return None
    keep = sorted(rng.choice(len(content), size=min(len(content), int(rng.integers(1, 3))), replace=False))
    return " ".join(content[k] for k in keep)


def bank_texts(content: Any) -> dict[str, list[str]]:
    """The bank's own reviewed words per concept, as extra labelled examples: every lesson's title, summary,
    messages (and their 'why'), analogy, everyday example, misconceptions and key takeaways at all three tracks,
    split into sentences, plus the FAQ questions. A sentence that is word for word one of the bank's evaluation
    questions (held-out or off-topic, e.g. a lesson titled like a child's question) is left out, so the evaluation
    stays on unseen text. content: a content.Bank (duck-typed, so no import cycle)."""
    evaluation = {normalise(q) for qs in content.chat.held_out.values() for q in qs}
    evaluation |= {normalise(q) for q in content.chat.off_topic}
    out: dict[str, list[str]] = {}
    for concept in content.concept_ids:
        parts: list[str] = []
        for track in content.tracks:
            lesson = content.lesson(concept, track.id)
            if lesson is None:
                continue
            parts += [lesson.title, lesson.summary, lesson.analogy, lesson.everyday_example, *lesson.key_takeaways]
            for m in lesson.messages:
                parts += [m.text, m.why or ""]
            for m in lesson.misconceptions:
                parts += [m.myth, m.truth]
        parts += [f.question for f in content.faq_for(concept)]
        seen: set[str] = set()
        sentences: list[str] = []
        for part in parts:
            for sentence in _SENTENCE.split(part):
                key = normalise(sentence)
                if len(key.split()) >= 2 and key not in seen and key not in evaluation:
                    seen.add(key)
                    sentences.append(sentence.strip())
        out[concept] = sentences
    return out


def training_examples(training: Mapping[str, Sequence[str]], topics: Sequence[str],
                      config: Mapping[str, Any] = TRAINING_CONFIG,
                      other: Sequence[str] = OTHER_QUESTIONS,
                      extra: Mapping[str, Sequence[str]] | None = None) -> tuple[list[str], np.ndarray]:
    """The bank's training questions (plus OTHER_QUESTIONS as the last class) with deterministic noisy and short
    copies, and `bank_texts` copies of each extra (lesson) sentence -> (texts, labels: (n,) indices into
    topics + [OTHER])."""
    rng = np.random.default_rng(config["seed"])
    texts: list[str] = []
    labels: list[int] = []
    groups = [(k, training.get(t, ())) for k, t in enumerate(topics)] + [(len(topics), other)]
    for label, questions in groups:
        for q in questions:
            texts += [q] * int(config["question_copies"])
            labels += [label] * int(config["question_copies"])
            for _ in range(config["noisy_copies"]):
                texts.append(_noisy(q, rng))
                labels.append(label)
            if label < len(topics):  # a two-word remark is still "other"; shortening it teaches nothing
                for _ in range(config["short_copies"]):
                    short = _short(q, rng)
                    if short:
                        texts.append(short)
                        labels.append(label)
    for k, t in enumerate(topics):
        for sentence in (extra or {}).get(t, ()):
            texts += [sentence] * int(config["bank_texts"])
            labels += [k] * int(config["bank_texts"])
    return texts, np.array(labels, dtype=int)


def training_hash(training: Mapping[str, Sequence[str]], extra: Mapping[str, Sequence[str]] | None = None) -> str:
    """A fingerprint of everything training depends on: the bank's questions and lesson texts, OTHER_QUESTIONS,
    SLANG, STOP_WORDS and both configs."""
    payload = {"training": {k: list(v) for k, v in sorted(training.items())}, "other": list(OTHER_QUESTIONS),
               "extra": {k: list(v) for k, v in sorted((extra or {}).items())}, "slang": SLANG,
               "stop": sorted(STOP_WORDS), "features": FEATURE_CONFIG, "config": TRAINING_CONFIG,
               "rules": [THRESHOLDS, OTHER_CEILINGS],
               "version": FORMAT_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


def bank_hash(content: Any) -> str:
    """training_hash of a content bank: its chat training questions and its lesson texts."""
    return training_hash(content.chat.training, bank_texts(content))


# ---------------------------------------------------------------- the recogniser


@dataclass(frozen=True)
class Recognition:
    """What the recogniser made of one message.

    status: "answered" (topic is set), "unsure" (no topic clear enough, or no word it knows) or "off-topic" (the
    "other" class won). confidence: the probability of the most likely concept. ranked: [(concept, probability)]
    best first. known: whether any word of the message is one the concept training texts use.
    """

    status: str
    topic: str | None
    confidence: float
    ranked: list[tuple[str, float]]
    other: float
    known: bool = True


@dataclass(frozen=True)
class _Reading:
    """One message as the recogniser read it: words as read [(typed-word index, word)], its feature vector, each
    network's first-layer sums and outputs, the averaged outputs, and whether it has a concept word."""

    words: tuple[tuple[int, str], ...]
    x: np.ndarray
    hidden_z: list[np.ndarray]
    outputs: list[np.ndarray]
    p: np.ndarray
    known: bool


@dataclass
class Recogniser:
    nets: list[Network]
    topics: list[str]
    threshold: float
    hash: str
    lexicon: Lexicon
    config: dict[str, Any] = field(default_factory=lambda: dict(FEATURE_CONFIG))
    metrics: dict[str, Any] = field(default_factory=dict)
    max_other: float = 1.0  # decline ("unsure") when the "other" class gets more than this
    _weights: list | None = field(default=None, init=False, repr=False, compare=False)
    _readings: dict[str, _Reading] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def net(self) -> Network:
        """The first network (all have the same shape)."""
        return self.nets[0]

    @property
    def classes(self) -> list[str]:
        return [*self.topics, OTHER]

    def _features(self, messages: Sequence[str]) -> np.ndarray:
        return features(messages, self.config, self.lexicon)

    def _layers(self) -> list[list[tuple[np.ndarray, np.ndarray, str]]]:
        """Every network's (W, b, activation) per layer, copied out of the networks once (they do not change after
        training; Network.params copies on every call)."""
        if self._weights is None:
            self._weights = [[(W, b, name) for (W, b), name in zip(net.params, net.activations)] for net in self.nets]
        return self._weights

    def _reading(self, message: str) -> _Reading:
        """One message read, featurised and run through every network, once: recognise() and explain() of the same
        message (one chat reply) share it. A small per-recogniser cache, cleared when full."""
        found = self._readings.get(message)
        if found is not None:
            return found
        words = self.lexicon.words(message)
        X = _scale(_counts([message], self.config, self.lexicon, [words]),
                   self.lexicon.idf if self.config.get("tfidf") else None)
        zs, outputs = [], []
        for layers in self._layers():
            a = X
            first = None
            for W, b, name in layers:  # the same arithmetic as Network.predict
                z = a @ W + b
                first = z if first is None else first
                a = ACTIVATIONS[name](z)
            zs.append(first[0])
            outputs.append(a[0])
        p = sum(outputs) / len(outputs)
        known = not self.config.get("known_word_rule") or any(w in self.lexicon.topic_words for _, w in words)
        found = _Reading(tuple(words), X[0], zs, outputs, p, known)
        if len(self._readings) >= 256:
            self._readings.clear()
        self._readings[message] = found
        return found

    def probabilities(self, messages: Sequence[str]) -> np.ndarray:
        """Softmax outputs for messages, averaged over the networks -> (len(messages), topics + 1); the last column
        is "other"."""
        X = self._features(messages)
        return sum(net.predict(X) for net in self.nets) / len(self.nets)

    def _known(self, message: str) -> bool:
        return not self.config.get("known_word_rule") or self.lexicon.knows(message)

    def recognise(self, message: str) -> Recognition:
        reading = self._reading(message)
        return self._decide(reading.p, reading.known)

    def recognise_many(self, messages: Sequence[str]) -> list[Recognition]:
        if not messages:
            return []
        return [self._decide(p, self._known(m)) for p, m in zip(self.probabilities(messages), messages)]

    def _decide(self, p: np.ndarray, known: bool = True) -> Recognition:
        concept_p = p[:-1]
        order = np.argsort(-concept_p, kind="stable")
        ranked = [(self.topics[i], float(concept_p[i])) for i in order]
        best, confidence = ranked[0]
        other = float(p[-1])
        if other >= confidence:
            return Recognition("off-topic", None, confidence, ranked, other, known)
        if confidence < self.threshold or other > self.max_other or not known:
            return Recognition("unsure", None, confidence, ranked, other, known)
        return Recognition("answered", best, confidence, ranked, other, known)

    def explain(self, message: str, topic: str | None = None, top: int = 6) -> dict[str, Any]:
        """How the networks read `message`: their shape, the typed words and the letter groups that pushed them
        toward `topic` (the best concept when None) as gradient x input of log p(topic), averaged over the networks,
        the words as read after slang and spelling fixes, and the top three concepts."""
        reading = self._reading(message)
        x, p = reading.x, reading.p
        k = self.classes.index(topic) if topic in self.topics else int(np.argmax(p[:-1]))
        contribution = np.zeros_like(x)
        used = np.flatnonzero(x)  # gradient x input is 0 wherever the input is 0: only the message's buckets count
        active = 0
        for layers, hidden_z, p_net in zip(self._layers(), reading.hidden_z, reading.outputs):
            (W1, _, _), (W2, _, _) = layers
            # d log p_k / d logits = onehot(k) - p; back through the output weights and the ReLU to the inputs.
            d_logits = -p_net
            d_logits[k] += 1.0
            d_hidden = (W2 @ d_logits) * (hidden_z > 0)
            contribution[used] += x[used] * (W1[used] @ d_hidden) / len(self.nets)
            active += int((hidden_z > 0).sum())

        buckets = int(self.config["buckets"])
        units = _units(message, self.config, words=reading.words)
        hashed = [_bucket(unit, buckets) for unit, _ in units]
        counts = np.bincount(np.asarray(hashed, dtype=np.intp), minlength=buckets) if hashed else np.zeros(buckets)
        shares = contribution[hashed] / counts[hashed] if hashed else np.zeros(0)
        words = normalise(message).split()
        per_word = np.zeros(len(words))
        per_unit: dict[str, float] = {}
        for (unit, positions), share in zip(units, shares.tolist()):
            per_unit[unit] = per_unit.get(unit, 0.0) + share
            for i in positions:
                per_word[i] += share / len(positions)
        word_scores: dict[str, float] = {}
        for w, s in zip(words, per_word):
            word_scores[w] = word_scores.get(w, 0.0) + float(s)
        read_as = {}
        for i, w in reading.words:
            read_as.setdefault(words[i], []).append(w)
        top_words = sorted(((w, s) for w, s in word_scores.items() if s > 0), key=lambda t: -t[1])[:top]
        top_units = sorted(((u, s) for u, s in per_unit.items() if s > 0), key=lambda t: -t[1])[:top]
        ranked = sorted(range(len(self.topics)), key=lambda i: -p[i])[:3]
        return {
            "network": {
                "sizes": list(self.net.sizes),
                "activations": list(self.net.activations),
                "inputs": f"{self.net.sizes[0]} letter-group counts",
                "hidden": self.net.sizes[1],
                "outputs": self.classes,
                "networks": len(self.nets),
            },
            "topic": self.classes[k],
            "words": [{"text": w, "score": round(s, 4), "read_as": " ".join(read_as.get(w, [w]))}
                      for w, s in top_words],
            "pieces": [{"text": _show_unit(u), "score": round(s, 4)} for u, s in top_units],
            "read_as": " ".join(w for _, w in reading.words),
            "top": [{"topic": self.topics[i], "confidence": float(p[i])} for i in ranked],
            "other": float(p[-1]),
            "known_words": reading.known,
            "active_hidden": round(active / len(self.nets)),
        }

    # ---- storage

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "topics": self.topics,
            "other": OTHER,
            "threshold": self.threshold,
            "max_other": self.max_other,
            "training_hash": self.hash,
            "features": self.config,
            "activations": list(self.net.activations),
            "sizes": list(self.net.sizes),
            "metrics": self.metrics,
            "lexicon": self.lexicon.to_dict(),
            "networks": [[{"W": np.round(W, 7).tolist(), "b": np.round(b, 7).tolist()} for W, b in net.params]
                         for net in self.nets],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recogniser:
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"recogniser file has format {data.get('format')!r}, expected {FORMAT_VERSION}")
        nets = []
        for layers in data["networks"]:
            params = [(np.array(layer["W"], dtype=float), np.array(layer["b"], dtype=float)) for layer in layers]
            nets.append(Network.from_params(params, data["activations"]))
        config = dict(data["features"])
        return cls(nets=nets, topics=list(data["topics"]), threshold=float(data["threshold"]),
                   hash=data["training_hash"], lexicon=Lexicon.from_dict(data["lexicon"], config), config=config,
                   metrics=dict(data.get("metrics", {})), max_other=float(data.get("max_other", 1.0)))


def _show_unit(unit: str) -> str:
    """A feature unit as a child could read it: 'c:<ba' -> 'ba…' (start of a word), 'p:go_backwards' -> 'go backwards'."""
    kind, _, text = unit.partition(":")
    if kind == "c":
        return text.replace("<", "").replace(">", "") if text.startswith("<") and text.endswith(">") else \
            text.replace("<", "[").replace(">", "]")
    return text.replace("_", " ")


# ---------------------------------------------------------------- training and evaluation


def _fit(training: Mapping[str, Sequence[str]], topics: Sequence[str], other: Sequence[str],
         extra: Mapping[str, Sequence[str]] | None, config: Mapping[str, Any],
         feature_config: Mapping[str, Any]) -> tuple[list[Network], Lexicon, int]:
    """Train the networks on questions + everyday sentences (+ lesson sentences) -> (networks, lexicon, examples)."""
    use_extra = extra if config["bank_texts"] else None
    concept_texts = [q for t in topics for q in training.get(t, ())]
    concept_texts += [s for t in topics for s in (use_extra or {}).get(t, ())]
    lexicon = Lexicon.build(concept_texts, other, feature_config)
    texts, labels = training_examples(training, topics, config, other, use_extra)
    counts = _counts(texts, feature_config, lexicon)
    if feature_config.get("tfidf"):
        lexicon.idf = _idf(counts)
    X = _scale(counts, lexicon.idf)
    nets = []
    for seed in config["seeds"]:
        net = Network(sizes=[X.shape[1], config["hidden"], len(topics) + 1], activations=["relu", "softmax"],
                      seed=seed)
        shrink = 1.0 - float(config["weight_decay"])

        def decay(epoch: int, history: Any, net: Network = net) -> bool:
            if epoch and shrink != 1.0:  # L2 weight decay, once per epoch, on the weights only
                net.set_params([(W * shrink, b) for W, b in net.params])
            return False

        train(net, X, labels, loss="ce", lr=config["lr"], epochs=config["epochs"], seed=seed,
              batch_size=config["batch_size"], momentum=config["momentum"], callback=decay)
        nets.append(net)
    return nets, lexicon, len(texts)


def _folds(training: Mapping[str, Sequence[str]], topics: Sequence[str], other: Sequence[str], k: int,
           seed: int) -> list[tuple[dict[str, list[str]], list[tuple[int, str]], list[str], list[str]]]:
    """Stratified k folds: every concept's questions (and the everyday sentences) dealt round-robin into k parts in
    a seeded random order -> [(fit questions per concept, [(label, validation question)], other fit, other val)]."""
    rng = np.random.default_rng(seed)
    assignment: list[list[int]] = []
    for qs in [training.get(t, ()) for t in topics] + [other]:
        order = rng.permutation(len(qs))
        fold = np.empty(len(qs), dtype=int)
        fold[order] = np.arange(len(qs)) % k
        assignment.append(fold.tolist())
    out = []
    for f in range(k):
        fit = {t: [q for q, a in zip(training.get(t, ()), assignment[i]) if a != f] for i, t in enumerate(topics)}
        val = [(i, q) for i, t in enumerate(topics) for q, a in zip(training.get(t, ()), assignment[i]) if a == f]
        other_fit = [q for q, a in zip(other, assignment[-1]) if a != f]
        other_val = [q for q, a in zip(other, assignment[-1]) if a == f]
        out.append((fit, val, other_fit, other_val))
    return out


def out_of_fold(training: Mapping[str, Sequence[str]], topics: Sequence[str],
                config: Mapping[str, Any] = TRAINING_CONFIG, feature_config: Mapping[str, Any] = FEATURE_CONFIG,
                extra: Mapping[str, Sequence[str]] | None = None,
                other: Sequence[str] = OTHER_QUESTIONS) -> dict[str, Any]:
    """Stratified k-fold over the training questions and the everyday sentences: every one of them predicted by
    networks trained without it (lesson texts are in every fold's training, they are never validation questions).
    -> {"probs": (n, topics + 1), "labels": (n,), "known": (n,) bool, "questions": [str]}"""
    probs, labels, known, questions = [], [], [], []
    for fit, val, other_fit, other_val in _folds(training, topics, other, int(config["folds"]), int(config["seed"])):
        nets, lexicon, _ = _fit(fit, topics, other_fit, extra, config, feature_config)
        qs = [q for _, q in val] + list(other_val)
        X = _scale(_counts(qs, feature_config, lexicon), lexicon.idf)
        probs.append(sum(net.predict(X) for net in nets) / len(nets))
        labels += [i for i, _ in val] + [len(topics)] * len(other_val)
        known += [not feature_config.get("known_word_rule") or lexicon.knows(q) for q in qs]
        questions += qs
    return {"probs": np.vstack(probs), "labels": np.array(labels), "known": np.array(known, dtype=bool),
            "questions": questions}


def _declined(probs: np.ndarray, known: np.ndarray, threshold: float, max_other: float = 1.0) -> np.ndarray:
    """Which rows of softmax outputs (n, topics + 1) get no topic: "other" wins, the best concept is below the
    threshold, "other" is above its ceiling, or the message has no concept word."""
    best = probs[:, :-1].max(axis=1)
    other = probs[:, -1]
    return (other >= best) | (best < threshold) | (other > max_other) | ~np.asarray(known, dtype=bool)


def _tune_policy(probs: np.ndarray, labels: np.ndarray, n_topics: int, known: np.ndarray | None = None,
                 everyday_declined: float = 0.93) -> tuple[float, float]:
    """The refusal rule (confidence threshold, "other" ceiling) for validation predictions: the most concept
    questions answered with their own concept among the rules that decline at least `everyday_declined` of the
    everyday ("other") sentences; ties go to more everyday sentences declined, then the lower threshold and the
    higher ceiling. When no rule declines that many, the one that declines the most."""
    known = np.ones(len(labels), dtype=bool) if known is None else np.asarray(known, dtype=bool)
    concept = labels < n_topics
    right = np.argmax(probs[:, :-1], axis=1) == labels
    best_key, best_rule = None, (0.0, 1.0)
    for t in THRESHOLDS:
        for o in OTHER_CEILINGS:
            declined = _declined(probs, known, t, o)
            answered_right = float(np.mean(right[concept] & ~declined[concept])) if concept.any() else 0.0
            everyday = float(np.mean(declined[~concept])) if (~concept).any() else 1.0
            meets = everyday >= everyday_declined - 1e-12
            key = (meets, answered_right if meets else everyday, everyday, -t, o)
            if best_key is None or key > best_key:
                best_key, best_rule = key, (t, o)
    return best_rule


def score_out_of_fold(oof: Mapping[str, Any], n_topics: int, threshold: float | None = None,
                      max_other: float = 1.0, everyday_declined: float = TRAINING_CONFIG["everyday_declined"]
                      ) -> dict[str, Any]:
    """Accuracy of out-of-fold predictions: best guess right (ranking), answered and right under the refusal rule
    (threshold and "other" ceiling, tuned on these same predictions when threshold is None), and the share of
    everyday sentences declined."""
    probs, labels, known = oof["probs"], oof["labels"], oof["known"]
    if threshold is None:
        threshold, max_other = _tune_policy(probs, labels, n_topics, known, everyday_declined)
    concept = labels < n_topics
    best = np.argmax(probs[:, :-1], axis=1)
    declined = _declined(probs, known, threshold, max_other)
    return {
        "threshold": threshold,
        "max_other": max_other,
        "top1_ranking": float(np.mean(best[concept] == labels[concept])),
        "accuracy": float(np.mean((best[concept] == labels[concept]) & ~declined[concept])),
        "other_declined": float(np.mean(declined[~concept])) if (~concept).any() else 0.0,
        "questions": int(concept.sum()),
        "other_questions": int((~concept).sum()),
    }


def cross_validate(training: Mapping[str, Sequence[str]], topics: Sequence[str] | None = None,
                   config: Mapping[str, Any] = TRAINING_CONFIG, feature_config: Mapping[str, Any] = FEATURE_CONFIG,
                   extra: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """Stratified k-fold cross-validation over the training questions (and OTHER_QUESTIONS) only: the measure used
    to choose features and settings. The held-out and off-topic sets play no part."""
    topics = list(topics or sorted(training))
    started = time.perf_counter()
    oof = out_of_fold(training, topics, config, feature_config, extra)
    result = score_out_of_fold(oof, len(topics), everyday_declined=config["everyday_declined"])
    declined = _declined(oof["probs"], oof["known"], result["threshold"], result["max_other"])
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["misses"] = [{"question": q, "expected": ([*topics, OTHER])[y], "best": topics[int(np.argmax(p[:-1]))]}
                        for q, y, p, d in zip(oof["questions"], oof["labels"], oof["probs"], declined)
                        if (y < len(topics)) != (not d)
                        or (y < len(topics) and int(np.argmax(p[:-1])) != y)]
    return result


def train_recogniser(training: Mapping[str, Sequence[str]], topics: Sequence[str] | None = None,
                     config: Mapping[str, Any] = TRAINING_CONFIG, extra: Mapping[str, Sequence[str]] | None = None,
                     feature_config: Mapping[str, Any] = FEATURE_CONFIG) -> Recogniser:
    """Tune the confidence threshold on out-of-fold predictions of the training questions, then train on all of them.

    training: concept id -> example questions (the bank's chat training set); extra: concept id -> lesson sentences
    (`bank_texts`). Deterministic for a given input.
    """
    topics = list(topics or sorted(training))
    started = time.perf_counter()
    oof = out_of_fold(training, topics, config, feature_config, extra)
    validation = score_out_of_fold(oof, len(topics), everyday_declined=config["everyday_declined"])
    nets, lexicon, n_examples = _fit(training, topics, OTHER_QUESTIONS, extra, config, feature_config)
    metrics = {"validation": validation, "training_examples": n_examples,
               "bank_questions": sum(len(training.get(t, ())) for t in topics),
               "bank_sentences": sum(len((extra or {}).get(t, ())) for t in topics) if config["bank_texts"] else 0,
               "other_questions": len(OTHER_QUESTIONS),
               "train_seconds": round(time.perf_counter() - started, 3)}
    return Recogniser(nets=nets, topics=topics, threshold=validation["threshold"],
                      hash=training_hash(training, extra), lexicon=lexicon, config=dict(feature_config),
                      metrics=metrics, max_other=validation["max_other"])


def train_for_bank(content: Any, config: Mapping[str, Any] = TRAINING_CONFIG) -> Recogniser:
    """train_recogniser on a content bank: its chat training questions and its lesson texts."""
    return train_recogniser(content.chat.training, list(content.concept_ids), config, bank_texts(content))


def evaluate(recogniser: Recogniser, held_out: Mapping[str, Sequence[str]], off_topic: Sequence[str]) -> dict[str, Any]:
    """Top-1 accuracy on the held-out questions (topic given and right), and the share of off-topic questions that
    get the honest "not sure" reply; with every miss listed so authors can see what went wrong."""
    questions = [(t, q) for t, qs in sorted(held_out.items()) for q in qs]
    results = recogniser.recognise_many([q for _, q in questions])
    misses = [{"question": q, "expected": t, "got": r.topic, "best": r.ranked[0][0], "confidence": round(r.confidence, 3),
               "status": r.status} for (t, q), r in zip(questions, results) if r.topic != t]
    top1 = sum(r.ranked[0][0] == t for (t, _), r in zip(questions, results))
    off = recogniser.recognise_many(list(off_topic))
    claimed = [{"question": q, "got": r.topic, "confidence": round(r.confidence, 3)}
               for q, r in zip(off_topic, off) if r.topic is not None]
    return {
        "held_out_accuracy": (len(questions) - len(misses)) / len(questions) if questions else 0.0,
        "held_out_top1_ranking": top1 / len(questions) if questions else 0.0,
        "held_out_questions": len(questions),
        "off_topic_not_sure": (len(off) - len(claimed)) / len(off) if off else 0.0,
        "off_topic_questions": len(off),
        "misses": misses,
        "off_topic_claimed": claimed,
    }


def save(recogniser: Recogniser, path: str | os.PathLike = DATA_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(recogniser.to_dict(), separators=(",", ":"), sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file
    return path


def load(path: str | os.PathLike = DATA_PATH) -> Recogniser:
    return Recogniser.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


_cache: dict[str, tuple[float, Recogniser]] = {}
_cache_lock = threading.Lock()


def shipped(path: str | os.PathLike = DATA_PATH) -> Recogniser:
    """The trained recogniser from `path`, loaded once per process and again only when the file changes."""
    key = str(path)
    mtime = os.stat(key).st_mtime_ns
    cached = _cache.get(key)
    if cached is not None and cached[0] == mtime:
        return cached[1]
    with _cache_lock:
        cached = _cache.get(key)
        if cached is None or cached[0] != mtime:
            recogniser = load(key)
            recogniser.lexicon._spelling_index()  # built now (~50 ms), not in the first misspelt message's reply
            cached = (mtime, recogniser)
            _cache[key] = cached
    return cached[1]
