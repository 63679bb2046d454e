"""The canonical form of a claim and the key facts that must agree for two texts to state it.

``analyze(text)`` strips attribution ("…, Smith said", "Smith claimed on Tuesday that …"),
writes numbers, percentages, amounts and dates one way (4.2 percent → ``4.2%``,
$3.5 million and 3.5m dollars → ``$3500000``, Jan. 1 and January 1st → ``01-01``), maps
newsroom paraphrase onto one word (jobless → unemployment, dropped → fall) and stems the
rest. It also extracts the key facts (quantities, percentages, dates, months, weekdays,
names, office holders) and which clauses are negated, so that ``matching`` can refuse a
pair that differs in one of them. Everything here is pure Python and deterministic.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# The pure-Python Snowball stemmer costs ~0.1 ms a word; news vocabulary repeats a lot.
_stem = lru_cache(maxsize=50_000)(snowballstemmer.stemmer("english").stemWord)

# --- Word lists -------------------------------------------------------------------------

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": "mon", "tuesday": "tue", "wednesday": "wed", "thursday": "thu",
    "friday": "fri", "saturday": "sat", "sunday": "sun",
}  # fmt: skip
UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {
    "hundred": 100, "thousand": 1_000, "k": 1_000, "million": 1_000_000, "m": 1_000_000,
    "mn": 1_000_000, "mln": 1_000_000, "billion": 1_000_000_000, "bn": 1_000_000_000,
    "b": 1_000_000_000, "trillion": 1_000_000_000_000, "tn": 1_000_000_000_000,
}  # fmt: skip
_SHORT_SCALES = {"k", "m", "mn", "mln", "b", "bn", "tn"}  # only right after a figure

# Abbreviations expanded before anything else, so that their period is not a boundary and
# "Sen." and "Senator" read the same.
ABBREVIATIONS = {
    "Sen.": "Senator", "Rep.": "Representative", "Gov.": "Governor", "Lt.": "Lieutenant",
    "Gen.": "General", "Sgt.": "Sergeant", "Dr.": "Doctor", "Mr.": "Mister", "Mrs.": "Missus",
    "Ms.": "Miz", "St.": "Saint", "Ft.": "Fort", "Mt.": "Mount", "Prof.": "Professor",
    "U.S.": "US", "U.K.": "UK", "Mo.": "Missouri", "Kan.": "Kansas", "Neb.": "Nebraska",
    "Okla.": "Oklahoma", "Ill.": "Illinois", "No.": "number",
}  # fmt: skip
_ABBREVIATION_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(a) for a in ABBREVIATIONS) + r")(?!\w)"
)

# Newsroom paraphrase: phrases first (longest first), then single words. The value is the
# canonical word that both sides are rewritten to. Hand-written and small on purpose: it
# covers the verbs and nouns of the stories desks check (economy, crime, budgets, votes).
PHRASES = {
    "took effect": "effect", "takes effect": "effect", "went into effect": "effect",
    "goes into effect": "effect", "kicked in": "effect", "signed off on": "approve",
    "laid off": "layoff", "lay off": "layoff", "go up": "rise", "goes up": "rise",
    "went up": "rise", "go down": "fall", "went down": "fall", "more than": "over",
    "greater than": "over", "fewer than": "under", "less than": "under",
    "voted against": "oppose", "voted for": "support", "per year": "annual",
    "a year": "annual", "each year": "annual", "every year": "annual", "per month": "monthly",
    "a month": "monthly", "each month": "monthly", "an hour": "hourly", "per hour": "hourly",
    "rainy day fund": "reserve fund", "price tag": "cost", "behind bars": "prison",
    "went on trial": "trial began", "distribution center": "warehouse",
    "grade schools": "elementary schools", "grade school": "elementary school",
    "law firms": "lawyers", "law firm": "lawyer", "foreign-born": "immigrant",
    "checked out": "lend", "percentage points": "percent", "percentage point": "percent",
    "per cent": "percent", "federal reserve": "fed", "voter identification": "voter id",
    "interest rates": "interest rate", "bond issue": "bond", "bond measure": "bond",
    "per gallon": "gallon", "a gallon": "gallon",
}  # fmt: skip
_PHRASE_RE = re.compile(
    r"\b(" + "|".join(re.escape(p) for p in sorted(PHRASES, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
SYNONYMS = {
    "unemployment": ["jobless"],
    "fall": ["fell", "falls", "fallen", "falling", "drop", "dropped", "drops", "dropping",
             "decline", "declined", "declines", "decrease", "decreased", "decreases", "dip",
             "dipped", "slipped", "sank", "slid", "plunged", "plummeted", "tumbled", "shrank"],
    "rise": ["rose", "rises", "risen", "rising", "increase", "increased", "increases",
             "climb", "climbed", "climbs", "grew", "grow", "grows", "jumped", "soared",
             "surged", "hike", "hiked", "raise", "raised", "raises"],
    "approve": ["approved", "approves", "passed", "adopted", "backed"],
    "oppose": ["opposed", "opposes"],
    "close": ["shut", "shutter", "shuttered", "closing", "closed", "closes"],
    "cut": ["slash", "slashed", "slashes", "trim", "trimmed", "reduce", "reduced", "cuts"],
    "hire": ["hired", "hires", "recruit", "recruited", "recruits"],
    "police": ["officers", "officer", "cops"],
    "homicide": ["murders", "murder", "killings", "homicides"],
    "death": ["dead", "killed", "deaths", "died", "fatalities", "fatality"],
    "injure": ["wounded", "injured", "hurt"],
    "arrest": ["arrested", "arrests", "detained"],
    "child": ["children", "kids", "kid"],
    "poverty": ["poor"],
    "spend": ["spent", "spends"],
    "pay": ["paid", "pays", "salaries", "salary", "wages"],
    "worker": ["workers", "employees", "employee", "staff"],
    "prisoner": ["inmate", "inmates", "prisoners", "detainees"],
    "donation": ["donations", "contributions", "contribution"],
    "bill": ["legislation", "package"],
    "legislature": ["lawmakers", "legislators"],
    "record": ["saw", "logged", "recorded", "tallied"],
    "average": ["typical", "averaged", "averages"],
    "block": ["blocked", "halted", "halt", "halts", "blocks"],
    "promise": ["promised", "pledged", "pledge", "vowed", "vow"],
    "introduce": ["introduced", "filed"],
    "cap": ["capped", "limit", "limits"],
    "visitor": ["visitors", "guests"],
    "draw": ["drew", "welcomed", "attracted"],
    "lend": ["lent", "loaned"],
    "seize": ["seized", "confiscated"],
    "sheriff": ["deputies"],
    "lawyer": ["attorneys", "attorney", "lawyers"],
    "people": ["residents", "persons"],
    "tax": ["taxes"],
    "gas": ["gasoline"],
    "nation": ["country", "countri", "states"],
    "peak": ["crested", "peaked"],
    "flood": ["flooding", "floods", "flooded"],
    "expand": ["expansion", "expanding"],
    "immigrant": ["immigrants"],
}  # fmt: skip
LEXICON = {variant: word for word, variants in SYNONYMS.items() for variant in variants}

STOPWORDS = frozenset(
    """a an the and or of to in on at by for from with as is are was were be been being has
    have had do does did will would shall should can could may might must it its this that
    these those there here their they them he she his her we our you your i me my us who whom
    whose which what when where why how than then so such also about nearly almost roughly
    approximately around some only just now still even estimated any all each every per
    into onto upon during until while up down out off again further once more most other
    another same own very too much many""".split()  # noqa: SIM905
)
NEGATORS = frozenset({"not", "no", "never", "none", "nobody", "nothing", "neither", "nor"})
_NEGATOR_RE = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot|failed to)\b|n't\b"
)

# Capitalised words that are titles or parts of institution names, not who or where.
TITLES = frozenset(
    """senator representative governor lieutenant mayor president vice chief police sheriff
    director superintendent councilwoman councilman council member chair chairman chairwoman
    commissioner commission judge justice secretary minister auditor executive county city
    state department office board federal national house senate doctor mister missus miz
    professor general sergeant former us""".split()  # noqa: SIM905
)
# Office holders named by their office ("the mayor's budget" / "the governor's budget").
ROLES = frozenset(
    """mayor governor senator president sheriff treasurer auditor prosecutor superintendent
    comptroller""".split()  # noqa: SIM905
)

SAY = (
    r"said|says|say|told|claimed|claims|stated|argued|argues|noted|announced|confirmed|"
    r"reported|reports|warned|wrote|estimates|estimated|insisted|explained|testified|found|"
    r"finds|show|shows|showed|according"
)
WHEN = (
    r"(?:\s+(?:on\s+|last\s+|early\s+|late\s+)?(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|yesterday|today|week|month))?"
)
_TRAILING_ATTRIBUTION = re.compile(rf",\s*([^,]*?\b(?:{SAY})\b[^,]*?)\.?\s*$", re.IGNORECASE)
_LEADING_ATTRIBUTION = re.compile(
    rf"^([^,]{{0,80}}?)\b(?:said|says|told\s+\w+|claimed|claims|stated|argued|announced|"
    rf"confirmed|reported|insisted|wrote|warned|testified){WHEN}(?:\s+that)?\s+",
    re.IGNORECASE,
)
_ACCORDING_TO = re.compile(r"^according to [^,]{1,80},\s*", re.IGNORECASE)
_MID_ATTRIBUTION = re.compile(rf",\s*[^,]{{1,60}}?\b(?:{SAY})\b{WHEN}\s*,", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(
    r",(?!\d)|[;:()]|\b(?:but|while|although|though|whereas|yet|which|whose|who|because)\b",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"\$|%|\d+(?:,\d{3})*(?:\.\d+)?(?:st|nd|rd|th|s)?|\.\d+|[A-Za-z]+")
_INTERSTATE = re.compile(r"\bI-(\d+)\b")


def _words(text: str) -> int:
    return len(text.split())


def strip_attribution(text: str) -> str:
    """The statement without who said it, or when: the claim is what was said."""
    text = _MID_ATTRIBUTION.sub(" ", text)
    trailing = _TRAILING_ATTRIBUTION.search(text)
    if trailing and _words(trailing.group(1)) <= 12 and _words(text[: trailing.start()]) >= 4:
        text = text[: trailing.start()]
    leading = _ACCORDING_TO.match(text) or _LEADING_ATTRIBUTION.match(text)
    if leading and _words(leading.group(0)) <= 10 and _words(text[leading.end() :]) >= 4:
        text = text[leading.end() :]
    return text


# --- Facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """What matching needs to know about one text.

    ``tokens`` are the canonical content words and fact tokens; ``facts`` are the
    ``(kind, value)`` pairs that must agree (``qty``, ``pct``, ``date``, ``month``,
    ``weekday``, ``name``, ``role``); ``clauses`` pairs each clause's tokens with whether
    it is negated; ``canonical`` is the string that is stored and indexed.
    """

    tokens: frozenset
    facts: frozenset
    clauses: tuple
    canonical: str

    @property
    def negated(self) -> bool:
        return any(negated for _, negated in self.clauses)

    @property
    def key_tokens(self) -> frozenset:
        """The tokens that carry a key fact or name: the rare ones, good for lookup."""
        return frozenset(t for t in self.tokens if t[0] in "$@" or t[0].isdigit()) | {
            value for kind, value in self.facts if kind in ("name", "role")
        }


def _number(token: str) -> float | None:
    digits = re.sub(r"(st|nd|rd|th|s)$", "", token).replace(",", "")
    try:
        return float(digits)
    except ValueError:
        return None


def _format(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _word_number(words: list[str], i: int) -> tuple[float, int] | None:
    """A number written in words ("two hundred forty", "sixty-three") starting at ``i``."""
    total = current = 0
    j = i
    while j < len(words):
        w = words[j]
        if w in UNITS:
            current += UNITS[w]
        elif w == "hundred" and j > i:
            current *= 100
        elif w in ("thousand", "million", "billion", "trillion") and j > i:
            total += current * SCALES[w]
            current = 0
        elif w == "and" and j > i and j + 1 < len(words) and words[j + 1] in UNITS:
            pass
        else:
            break
        j += 1
    if j == i:
        return None
    return float(total + current), j


def _tokens(text: str) -> list[tuple[str, bool]]:
    """(word, capitalised) pairs; hyphens split words, possessive 's is dropped."""
    text = _INTERSTATE.sub(r"Interstate \1", text)
    text = re.sub(r"'s\b", "", text)  # curly apostrophes are straightened first
    text = re.sub(r"(\d)-(\d)", r"\1 \2", text)
    return [(t, t[:1].isupper()) for t in _TOKEN_RE.findall(text.replace("-", " "))]


def _read(tokens: list[tuple[str, bool]]) -> tuple[list[str], set]:
    """Canonical tokens and facts of one clause, numbers and dates folded into one token."""
    words = [w.lower() for w, _ in tokens]
    out: list[str] = []
    facts: set = set()
    i = 0
    while i < len(words):
        word, capital = words[i], tokens[i][1]
        value, end = None, i + 1
        if word[0].isdigit() or word[0] == ".":
            value = _number(word)
        elif word in UNITS:
            parsed = _word_number(words, i)
            if parsed:
                value, end = parsed
        if value is not None:
            money = i > 0 and words[i - 1] == "$"
            ordinal_day = re.search(r"\d(st|nd|rd|th)$", word) is not None
            # "Jan. 1" / "January 1st" / "1 January": a date, not a quantity.
            month_before = out and out[-1].startswith("@m") and 1 <= value <= 31
            month_after = end < len(words) and words[end] in MONTHS and 1 <= value <= 31
            if month_before or (month_after and (ordinal_day or word.isdigit())):
                month = int(out[-1][2:]) if month_before else MONTHS[words[end]]
                if month_after and not month_before:
                    out.append(f"@m{month}")
                    facts.add(("month", str(month)))
                    end += 1
                day = f"@{month:02d}-{int(value):02d}"
                out.append(day)
                facts.add(("date", day[1:]))
                i = end
                continue
            if (
                end < len(words)
                and words[end] in SCALES
                and not (words[end] in _SHORT_SCALES and end != i + 1)
            ):
                value *= SCALES[words[end]]
                end += 1
            if end < len(words) and words[end] in ("percent", "%"):
                out.append(f"{_format(value)}%")
                facts.add(("pct", _format(value)))
                i = end + 1
                continue
            if end < len(words) and words[end] in ("dollars", "dollar"):
                money, end = True, end + 1
            if end < len(words) and words[end] in ("cents", "cent"):
                value, money, end = value / 100, True, end + 1
            token = f"${_format(value)}" if money else _format(value)
            out.append(token)
            facts.add(("qty", _format(value)))
            i = end
            continue
        if word in ("$", "%"):
            i += 1
            continue
        if capital and word in MONTHS and not (word == "may" and i == 0):
            out.append(f"@m{MONTHS[word]}")
            facts.add(("month", str(MONTHS[word])))
        elif word in WEEKDAYS:
            out.append(f"@{WEEKDAYS[word]}")
            facts.add(("weekday", WEEKDAYS[word]))
        elif word in STOPWORDS or word in NEGATORS or word == "t":
            pass
        else:
            canonical = _stem(LEXICON.get(word, word))
            out.append(canonical)
            if word in ROLES:
                facts.add(("role", canonical))
            elif capital and word not in TITLES and word not in UNITS:
                facts.add(("name", canonical))
        i += 1
    return out, facts


@lru_cache(maxsize=4096)  # a few MB; the candidates of recent lookups
def analyze(text: str) -> Analysis:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("—", ",")
    text = _ABBREVIATION_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], text)
    text = strip_attribution(text.strip())
    text = _PHRASE_RE.sub(lambda m: PHRASES[m.group(1).lower()], text)
    sequence: list[str] = []
    facts: set = set()
    clauses = []
    for part in _CLAUSE_SPLIT.split(text):
        words, part_facts = _read(_tokens(part))
        if not words:
            continue
        sequence += words
        facts |= part_facts
        clauses.append((frozenset(words), bool(_NEGATOR_RE.search(part.lower()))))
    return Analysis(
        tokens=frozenset(sequence),
        facts=frozenset(facts),
        clauses=tuple(clauses),
        canonical=" ".join(sequence),
    )


def canonical_text(text: str) -> str:
    """The claim as stored in ``Claim.normalized_text`` and indexed for retrieval."""
    return analyze(text).canonical
