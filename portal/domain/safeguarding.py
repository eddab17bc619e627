"""Signs, in what a person writes, that a child may be in danger (issue 13; how it reads
and what it was measured at: docs/safeguarding.md).

This is a backstop. The form asks every submitter directly whether a child is in danger;
what is written is read as well, because people say it in their own words. `assess`
returns one `Signal` per sentence that worried us, quoting the sentence:

- URGENT: a precise sign ("my stepdad hits me", "i want 2 die", "mae dad yn fy nharo"):
  staff are alerted and the case goes to the top of the queue.
- CONCERN: a weaker one ("I want to run away", "she has bruises"): a tag at the top of
  triage, for a person to read.

How it reads, in short: the text is split into sentences and clauses; text-speak and
numbers for words are rewritten ("i want 2 die", "kms"); every form of a word of harm is
read as the word ("hitted", "hurted", "smacks"); a slip of spelling is forgiven only where
the typed word is not itself an English word (pyspellchecker's word list: "picked" is never
read as "kicked"). Rules then look for a harm aimed at a child or a person at home, fear,
thoughts of suicide or self-harm, and the rest; a "not", "never" or "nobody" just before
the harm in the same clause cancels it, and a word of harm in a figure of speech ("beat me
at chess", "the meeting killed me") is left alone. Welsh is read with its mutations
("taro", "daro", "tharo", "nharo"). The words live in data/danger_words_en.toml and
data/danger_words_cy.toml; everything is compiled once, at import.
"""

import gzip
import json
import re
import tomllib
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache, partial
from importlib import resources
from pathlib import Path

DATA = Path(__file__).parent / "data"
ENGLISH_WORDS = DATA / "danger_words_en.toml"
WELSH_WORDS = DATA / "danger_words_cy.toml"


class Strength(StrEnum):
    URGENT = "urgent"
    CONCERN = "concern"


@dataclass(frozen=True)
class Signal:
    strength: Strength
    sentence: str  # as the person wrote it, trimmed
    why: str  # in plain words for staff, e.g. "someone hurting a child"


# What staff are told, in plain words: never a bare keyword, never an internal code.
HURT = "someone hurting a child"
HURT_AT_HOME = "violence at home"
SEXUAL = "sexual abuse"
SUICIDE = "thoughts of suicide or self-harm"
OVERDOSE = "an overdose or too many pills"
ALONE = "a child left alone"
ONLINE = "an adult online asking a child for pictures"
DRUGS = "made to carry or sell drugs"
FEAR = "fear at home"
UNSAFE = "not feeling safe"
THREAT = "a threat to kill or hurt"
THROWN_OUT = "thrown out, with nowhere safe to sleep"
NO_FOOD = "no food at home"
LOCKED_IN = "being locked in"
MISSING = "running away or going missing"
INJURIES = "injuries such as bruises, burns or marks"
NOT_HOME = "not wanting to go home"
SECRET = "told to keep a secret"
DANGER = "said to be in danger"
GROOMING = "signs of grooming"
FOLLOWED = "someone following or watching a child"
COUNCIL = "words the council asked us to look out for"


# --- Sentences ------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


# --- Words ----------------------------------------------------------------------------


def _load(path: Path) -> dict[str, dict[str, object]]:
    with path.open("rb") as file:
        return tomllib.load(file)


_EN = _load(ENGLISH_WORDS)
_CY = _load(WELSH_WORDS)

_VOWELS = set("aeiou")


def _forms(lemma: str) -> set[str]:
    """Every form a child may type: hit, hits, hitting, hittin, hitted, hited, hiting."""
    forms = {lemma}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and lemma[-2] not in _VOWELS:
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    if lemma.endswith("ie"):
        forms |= {lemma + "d", lemma[:-2] + "ying"}
    elif lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing", lemma[:-1] + "in"}
    elif lemma.endswith("y") and lemma[-2] not in _VOWELS:
        forms |= {lemma[:-1] + "ied", lemma + "ing", lemma + "in"}
    else:
        forms |= {lemma + "ed", lemma + "ing", lemma + "in"}
        short = (
            len(lemma) >= 3
            and lemma[-1] not in _VOWELS | {"w", "x", "y"}
            and lemma[-2] in _VOWELS
            and lemma[-3] not in _VOWELS
        )
        if short:  # a doubled last letter, as written or not: "hitted", "hited"
            doubled = lemma + lemma[-1]
            forms |= {doubled + "ed", doubled + "ing", doubled + "in"}
    return forms


def _strings(table: dict[str, object], key: str) -> list[str]:
    value = table[key]
    assert isinstance(value, list)
    return [str(item) for item in value]


_EN_VERBS: dict[str, list[str]] = {k: _strings(_EN["verbs"], k) for k in _EN["verbs"]}
_EN_WORDS: dict[str, list[str]] = {k: _strings(_EN["words"], k) for k in _EN["words"]}

# Each form of a verb of harm, read as the word itself ("hitted" -> "hit").
_LEMMA: dict[str, str] = {}
for _lemmas in _EN_VERBS.values():
    for _lemma in _lemmas:
        for _form in _forms(_lemma):
            _LEMMA.setdefault(_form, _lemma)
_LEMMA.update({str(k): str(v) for k, v in _EN["forms"].items()})
_SLANG: dict[str, tuple[str, ...]] = {
    str(k): tuple(str(v).split()) for k, v in _EN["slang"].items()
}
_JOIN: dict[tuple[str, str], str] = {
    tuple(str(k).split()): str(v)  # type: ignore[misc]
    for k, v in _EN["join"].items()
}


# --- Welsh: mutations -----------------------------------------------------------------

_SOFT = {
    "p": "b", "t": "d", "c": "g", "b": "f", "d": "dd", "g": "", "m": "f", "ll": "l", "rh": "r"
}  # fmt: skip
_NASAL = {"p": "mh", "t": "nh", "c": "ngh", "b": "m", "d": "n", "g": "ng"}
_ASPIRATE = {"p": "ph", "t": "th", "c": "ch"}


def _mutate(word: str, table: dict[str, str]) -> str | None:
    for start in sorted(table, key=len, reverse=True):
        if word.startswith(start):
            return table[start] + word[len(start) :]
    return None


def _welsh_forms(word: str) -> dict[str, str]:
    """A Welsh word's forms, each with its kind: R(adical), S(oft or aspirate), N(asal).
    A nasal form follows "fy" (my/me): "fy nharo" is "hitting me"."""
    forms = {word: "R"}
    if word[0] in _VOWELS:
        forms.setdefault("h" + word, "S")  # "ei hofn" (her fear), "eu hanafu"
    for table, kind in ((_SOFT, "S"), (_ASPIRATE, "S"), (_NASAL, "N")):
        mutated = _mutate(word, table)
        if mutated:
            forms.setdefault(mutated, kind)
    return forms


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def _fold(text: str) -> str:
    """Lower case, accents dropped ("tŷ" -> "ty"), every apostrophe a straight one (phones
    type "don’t")."""
    text = text.translate(_APOSTROPHES)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


_CY_VERBS: dict[str, list[str]] = {k: _strings(_CY["verbs"], k) for k in _CY["verbs"]}
_CY_WORDS: dict[str, list[str]] = {
    k: [_fold(w) for w in _strings(_CY["words"], k)] for k in _CY["words"]
}
_CY_PAST: dict[str, list[str]] = {k: _strings(_CY["past"], k) for k in _CY["past"]}

# Welsh verb forms are read as a tag: "nharo" -> "harmN", "daro" -> "harmS".
_CY_TAG: dict[tuple[str, ...], str] = {}
for _kind, _verbs in _CY_VERBS.items():
    for _verb in _verbs:
        _first, *_rest = _verb.split()
        for _spelling, _tail in [(_first, _rest), *((p, []) for p in _CY_PAST.get(_verb, []))]:
            for _form, _mutation in _welsh_forms(_spelling).items():
                _CY_TAG.setdefault((_form, *_tail), _kind + _mutation)


def _with_mutations(words: Iterable[str]) -> list[str]:
    return sorted({form for word in words for form in _welsh_forms(word)})


# --- The English dictionary: a slip is forgiven only in a word that is not a word -----


def _english_dictionary() -> frozenset[str]:
    """pyspellchecker's English word list (MIT; built by its maintainer from
    OpenSubtitles), shipped inside the package: nothing is downloaded."""
    raw = resources.files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
    return frozenset(json.loads(gzip.decompress(raw)))


_DICTIONARY = _english_dictionary()

# Words of our own that the dictionary may not know, so never "corrected".
_OURS: set[str] = set(_LEMMA) | set(_SLANG) | {w for ws in _EN_WORDS.values() for w in ws}
_OURS |= {part for key in _CY_TAG for part in key}
_OURS |= {part for words in _CY_WORDS.values() for word in words for part in word.split()}
_OURS |= set(_JOIN.values())

# What a slip may be corrected to: the words of harm and danger, by their first letter.
_FUZZY_EXTRA = [
    "suicide",
    "suicidal",
    "unalive",
    "selfharm",
    "danger",
    "unsafe",
    "bruises",
    "bruised",
    "paracetamol",
    "overdose",
    "stepdad",
    "stepmum",
    "boyfriend",
    "myself",
    "pictures",
    "nudes",
    "drugs",
    "strangled",
    "frightened",
    "terrified",
    "scared",
    "afraid",
]
_FUZZY_TARGETS: dict[str, str] = {
    form: lemma
    for form, lemma in _LEMMA.items()
    if len(form) >= 4
    and lemma
    in {
        *_EN_VERBS["harm"],
        *_EN_VERBS["handle"],
        *_EN_VERBS["kill"],
        *_EN_VERBS["touch"],
        *_EN_VERBS["lock"],
        *_EN_VERBS["cut"],
        *_EN_VERBS["fear"],
        *_EN_VERBS["starve"],
        *_EN_VERBS["overdose"],
        *_EN_VERBS["threaten"],
    }  # fmt: skip
}
_FUZZY_TARGETS.update({word: _LEMMA.get(word, word) for word in _FUZZY_EXTRA})


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# Every target and every way of typing it with a letter missing, to the targets it may be:
# a slip is found with a few look-ups, never by comparing with every target.
_SLIPS: dict[str, set[str]] = {}
for _target in _FUZZY_TARGETS:
    for _variant in {_target} | _deletions(_target):
        _SLIPS.setdefault(_variant, set()).add(_target)


def _one_slip(typed: str, wanted: str) -> bool:
    """One letter added, missed, changed, or two swapped."""
    if abs(len(typed) - len(wanted)) > 1 or typed == wanted:
        return False
    if len(typed) == len(wanted):
        diffs = [i for i, (a, b) in enumerate(zip(typed, wanted, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and typed[diffs[0]] == wanted[diffs[1]]
            and typed[diffs[1]] == wanted[diffs[0]]
        )
    short, long = (typed, wanted) if len(typed) < len(wanted) else (wanted, typed)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


@lru_cache(maxsize=4096)
def _corrected(typed: str) -> str | None:
    if len(typed) < 4 or not typed.isalpha() or typed in _DICTIONARY or typed in _OURS:
        return None
    candidates = set(_SLIPS.get(typed, ()))
    for variant in _deletions(typed):
        candidates |= _SLIPS.get(variant, set())
    for target in sorted(candidates):
        if target[0] == typed[0] and _one_slip(typed, target):
            return _FUZZY_TARGETS[target]
    return None


# --- Reading a sentence into words ----------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+|[,;:()]")
_LEET = str.maketrans("0134$5@7", "oieassat")
_CLAUSE_BEFORE = frozenset(
    [
        "but",
        "although",
        "though",
        "however",
        "because",
        "when",
        "if",
        "until",
        "unless",
        "whereas",
        "while",
        "whilst",
    ]
)
_SUBJECT_START = frozenset(
    [
        "i",
        "he",
        "she",
        "they",
        "we",
        "it",
        "im",
        "hes",
        "shes",
        "theyre",
        "nobody",
        "noone",
        "nothing",
        "there",
        "then",
        "now",
    ]
)


# "he'll" is "he will", not "hell"; "don't" is read as one word, "dont".
_CONTRACTIONS = {"ll": " will", "re": " are", "ve": " have", "d": " would", "m": " am"}
_CONTRACTION = re.compile(r"'(ll|re|ve|d|m)\b")


def _english_words(sentence: str) -> list[str]:
    text = _CONTRACTION.sub(lambda m: _CONTRACTIONS[m.group(1)], _fold(sentence))
    text = text.replace("'", "").replace("&", " and ")
    text = re.sub(r"\s[-–—]+\s", " , ", text).replace("-", " ")
    raw = _TOKEN.findall(text)
    words: list[str] = []
    for token in raw:
        if not token[0].isalnum():
            words.append("|")
            continue
        if token in _SLANG:
            words.extend(_SLANG[token])
        elif not token.isalpha() and not token.isdigit():
            # Letters and digits both (a token is [a-z0-9]+): "k1ll" -> "kill".
            words.append(token.translate(_LEET))
        else:
            words.append(token)
    joined: list[str] = []
    for word in words:
        if joined and (joined[-1], word) in _JOIN:
            joined[-1] = _JOIN[(joined[-1], word)]
        else:
            joined.append(word)
    out: list[str] = []
    for i, word in enumerate(joined):
        if word in _CLAUSE_BEFORE or (
            word in ("and", "or") and i + 1 < len(joined) and joined[i + 1] in _SUBJECT_START
        ):
            out.append("|")
        lemma = _LEMMA.get(word) or _corrected(word)
        out.append(lemma or word)
    return _tidy(out)


def _tidy(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        if word == "|" and (not out or out[-1] == "|"):
            continue
        out.append(word)
    if out and out[-1] == "|":
        out.pop()
    return out


_CY_CLAUSE_BEFORE = frozenset(["ond", "achos", "oherwydd", "pan", "os"])
_CY_TOKEN = re.compile(r"[a-z0-9]+|[,;:()]")


def _welsh_words(sentence: str) -> list[str]:
    text = _fold(sentence).replace("'", " ").replace("-", " ")
    words = ["|" if not t[0].isalnum() else t for t in _CY_TOKEN.findall(text)]
    if _CY_TRIGGERS.isdisjoint(words):
        return []  # nothing any Welsh rule looks for: most English sentences
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _CY_CLAUSE_BEFORE:
            out.append("|")
        pair = (word, words[i + 1]) if i + 1 < len(words) else None
        if pair in _CY_TAG:
            out.append(_CY_TAG[pair])
            i += 2
            continue
        out.append(_CY_TAG.get((word,), word))
        i += 1
    return _tidy(out)


# --- Rules ----------------------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def _gap(most: int) -> str:
    """Up to `most` words, never across a clause."""
    return rf"(?:[a-z0-9]+ ){{0,{most}}}"


_EN_CLASSES: dict[str, str] = {
    **{name: _alt(lemmas) for name, lemmas in _EN_VERBS.items()},
    **{name: _alt(words) for name, words in _EN_WORDS.items()},
}
_NEAR = rf"(?:me|us|him|her|them|(?:my|our|his|her|their) (?:{_EN_CLASSES['kin_adjective']} )?(?:{_EN_CLASSES['kin']}|{_EN_CLASSES['body']})|(?:the|a) (?:{_EN_CLASSES['kin_adjective']} )?(?:{_EN_CLASSES['kin']}))"
_KIN = rf"(?:(?:my|our|his|her|their|the|a|this|your|me and my) (?:{_EN_CLASSES['kin_adjective']} )?(?:{_EN_CLASSES['kin']}|{_EN_CLASSES['body']}))"
_EN_CLASSES.update(
    target=rf"(?:me|us|him|her|them|{_KIN}|{_EN_CLASSES['kin']})",
    near=_NEAR,
    g1=_gap(1),
    g2=_gap(2),
    g3=_gap(3),
    b=r"(?:\| )?",
    reflexive=r"(?:myself|yourself|herself|himself|themselves|themself|ourselves)",
    strict_drugs=r"(?:drugs|drug|weed|gear|coke|cocaine|crack|heroin|packages|package|parcels|parcel|countylines)",
)


@dataclass(frozen=True)
class _Rule:
    strength: Strength
    why: str
    pattern: re.Pattern[str]
    needs: frozenset[str]  # the rule is tried only when one of these words is there
    negatable: bool = True  # "not", "never", "nobody" just before the trigger cancels it
    not_by: frozenset[str] = frozenset()  # who cannot be the one acting ("the meeting killed me")
    unless: re.Pattern[str] | None = None  # read just after the match: a figure of speech
    weaker: re.Pattern[str] | None = None  # read just after the match: only a concern


def _rule(
    strength: Strength,
    why: str,
    template: str,
    needs: str,
    classes: dict[str, str],
    words: dict[str, list[str]],
    *,
    negatable: bool = True,
    not_by: frozenset[str] = frozenset(),
    unless: str | None = None,
    weaker: str | None = None,
) -> _Rule:
    def fill(text: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: classes[m.group(1)], text)

    needed: set[str] = set()
    for item in needs.split():
        if item.startswith("@"):
            needed |= {word.split()[0] for word in words[item[1:]]}
        else:
            needed.add(item)
    return _Rule(
        strength,
        why,
        re.compile(fill(template)),
        frozenset(needed),
        negatable,
        not_by,
        re.compile(fill(unless)) if unless else None,
        re.compile(fill(weaker)) if weaker else None,
    )


U, C = Strength.URGENT, Strength.CONCERN
_NOT_A_PERSON = frozenset(_EN_WORDS["non_person"])
_A_THING = _NOT_A_PERSON - {"i", "we"}
_ACCIDENT = (
    r" (?:by (?:a|an|the|my|his|her) (?:ball|horse|pony|car|dog|door|bike|bus|wave|branch|"
    r"football|cricket|goat|cow|swing)|in (?:pe|a film|the film|a game|the game|a match|"
    r"football|rugby|a movie|the movie)|playing|at (?:football|rugby|pe)|and miss)"
)
_NOT_OUT = r" of (?:the |a |my |his |her )?(?:\w+ )?(?:school|class|lessons?|college|club|team|group|game|meeting|pub|shop|cinema|course|lesson)"


def _english_rules() -> list[_Rule]:
    r = partial(_rule, classes=_EN_CLASSES, words={**_EN_VERBS, **_EN_WORDS})
    return [
        # Sexual abuse.
        r(
            U,
            SEXUAL,
            r"\b(?P<t>rape|molest|sexually (?:abuse|assault|exploit|touch)|sexual (?:abuse|assault|exploit|abuser|touching)|cse|indecent(?:ly)? (?:assault|exposure|images)|abuse sexually)\b",
            "rape molest sexually sexual cse indecent indecently abuse",
        ),
        r(
            U,
            SEXUAL,
            r"(?<!\bin )(?<!\blost )(?<!\bkeep )\b(?P<t>{touch}) (?:{target})\b",
            "@touch",
            not_by=_NOT_A_PERSON,
        ),
        r(
            U,
            SEXUAL,
            r"\b(?P<t>make) (?:me|us|her|him|them) (?:do|touch|watch|look at|take|get undressed|undress|sleep|kiss|suck|lick)\b (?:{g3})?(?:things|stuff|rude|porn|dirty|adult|sexual|naked|private|clothes|off|him|her|in (?:his|her|the|my) bed|i dont want|with him|with her)",
            "@make",
        ),
        r(
            U,
            SEXUAL,
            r"\b(?:show|shows|showed|shown) (?:me|us|her|him) (?:{g2})?(?P<t>private|privates|willy|penis|porn|rude|naked|dirty)\b",
            "show shows showed shown",
        ),
        r(
            U,
            SEXUAL,
            r"\b(?:send|sends|sent|show|shows|showed|shown) (?:me|us|her|him) (?:{g1})?(?:{pictures}|picture|photo|video|image) of (?:his|her|their) (?P<t>private|privates|willy|penis|body|bits|parts|naked)\b|\b(?:send|sends|sent|show|shows|showed) (?:me|us|her|him) (?:{g1})?(?P<u>rude|dirty|naked|porn|porno|sexy) ",
            "send sends sent show shows showed shown",
        ),
        r(
            U,
            SEXUAL,
            r"\b(?:watch|watches|watched|watching|film|films|filmed|films) (?:me|us|her|him) (?P<t>shower|showering|get changed|getting changed|undress|undressing|in the (?:bath|shower)|naked)\b",
            "watch watches watched watching film films filmed",
        ),
        r(
            C,
            SEXUAL,
            r"\b(?:come|comes|came|coming|walk|walks|walked|barge|barges|barged) (?:in|into) (?:the|my|her|his) (?P<t>bathroom|shower|bath)\b",
            "come comes came coming walk walks walked barge barges barged",
        ),
        r(
            C,
            GROOMING,
            r"^(?=.*\b(?:man|men|older|lads|guy|guys|gang|stranger|boys)\b).*?\b(?:give|gives|gave|giving|buy|buys|bought) (?:me|us|her|him) (?:free )?(?P<t>vapes?|money|gifts|presents|alcohol|drink|drinks|weed|drugs|cigarettes|fags|phones?|trainers|clothes)\b|^(?=.*\b(?:man|men|older|lads|guy|guys|gang|stranger)\b).*?\b(?P<u>do) (?:stuff|things|favours|jobs) for (?:him|them|older)\b|\bpicked up by (?:older |grown )?(?P<v>men|man|lads|guys|boys)\b|\b(?P<w>men) in cars\b",
            "give gives gave giving buy buys bought do picked men",
            negatable=False,
        ),
        r(
            U,
            SEXUAL,
            r"(?<!\bdog )\b(?P<t>groom)\b(?! (?:club|clubs|parlour|salon|business|shop|kit))",
            "groom",
        ),
        r(
            U,
            SEXUAL,
            r"\b(?:being|been|get|sexually|criminally|criminal) (?P<t>exploit)\b|\b(?P<u>exploit) by\b",
            "exploit",
        ),
        r(
            C,
            SEXUAL,
            r"\b(?:come|comes|came|coming|get|climb|climbs|climbed|creep|creeps) (?:in|into) (?:my|her|his|our|their) (?:room|bedroom|bed)\b(?P<t>)|\b(?P<u>sleep|sleeps|slept|sleeping|gets|got) in (?:my|her|his) bed\b",
            "come comes came coming get climb climbs climbed creep creeps sleep sleeps slept sleeping gets got",
        ),
        r(
            C,
            SECRET,
            r"\b(?:told|tell|tells|said|says|say|made me promise|makes me promise)\b (?:{g3})?(?:not to|never to|to never|i (?:cant|mustnt|shouldnt)) (?P<t>tell)\b|\bour (?:little )?(?P<u>secret)\b|\bkeep (?:it|this|things|us) (?:a |our )?(?P<v>secret)\b",
            "tell tells told said says say secret",
            negatable=False,
        ),
        # Suicide and self-harm.
        r(U, SUICIDE, r"\b(?P<t>kill) (?:{g1})?{reflexive}\b", "kill"),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>unalive|suicide|suicidal)\b(?! (?:prevention|awareness|training|policy|policies|risk|statistics|rates?|squad)\b)",
            "unalive suicide suicidal",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:want|wanted|wants|wanting|wish|wishes|wished|going|like|ready|trying|tried|try|plan|planning|rather|deserve|deserves|should|better) (?:to )?(?:just )?(?P<t>die|be dead|dead|not be alive|not exist|disappear forever)\b(?! (?:my|her|his|their|your|me) (?:hair|hairs)| for\b)",
            "die dead disappear exist alive",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>wish) (?:i|he|she|we) (?:(?:was|were) (?:dead|never born|gone|not alive|not here)|(?:wasnt|werent) (?:alive|here|born|around)|had never been born|hadnt been born|could die|could disappear|never existed|didnt exist)\b",
            "wish",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:dont|doesnt|didnt|not|no longer|never|wont) (?:{g1})?(?:want|wanna|wish) (?:to )?(?P<t>live|be alive|wake up|exist|be here anymore|be here any more|be around anymore|be on this earth|carry on)\b",
            "live alive wake exist here around earth carry",
            negatable=False,
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:want|wants|wanted|going|about|might|will|could|should|plan|planning|decided|try|tried|trying|wish|ready|thinking|think|of|to) (?:to )?(?:just )?(?P<t>end) (?:it all|my life|her life|his life|their lives?|my own life|it|everything|things|myself)\b|\b(?P<u>end) it all\b|\btake (?:my|her|his|their) own (?P<v>life)\b",
            "end life",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>better) (?:off )?(?:without me|without her|without him|dead|{b}(?:if|when) (?:i|he|she) (?:was|were|wasnt|werent|didnt|am|is|im) (?:{g1})?(?:here|dead|gone|around|alive|exist|born))\b",
            "better",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:nobody|noone|you|they|anyone|everyone|people|no one|nobody) (?:{g2})?(?:care|notice|miss me|miss him|miss her|miss us|be happier|be glad) (?:{g1}){b}if (?:i|he|she) (?:{g1})?(?P<t>die|dead|gone|disappeared|kill|wasnt here|werent here|wasnt around|wasnt alive)\b",
            "care notice miss happier glad",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:not|isnt|aint|never) (?:{g1})?(?P<t>worth living|worth it anymore)\b|\bno (?P<u>point) (?:in )?(?:living|being alive|going on|being here)\b|\bno (?P<v>reason) to (?:live|be alive|be here|carry on|go on)\b|\bnothing to (?P<w>live) for\b|\b(?:sleep|asleep|want|wish) (?:{g3})?(?:and )?(?:not|never|dont) (?P<x>wake up)\b",
            "worth point reason live wake",
            negatable=False,
        ),
        r(
            C,
            SUICIDE,
            r"\bif i (?:just )?(?P<t>disappeared)\b|\b(?:nobody|noone) would (?P<u>notice|care)\b|\b(?:want|wish i could) (?:to )?(?P<v>disappear)\b|\bcant (?P<w>take it|do this|go on|cope|carry on) (?:anymore|any more|any longer)\b",
            "disappeared notice care disappear take do go cope carry",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>hang) {reflexive}\b|\bjump (?:off|from|in front of) (?:a|the|this) (?:bridge|building|roof|cliff|train|car|bus|block)\b|\bin front of a (?:train|car|bus|lorry)\b|\bslit (?:my|her|his) wrists\b",
            "hang jump front slit",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>selfharm|self injury|self injure|self injuring)\b",
            "selfharm self",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:i|she|he|they|we|been|have|has|had|started|start|keep|stop|stopped) (?:{g1})?(?P<t>cut) (?:again|last night|tonight|today|every night|every day|yesterday|a lot|deeper|deep)\b|\b(?:been|started|start|keep|stop|stopped|back to) (?P<u>cut)(?: again)?(?: \||$)",
            "cut",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>{cut}|burn) (?:{reflexive}|(?:my|her|his|their) (?:arms?|wrists?|legs?|thighs?|skin|stomach|body))\b",
            "@cut burn",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>hit|punch|starve|bite|hurt|harm|bash) {reflexive} (?:on purpose|deliberately|again|every|when|to|because)\b|\b(?:starve) {reflexive}\b",
            "hit punch starve bite hurt harm bash",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:going to|gonna|about to|will|want to|wants to|plan to|planning to|planning on|decided to|ready to) (?:{g1})?(?P<t>hurt|harm|cut|burn|starve) {reflexive}\b",
            "hurt harm cut burn starve",
        ),
        r(
            C,
            SUICIDE,
            r"\b(?P<t>hurt|harm|hit|punch|bite) {reflexive}\b",
            "hurt harm hit punch bite",
            unless=r" (?:playing|at |in pe|when i fell|falling|on the|by accident|accidentally)",
        ),
        r(
            C,
            SUICIDE,
            r"\b(?:stopped|stop|not|isnt|hasnt been|havent been|refuses|refusing to|wont) (?P<t>eat|eating)\b|\bsick after (?:every|each) meal\b",
            "eat eating meal",
            negatable=False,
        ),
        r(U, OVERDOSE, r"\b(?P<t>overdose)\b", "overdose"),
        r(
            U,
            OVERDOSE,
            r"\b(?P<t>take|swallow) (?:{lots}|\d+|loads|twenty|thirty|fifty) (?:{g2})?(?:{pills})\b|\b(?P<u>take) too (?:many|much)\b",
            "take swallow",
        ),
        # Someone hurting a child, or a person at home.
        r(
            U,
            HURT,
            r"\bhands? (?:round|around|on|tight round) (?:my|his|her|their|the) (?P<t>neck|throat)\b|\bby (?:the|my|his|her|their) (?P<u>throat|neck)\b|\b(?P<v>knock) (?:{target}) (?:out|about|around|over|down|unconscious|flying)\b|\b(?:shake|shook|shaking|shakes) (?:the|my|her|his|their) (?P<w>baby)\b",
            "neck throat knock shake shook shaking shakes",
        ),
        r(
            U,
            HURT,
            r"\b(?P<t>{harm}) (?:{target})\b",
            "@harm",
            not_by=_NOT_A_PERSON,
            unless=r"(?: (?:at|in|on) (?:{g2})?(?:{games})\b| to it\b| by \d| \d| up on\b| off (?:the |a |my )?(?:team|bus|course|list|call|phone|group|chat|register|waiting list|case)\b| out\b| why\b| how\b| what\b| as (?:odd|strange|weird|funny|a)\b| in a (?:film|game|movie|video)\b| with (?:a )?(?:pillow|snowball|water)| (?:playing|play fighting|messing about|by accident|accidentally|as a joke)\b|(?<=hit me) up\b| the roof\b|(?<=knock me) up\b|(?<=knock her) up\b)",
        ),
        r(
            U,
            HURT,
            r"\b(?P<t>{harm}) the \w+ out of (?:{target})\b|\b(?P<u>{throw}) (?:{target}) (?:around|about|across|against|down|into|at)\b",
            "@harm @throw",
            not_by=_NOT_A_PERSON,
        ),
        r(
            U,
            HURT,
            r"\b(?P<v>headlock|chokehold|strangle hold)\b|\b(?:couldnt|cant|could not|cannot|unable to) (?P<w>breathe)\b|\bnext time (?:it (?:will|would|ll) be|its) (?P<x>me|you|her|him|us)\b",
            "headlock chokehold strangle breathe next",
        ),
        r(
            U,
            THREAT,
            r"\b(?P<t>{harm}|chased|chase|chases|came at|comes at|went for|goes for|ran at|runs at|threaten) (?:{target}) (?:{g2})?with (?:a|his|her|the|some) (?:{weapon})\b",
            "@weapon",
            not_by=_NOT_A_PERSON,
        ),
        r(
            U,
            HURT,
            r"\b(?:conviction|convictions|convicted|prison|jail) (?:{g2})?for (?P<t>harm|abuse|hurt|rape|assault|sexual|attack)\w* (?:{g1})?(?:child|children|kids|a child|girls|boys)\b|\b(?P<u>sex offender|sex offenders|paedophile|paedo|nonce|schedule one offender)\b",
            "conviction convictions convicted prison jail sex paedophile paedo nonce schedule",
        ),
        r(
            U,
            SEXUAL,
            r"\b(?P<t>sex|sexual) (?:stuff|things|stuff|acts) (?:to|with|on) (?:{target})\b|\b(?:has|had|have|having|does|did|do|make|made) (?P<u>sex) (?:with|to) (?:me|us|her|him)\b",
            "sex sexual",
            not_by=_NOT_A_PERSON,
        ),
        r(C, SEXUAL, r"\b(?P<t>kiss) (?:{target})\b", "kiss", not_by=_NOT_A_PERSON),
        r(
            C,
            INJURIES,
            r"\b(?P<t>bleeding|bled|blood|bloody nose|split lip|broken nose|broken arm|broken wrist|broken ribs?|black and blue|concussion)\b",
            "bleeding bled blood bloody split broken black concussion",
        ),
        r(
            C,
            HURT_AT_HOME,
            r"\b(?P<t>punch|hit|kick|smash|bang|slam|{harm}) (?:the|a|holes in the|a hole in the|holes in my|a hole in my) (?:wall|walls|door|doors|window|windows|table)\b",
            "@harm smash",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>goodbye letter|goodbye letters|goodbye note|suicide note|goodbye message|final letter)\b",
            "goodbye suicide final",
        ),
        r(
            C,
            OVERDOSE,
            r"\b(?:take|swallow) (?:my |his |her |the )?(?P<t>mums|nans|dads|someones|grans|other peoples) (?:{pills})\b|\b(?:{pills}) (?:{g2})?to (?P<u>make it stop|stop it all|not wake up|sleep forever|die)\b",
            "@pills",
        ),
        r(
            C,
            ALONE,
            r"\b(?:go|goes|going|went|out) (?P<t>drinking|partying|clubbing|out all night|out for days)\b|\blook after (?:my )?(?:baby|little) (?P<u>brother|sister|brothers|sisters)\b (?:{g1})?(?:all night|on my own|overnight|every night)|\b(?P<v>left) (?:[a-z0-9]+ ){0,6}(?:overnight|all night|for days|for the weekend)\b",
            "drinking partying clubbing out look left",
        ),
        r(
            C,
            FEAR,
            r"\b(?P<t>{fear}) to (?:go to )?sleep\b|\b(?:he|she|they|dad|stepdad|uncle) (?:comes|came|creeps|crept|gets) (?P<u>in)(?: \||$| at night| to my| my)",
            "@fear comes came creeps crept gets",
        ),
        r(
            U,
            HURT,
            r"\b(?:get|is|was|were|are|am|been|being|be|keep) (?:(?:always|often|sometimes|still|just|really|badly|constantly|regularly|also|even|again|being) ){0,2}(?P<t>{harm})\b",
            "@harm",
            not_by=_A_THING,
            unless=_ACCIDENT
            + r"| out\b|(?<=hurt)(?! by (?:my |his |her |their |the |a |an )?{person}| at home)|(?<=abuse) of\b",
        ),
        r(
            U,
            HURT,
            r"\b(?P<t>{handle}) (?:{target}) (?:{g3})?(?:by (?:the|my|his|her|their) (?:throat|neck|hair)|down (?:the )?stairs|against (?:the|a) wall|to the (?:floor|ground)|on the floor|down|over)\b|\bpull (?:my|her|his) (?P<u>hair)\b",
            "@handle",
        ),
        r(
            C,
            HURT,
            r"\b(?P<t>{handle}) (?:{target})\b",
            "@handle",
            not_by=_NOT_A_PERSON,
            unless=r" (?:to|into|up|out|back|towards|forward|a|for|aside)\b",
        ),
        r(
            U,
            HURT,
            r"\b(?P<t>throw) (?:things|stuff|plates|objects|chairs|bottles|it|knives|glasses|cups) at (?:{target})\b",
            "@throw",
        ),
        r(U, HURT_AT_HOME, r"\b(?P<t>domestic (?:abuse|violence))\b", "domestic"),
        r(
            C,
            HURT_AT_HOME,
            r"\b(?P<t>violent|violence)\b(?! (?:films?|games?|crime|video|movies?|tv|programmes?))",
            "violent violence",
        ),
        r(
            U,
            THREAT,
            r"\b(?:(?:said|says|say|told me|tells me|swore|promised) (?:{g2})?(?:would|will|ll|d|is going to|was going to|going to|wants to|wanted to|is gonna)|threaten(?: to)?) (?:{g1})?(?P<t>{kill}|{harm}|cut|burn) (?:{target}|the house|everyone|you|all of us)\b",
            "said says say told tells threaten swore promised",
        ),
        r(
            U,
            THREAT,
            r"\b(?:threaten|pull|pulled|point|pointed|wave|waved|brandish|brandished|came at) (?:{g2})?(?:a |his |her |the )?(?P<t>{weapon})\b(?! crime| and fork| awareness)|\b(?:has|had|get|carries|keeps) (?:a|his|her) (?P<u>{weapon})\b(?=.*\b(?:said|use it|threaten|kill|stab|hurt|at me|at us)\b)",
            "@weapon",
        ),
        r(
            U,
            THREAT,
            r"\b(?P<t>{kill}) (?:{target})\b",
            "@kill",
            not_by=_NOT_A_PERSON,
            unless=r" (?:laughing|with laughter)\b",
            weaker=r" (?:\| )?(?:when|if) ",
        ),
        r(
            U,
            INJURIES,
            r"\b(?P<t>bruise|bruises|bruised|bruising|marks|mark|welts|burn|black eyes?|cut|scratches|scars) (?:{g2})?(?:on|all over|round|around) (?:my|his|her|their|your) (?:{body})\b",
            "bruise bruises bruised bruising marks mark welts burn black cut scratches scars",
        ),
        r(
            C,
            INJURIES,
            r"\b(?P<t>bruise|bruises|bruised|bruising|black eyes?|burn marks)\b(?! ego)",
            "bruise bruises bruised bruising black burn",
        ),
        # Fear, and not feeling safe.
        r(
            U,
            FEAR,
            r"\b(?P<t>{fear}) (?:to|of) (?:go|going|goin|be|being|stay|staying|get|getting)(?: back)?(?: to)?(?: (?:my|the|at|his|her))? (?:{home})\b|\b(?P<u>{fear}) to go back\b",
            "@fear",
        ),
        r(
            U,
            FEAR,
            r"\b(?P<t>{fear}) (?:of|for) (?:{g2})?(?:{person}|what (?:he|she|they|hes|shes|him|her|he is|she is)|my (?:life|safety))\b",
            "@fear",
        ),
        r(
            U,
            FEAR,
            r"\b(?P<t>{fear}|worried) (?:for|about) (?:{g3})?(?:safety|life|lives)\b",
            "@fear worried",
        ),
        r(
            U,
            FEAR,
            r"\b(?P<t>{fear}) (?:{g3})?(?:at home|in (?:my|the|our) (?:house|home|flat))\b",
            "@fear",
        ),
        r(U, FEAR, r"\b(?P<t>{fear}) (?:{target})\b", "@fear", not_by=_NOT_A_PERSON),
        r(
            C,
            FEAR,
            r"\b(?P<t>{fear}) (?:{b})(?:when|if|while|because) (?:{g1})?(?:{person}|hes|shes)\b",
            "@fear",
        ),
        r(
            C,
            FEAR,
            r"\b(?:i|we) (?:{g3})?(?P<t>{fear})(?: (?:all the time|every (?:day|night)|at night|now|right now|please|help|stiff|to death|in my (?:room|bed)|of everything))?(?: \||$)|\b(?:i|we) (?:{g3})?(?P<u>{fear}) (?:every time|whenever)\b|\b(?P<v>chair|wardrobe|bed|something) (?:against|behind|in front of) (?:my|the) (?:bedroom )?door\b|\b(?P<w>barricade)",
            "@fear chair wardrobe bed something barricade",
        ),
        r(
            C,
            FEAR,
            r"\b(?P<t>{fear}) to (?:tell|say|speak to) (?:anyone|anybody|someone|somebody|noone|nobody)\b",
            "@fear",
        ),
        r(
            U,
            UNSAFE,
            r"\b(?:dont|doesnt|didnt|not|never|isnt|arent|wasnt|werent|aint|cant|no longer|wont) (?:{g2})?(?P<t>safe|saf)\b",
            "safe saf",
            negatable=False,
            unless=r" (?:to (?:send|use|share|post|store|keep|email|give)|for (?:my|your) (?:data|details|documents|information))",
        ),
        r(U, UNSAFE, r"\b(?P<t>unsafe|endangered)\b", "unsafe endangered"),
        r(U, DANGER, r"\b(?:in|into) (?:{g1})?(?P<t>danger)\b(?! of\b)", "danger"),
        r(C, DANGER, r"\ba (?P<t>danger) to (?:{reflexive}|others)\b", "danger"),
        r(
            C,
            NOT_HOME,
            r"\b(?:dont|doesnt|not|never|no) (?:{g1})?(?:want|wanna|wish) (?:to )?(?:go|going) (?:back )?(?:home|hom|there|to (?:my |his |her |their )?(?:dads|mums|house|home|place))\b(?P<t>)|\b(?:dont|doesnt|not|never) (?:{g1})?(?:want|wanna) (?:to )?go back(?: \||$)(?P<u>)|\bdont make me go (?P<v>back|home)\b|\b(?:cant|wont) go (?:back )?(?P<w>home)\b|\bnot allowed (?P<x>back|home)\b",
            "home hom there dads mums house place back",
            negatable=False,
        ),
        # A child left alone; no food; locked in; thrown out.
        r(
            U,
            ALONE,
            r"\b(?P<t>left|leaves|leaving) (?:(?:{target}) (?:and (?:{target}) )?)?(?:{g2})?(?:home alone|alone|on (?:my|our|their|his|her) own|by {reflexive})\b",
            "left leaves leaving",
            unless=r" (?:to\b|in (?:the|a) (?:{not_home}))",
        ),
        r(
            U,
            ALONE,
            r"\b(?P<t>nobody|noone|no adult|no adults|no grown ups) (?:has been|is|was|s been|been|is ever|at|comes) (?:home|in the house|here|back)\b",
            "nobody noone no",
            negatable=False,
        ),
        r(
            U,
            ALONE,
            r"\b(?:i am|we are|i have been|i been|been|i was|we were) (?P<t>on (?:my|our) own|home alone|alone) (?:at home|in the house|in the flat|all night|all weekend|overnight|for days|since|every night|at night)\b",
            "own alone",
        ),
        r(C, ALONE, r"\b(?P<t>home alone)\b", "alone"),
        r(
            U,
            NO_FOOD,
            r"\b(?P<t>no food|not any food|never any food|never enough food|not enough food|nothing to eat|no dinner|no tea|no breakfast)\b(?! (?:provided|option|options|for the|at the (?:meeting|event|party|centre|school)|at (?:the )?(?:meeting|event|school|college)|was provided))",
            "food eat dinner tea breakfast",
            negatable=False,
        ),
        r(
            U,
            NO_FOOD,
            r"\b(?:havent|hasnt|hadnt|not|didnt|never) (?:{g1})?(?P<t>eat) (?:{g1})?(?:properly|since|for|in|all day|anything|today|yesterday)\b|\b(?:dont|doesnt|didnt|never|nobody|noone|not|wont) (?:{g1})?(?P<u>feed) (?:me|us|her|him|them|the kids|the children|the baby|my)\b|\bnot (?:being )?(?P<v>feed)\b|\bnot allowed (?:to )?(?P<w>eat|food|any food|dinner)\b|\b(?:dont|doesnt|didnt|never|wont|wouldnt) (?:{g1})?let (?:me|us|her|him|them|the kids|the children|my \w+) (?P<q>eat|have food|have any food|have dinner|have tea|have breakfast)\b(?! (?:sweets|chocolate|crisps|junk|snacks|lunch|my lunch|my packed lunch|in|upstairs|until|till|before|after|with|at|on|what|that|those|there))|\b(?:go|goes|going|gone|go to bed) (?P<x>hungry)\b|\b(?:forget|forgets|forgot|forgetting) (?:to )?(?P<y>feed)\b|\b(?:havent|hasnt|hadnt|not|didnt|never) (?:had|got|been given) (?:anything|any food|food|nothing|a meal|any dinner|a proper meal) (?:to (?P<z>eat)|since|for|in)\b",
            "eat feed hungry food dinner tea breakfast",
            negatable=False,
        ),
        r(
            U,
            NO_FOOD,
            r"\b(?:being|been|is|are|was|were|get|badly) (?P<t>neglected)\b|\b(?P<u>neglect|neglecting) (?:me|us|the kids|the children|her|him|them|my|at home)\b",
            "neglected neglect neglecting",
        ),
        r(
            C,
            NO_FOOD,
            r"\b(?:often|always|usually|constantly|so|really) (?P<t>hungry)\b(?! (?:after|before|by|at|when i get))",
            "hungry",
        ),
        r(U, NO_FOOD, r"\b(?P<t>starve) (?:{target})\b", "starve", not_by=_NOT_A_PERSON),
        r(
            U,
            LOCKED_IN,
            r"\b(?P<t>{lock}) (?:{target}) (?:in|inside)\b|\b(?P<u>lock) (?:{target}) (?:up|away)\b",
            "@lock",
            not_by=_NOT_A_PERSON,
        ),
        r(
            U,
            LOCKED_IN,
            r"\b(?:get|is|was|were|are|am|been|being|be|keep) (?P<t>lock) (?:in|inside|up in) (?:the|my|a|his|her|their|our) (?:room|bedroom|shed|cupboard|box room|garage|bathroom|cellar|basement|attic|house|flat|car)\b",
            "lock",
        ),
        r(
            U,
            THROWN_OUT,
            r"\b(?P<t>{throw}) (?:{target}) out\b",
            "@throw",
            not_by=_NOT_A_PERSON,
            unless=_NOT_OUT,
        ),
        r(
            U,
            THROWN_OUT,
            r"\b(?:get|is|was|were|are|am|been|being|be) (?P<t>{throw}) out\b",
            "@throw",
            unless=_NOT_OUT,
        ),
        r(
            C,
            THROWN_OUT,
            r"\b(?:get|is|was|were|are|am|been|being|be) (?P<t>lock) out (?:of (?:the|our|my|their) (?:house|home|flat))\b",
            "lock",
        ),
        r(
            U,
            THROWN_OUT,
            r"\b(?P<t>{lock}) (?:{target}) out (?:of )?(?:the|our|my|their) (?:house|home|flat)\b(?: (?:at night|all night|overnight|in the cold|every night|when))?",
            "@lock",
            not_by=_NOT_A_PERSON,
        ),
        r(
            U,
            THROWN_OUT,
            r"\b(?P<t>make) (?:me|us|them|her|him) (?:sleep|stay|stand|wait) (?:in the garden|outside|in the shed|on the floor|in the car|in the cold|out)\b",
            "@make",
        ),
        r(
            U,
            THROWN_OUT,
            r"\b(?P<t>nowhere|no where|no place) (?:to|for me to|i can) (?:sleep|stay|live)\b|\b(?:sleep|sleeping|slept|sleeps) (?P<u>rough|on the streets?|in (?:a|the) (?:park|car|bus station|stairwell|tent)|outside)\b",
            "nowhere no sleep sleeping slept sleeps",
        ),
        r(
            C,
            THROWN_OUT,
            r"\b(?P<t>nowhere) to go\b|\b(?P<u>homeless)\b|\b(?:sleep|sleeping|slept) (?:on|at) (?:a |my |his |her |different |other )?(?P<v>friends|mates|peoples)\b",
            "nowhere homeless sleep sleeping slept",
        ),
        # Grooming online; drugs; going missing.
        r(
            U,
            ONLINE,
            r"\b(?P<t>nudes|nude (?:pictures|photos|selfies|videos)|naked (?:pictures|photos|selfies|videos|picture|photo)|(?:pictures|photos|videos) of (?:me|myself|her|him) (?:naked|in (?:my|her|his) (?:underwear|pants|bra|knickers|bikini)|with no clothes|without clothes))\b",
            "nudes nude naked pictures photos videos",
            negatable=False,
        ),
        r(
            U,
            ONLINE,
            r"^(?P<t>)(?=.*\b{pictures}\b)(?=.*\b{asking}\b)(?=.*\b(?:{online}|man|men|guy|older|stranger|someone|somebody|lad|person|adult)\b)",
            "@pictures",
            negatable=False,
        ),
        r(
            U,
            ONLINE,
            r"^(?P<t>)(?=.*\b(?:{online})\b)(?=.*\bmeet (?:me|up|him|her)\b)",
            "meet",
            negatable=False,
        ),
        r(
            C,
            GROOMING,
            r"\b(?P<t>boyfriend|girlfriend) (?:who is|whos|is|aged|of) (?:1[89]|[2-9][0-9])\b|\b(?:older|adult|grown up) (?P<u>boyfriend|girlfriend)\b|\b(?:1[89]|[2-9][0-9]) year old (?P<v>boyfriend|girlfriend)\b",
            "boyfriend girlfriend",
        ),
        r(
            U,
            DRUGS,
            r"\b(?P<t>make) (?:{target} )?(?:to )?(?:{carry}) (?:{g3})?(?:{strict_drugs}|(?:stuff|bags?|things|money|phones?) for|for (?:them|him|her|older|the older|a gang|the gang|some older))\b",
            "@make",
        ),
        r(
            U,
            DRUGS,
            r"\b(?P<t>{carry}) (?:{g2})?(?:{strict_drugs}) (?:for|to)\b|\b(?P<u>countylines|trap house|trap houses|going country|gone country|cuckooing|cuckooed|debt bondage)\b|\b(?:send|take|drive|make) (?:{target} )?(?:to )?(?:(?:go|travel) to )?(?:other|different|another) (?P<v>towns?|cities|city|places?|areas?|counties)\b",
            "@carry countylines trap going gone cuckooing cuckooed debt @make",
        ),
        r(
            C,
            DRUGS,
            r"\b(?P<t>{carry}) (?:{g1})?(?:drugs|weed|coke|cocaine|crack|heroin)\b|\b(?:say|says|said|tell|told) (?:i|me|we) (?:{g1})?(?P<u>owe) (?:them|him)\b|\b(?:give|gave|given) (?:me|him|her) a (?P<v>phone|burner)\b",
            "@carry owe give gave given",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:want|wish|make) (?:it all|everything|it|things|the pain) (?:to )?(?P<t>stop) (?:forever|for good|permanently|for ever)\b",
            "stop",
        ),
        r(C, SUICIDE, r"\b(?:want|wish) (?:it all|everything) (?:to )?(?P<t>stop)\b", "stop"),
        r(
            U,
            NO_FOOD,
            r"\b(?:dont|doesnt|havent|hasnt|never|didnt) (?:{g1})?(?:have|got|get|given) (?:any |enough )?(?P<t>food)\b",
            "food",
            negatable=False,
        ),
        r(
            C,
            ALONE,
            r"\b(?:{person}|nobody|noone|parents) (?:is|are|s|was|were) (?:never|hardly ever|not ever|rarely) (?P<t>home|in|here|around|there)\b",
            "home in here around there",
            negatable=False,
        ),
        r(
            U,
            GROOMING,
            r"\b(?:ask|asks|asked|asking|want|wants|wanted|tell|tells|told|get|gets|got) (?:me|him|her|us|my \w+) to (?:meet|come|go|visit|stay) (?:{g3})?(?P<t>in secret|secretly|alone|on (?:my|his|her|your) own|by (?:myself|himself|herself|yourself)|without telling)\b",
            "secret secretly alone own by without",
            negatable=False,
        ),
        r(
            U,
            GROOMING,
            r"^(?=.*\b(?:{online}|adult|older|man|men|woman)\b).*?\b(?P<t>meet|come|visit) (?:{g3})?(?:in secret|secretly|alone|without telling)\b",
            "meet come visit",
            negatable=False,
        ),
        r(
            U,
            DRUGS,
            r"\b(?P<t>{carry}) (?:[a-z0-9]+ ){0,5}(?:for|to) (?:some |the |these |a )?(?:older|gang|lads|dealers|dealer)\b",
            "@carry",
        ),
        r(
            U,
            THREAT,
            r"^(?=.*\bif (?:i|you|she|he|we) (?:ever )?(?:tell|told|say|said|grass|snitch)(?: (?:anyone|anybody|someone|somebody|the police|police|my carer|social|a teacher|on))?\b).*?\b(?P<t>{kill}|{harm})\b",
            "tell told say said grass snitch",
            negatable=False,
        ),
        r(
            U,
            SEXUAL,
            r"\b(?P<t>pregnant)\b(?=.*\b(?:is|aged|hes|shes|he is|she is) (?:1[89]|[2-9][0-9])\b)",
            "pregnant",
        ),
        r(
            C,
            FOLLOWED,
            r"\b(?P<t>follow|follows|followed|following|stalking|stalks|stalked) (?:me|us|her|him)\b",
            "follow follows followed following stalking stalks stalked",
            not_by=_A_THING,
        ),
        r(
            C,
            MISSING,
            r"\b(?P<t>run) away (?:from (?:home|my|the|here|there|this|foster|care|placement|school|them|him|her)|$)|\b(?:want|wanna|going|will|might|plan|planning|thinking|think|about|try|tried|trying|wish i could) (?:to )?(?P<u>run) away\b|\b(?:going|goes|gone|went|go|been|keeps going) (?P<v>missing)\b",
            "run missing",
            not_by=_A_THING,
        ),
        # Loosest last: harm a few words from a child.
        r(
            C,
            HURT,
            r"\b(?P<t>{harm}|{kill}|{throw}) (?:{g3})(?:{near})\b",
            "@harm @kill @throw",
            not_by=_NOT_A_PERSON,
            unless=r"(?: (?:at|in|on) (?:{g2})?(?:{games})\b| to it\b| up\b| out\b| off (?:the |a |my )?(?:team|bus|course|list|call|phone|group|chat)\b| why\b| how\b| what\b| (?:playing|play fighting|messing about|by accident|accidentally|as a joke)\b)",
        ),
    ]


def _welsh_rules() -> list[_Rule]:
    w = _CY_WORDS
    k = {
        "object": _alt(w["object"]),
        "kin": _alt(w["kin"]),
        "person": _alt(w["person"]),
        "games": _alt(w["games"]),
        "alone": _alt(w["alone"]),
        "home": _alt(w["home"]),
        "want": _alt(w["want"]),
        "self": _alt(w["self"]),
        "pills": _alt(_with_mutations(w["pills"])),
        "lots": _alt(w["lots"]),
        "pictures": _alt(_with_mutations(w["pictures"])),
        "online": _alt(w["online"]),
        "asking": _alt(_with_mutations(w["asking"])),
        "drugs": _alt(_with_mutations(w["drugs"])),
        "g1": _gap(1),
        "g2": _gap(2),
        "g3": _gap(3),
    }

    r = partial(_rule, classes=k, words={n: _with_mutations(v) for n, v in w.items()})
    harm_tags = "harmN harmS harmR"
    return [
        r(
            U,
            SEXUAL,
            r"\b(?P<t>harm[NRS]) (?:yn )?rhywiol\b|\b(?P<u>rape[NRS])\b|\b(?:fy|ei|ein|eu|dy|i) (?P<v>touch[NRS])\b|\b(?P<w>touchN)\b|\b(?P<x>touchR) (?:{g1})?(?:{object}|{kin})\b",
            "harmN harmS harmR rapeN rapeS rapeR touchN touchS touchR",
        ),
        r(
            U,
            SUICIDE,
            r"\b(?P<t>lladd|ladd) (?:fy|ei|ein|eu|dy) (?:{self})\b|\b(?P<u>hunanladdiad|hunanladdol)\b|\b(?:{want}) (?P<v>marw|farw)\b|\b(?:hunan )(?P<w>harmR|niwed)\b|\b(?P<y>hunanniweidio)\b|\b(?:torri|dorri|harm[NRS]) (?:fy|ei|ein|eu) (?P<x>{self})\b",
            "lladd ladd hunanladdiad hunanladdol marw farw hunan hunanniweidio torri dorri "
            + harm_tags,
        ),
        r(
            U,
            SUICIDE,
            r"\b(?:ddim|dim) (?:{want}) (?:bod yn )?(?P<t>byw|fyw)\b",
            "byw fyw",
            negatable=False,
        ),
        r(
            U,
            OVERDOSE,
            r"\b(?:{lots}) (?:o )?(?P<t>{pills})\b|\b(?P<u>{pills}) (?:{g2})?i gyd\b|\b(?P<v>gorddos)\b",
            "@pills gorddos",
        ),
        r(
            U,
            HURT,
            r"\b(?P<t>harmN)\b|\b(?:fy|ei|ein|eu|dy|i) (?P<u>harm[NRS])\b",
            "harmN harmS harmR",
        ),
        r(
            U,
            HURT,
            r"^(?!.*\b(?:{games})\b).*?\b(?P<t>harmR) (?:{g2})?(?:{object}|{kin})\b",
            "harmR",
        ),
        r(
            U,
            LOCKED_IN,
            r"\b(?P<t>lockN)\b|\b(?:fy|ei|ein|eu|i) (?P<u>lock[NRS])\b",
            "lockN lockS lockR",
        ),
        r(U, ALONE, r"\b(?P<t>leave[NRS]) (?:{g3})?(?:{alone})\b", "leaveN leaveS leaveR"),
        r(
            U,
            THROWN_OUT,
            r"\b(?P<t>(?:throw|harm)[NRS]) (?:{g3})?allan\b",
            "throwN throwS throwR " + harm_tags,
        ),
        r(
            U,
            DRUGS,
            r"\b(?P<t>carry[NRS]) (?:{g2})?(?:{drugs})\b|\b(?:gwneud i|gorfodi|gorfod) (?:{g3})?(?P<u>{drugs})\b",
            "carryN carryS carryR gwneud gorfodi gorfod",
        ),
        r(
            U,
            ONLINE,
            r"^(?P<t>)(?=.*\b{pictures}\b)(?=.*\b{asking}\b)(?=.*\b(?:{online})\b)",
            "@pictures",
            negatable=False,
        ),
        r(
            U,
            FEAR,
            r"\b(?P<t>ofn|ofnus|ofni|hofn|ofnau) (?:{g3})?(?:{home})\b|\b(?P<u>ofn|ofnus|ofni) (?:o |rhag )?(?:fy |y |ei )?(?:{person})\b",
            "ofn ofnus ofni hofn ofnau",
        ),
        r(
            C,
            FEAR,
            r"\b(?P<t>ofn|ofnus) (?:arna i|arnaf|arna fi|arnon ni)\b|\b(?P<u>codi ofn|dychryn|nychryn)\b",
            "ofn ofnus codi dychryn nychryn",
        ),
        r(
            U,
            UNSAFE,
            r"\b(?:ddim|dim|byth|nad|heb) (?:yn |bod yn )?(?:teimlo n |teimlo |n )?(?P<t>ddiogel|diogel|saff)\b|\b(?P<u>anniogel)\b",
            "ddiogel diogel saff anniogel",
            negatable=False,
        ),
        r(U, DANGER, r"\bmewn (?P<t>perygl)\b", "perygl"),
        r(
            U,
            NO_FOOD,
            r"\b(?P<t>dim bwyd|dim byd i (?:fwyta|fyta|fwyd)|heb fwyd|heb fwyta)\b",
            "bwyd byd fwyd fwyta",
            negatable=False,
        ),
        r(C, NO_FOOD, r"\b(?P<t>llwgu)\b", "llwgu"),
        r(
            U,
            INJURIES,
            r"\b(?P<t>cleisiau|gleisiau|chleisiau|nghleisiau|clais|glais|chlais) ar (?:fy|ei|eu)\b",
            "cleisiau gleisiau chleisiau nghleisiau clais glais chlais",
        ),
        r(
            C,
            INJURIES,
            r"\b(?P<t>cleisiau|gleisiau|chleisiau|nghleisiau|clais|glais|chlais)\b",
            "cleisiau gleisiau chleisiau nghleisiau clais glais chlais",
        ),
        r(C, MISSING, r"\b(?P<t>rhedeg|redeg) i ffwrdd\b", "rhedeg redeg"),
        r(
            U,
            ALONE,
            r"\b(?:does|doedd|dim) (?P<t>neb) (?:adre|adref|gartref|yn y ty|yma|yn y fflat)\b",
            "neb",
            negatable=False,
        ),
    ]


_EN_RULES = _english_rules()
_CY_RULES = _welsh_rules()
_CY_TRIGGERS = frozenset(
    {key[0] for key in _CY_TAG} | {word for rule in _CY_RULES for word in rule.needs}
)

_EN_NEGATORS = frozenset(_EN_WORDS["negator"])
_CY_NEGATORS = frozenset(_CY_WORDS["negator"])
_EN_SUBJECTS = frozenset(_EN_WORDS["person"]) | {"i", "we", "you", "it"}
_CY_SUBJECTS = frozenset(_CY_WORDS["person"]) | {"i", "ni", "chi", "e", "o"}
_AUX = frozenset(_EN_WORDS["aux"])
_NOT_NEGATING = frozenset({"just", "only"})
_CROSSES = frozenset({"think", "believe", "reckon", "suppose", "say"})


def _negated(before: list[str], negators: frozenset[str], subjects: frozenset[str]) -> bool:
    """A negation just before the trigger in the same clause ("he never hits me",
    "nobody hurts me"); not one that belongs to another verb ("I don't know why he hits
    me"), nor "not just" ("he doesn't just hit me")."""
    window = before[-5:]
    for i in range(len(window) - 1, -1, -1):
        if window[i] not in negators:
            continue
        between = window[i + 1 :]
        if between and between[0] in _NOT_NEGATING:
            return False
        if between and between[0] in _CROSSES:
            return True
        return not any(word in subjects for word in between)
    return False


def _done_by(before: list[str], not_by: frozenset[str]) -> bool:
    """False when the one who acts is a thing, an animal or the writer ("the meeting
    killed me", "the pony kicked her", "I hit my ankle")."""
    for word in reversed(before):
        if word in _AUX or word in _EN_NEGATORS:
            continue
        return word not in not_by
    return True


def _index(rules: list[_Rule]) -> dict[str, tuple[int, ...]]:
    """For each word, the rules (by their place in the list) that look for it."""
    index: dict[str, list[int]] = {}
    for place, rule in enumerate(rules):
        for word in rule.needs:
            index.setdefault(word, []).append(place)
    return {word: tuple(places) for word, places in index.items()}


_EN_INDEX = _index(_EN_RULES)
_CY_INDEX = _index(_CY_RULES)


def _read(
    words: list[str],
    rules: list[_Rule],
    index: dict[str, tuple[int, ...]],
    negators: frozenset[str],
    subjects: frozenset[str],
    council: re.Pattern[str] | None = None,
) -> tuple[Strength, str] | None:
    if not words:
        return None
    text = " ".join(words)
    if council is not None and council.search(text):
        return (Strength.URGENT, COUNCIL)
    places = sorted({place for word in set(words) for place in index.get(word, ())})
    if not places:
        return None
    starts = [0]
    for word in words[:-1]:
        starts.append(starts[-1] + len(word) + 1)
    found: tuple[Strength, str] | None = None
    for rule in (rules[place] for place in places):
        if found and rule.strength is not Strength.URGENT:
            continue
        for match in rule.pattern.finditer(text):
            trigger = next(
                (name for name, value in match.groupdict().items() if value is not None), None
            )
            at = match.start(trigger) if trigger else match.start()
            position = bisect_right(starts, at) - 1
            before: list[str] = []
            for word in reversed(words[:position]):
                if word == "|":
                    break
                before.insert(0, word)
            if rule.unless and rule.unless.match(text, match.end()):
                continue
            if rule.negatable and _negated(before, negators, subjects):
                continue
            if rule.not_by and not _done_by(before, rule.not_by):
                continue
            strength = rule.strength
            if rule.weaker and rule.weaker.match(text, match.end()):
                strength = Strength.CONCERN
            if strength is Strength.URGENT:
                return (strength, rule.why)
            found = found or (strength, rule.why)
            break
    return found


@lru_cache(maxsize=64)
def _council_pattern(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    wanted = [" ".join(w for w in _english_words(p) if w != "|") for p in phrases]
    wanted = [p for p in wanted if p]
    if not wanted:
        return None
    return re.compile(r"(?<![a-z0-9])" + _alt(wanted) + r"(?![a-z0-9])")


def assess(texts: Iterable[str], phrases: Iterable[str] = ()) -> tuple[Signal, ...]:
    """Every sentence in `texts` that suggests a child may be in danger, URGENT first.
    `phrases` are a council's own extra words (DANGER_PHRASES_FILE): a match is URGENT."""
    council = _council_pattern(tuple(phrases))
    found: list[Signal] = []
    for text in texts:
        for sentence in sentences(text):
            result = _read(
                _english_words(sentence), _EN_RULES, _EN_INDEX, _EN_NEGATORS, _EN_SUBJECTS, council
            )
            if result is None or result[0] is not Strength.URGENT:
                welsh = _read(
                    _welsh_words(sentence), _CY_RULES, _CY_INDEX, _CY_NEGATORS, _CY_SUBJECTS
                )
                if welsh and (result is None or welsh[0] is Strength.URGENT):
                    result = welsh
            if result:
                found.append(Signal(result[0], sentence, result[1]))
    return tuple(sorted(found, key=lambda s: s.strength is not Strength.URGENT))


def strongest(signals: Iterable[Signal]) -> Strength | None:
    levels = {signal.strength for signal in signals}
    if Strength.URGENT in levels:
        return Strength.URGENT
    return Strength.CONCERN if levels else None


def load_phrases(*paths: Path | None) -> tuple[str, ...]:
    """A council's own phrases (DANGER_PHRASES_FILE): one a line, # for a comment."""
    phrases: list[str] = []
    for path in paths:
        if path is None or not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                phrases.append(line)
    return tuple(dict.fromkeys(phrases))
