"""The "Seen before" evaluation set: claims, the sentences that repeat them, hard negatives.

``tests/data/claim_matching/{dev,heldout}.jsonl`` hold one group per line, written by hand
in wire-copy style (the people and companies are made up): the claim as a desk would
word it, ``near`` claims that differ from it in one key fact (they are in the pool, so a
repeat must beat them), ``pos`` sentences that repeat it — one per kind: syndicated
edits, moved or changed attribution, numbers written differently, reordered clauses,
paraphrase, embedded in a longer sentence — and ``neg`` sentences that differ in one key
fact (number, date, amount, place, person, negation) and so state another claim.

``unlisted_paraphrase.jsonl`` holds 30 more paraphrases of claims of both splits, written
after the matcher in words its lexicon does not list.

The pool every query is ranked against is every group's claim and near claims plus
``distractors()``: ~500 claims from the same beats (unemployment, budgets, crime counts,
votes) with other figures, places and dates, and unrelated ones. Tune on ``dev`` only.
"""

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "claim_matching"
POSITIVE_KINDS = ["syndicated", "attribution", "numbers", "reorder", "paraphrase", "embedded"]
NEGATIVE_KINDS = ["number", "date", "amount", "place", "person", "negation"]


@dataclass(frozen=True)
class Query:
    text: str
    kind: str
    group: str
    positive: bool  # True: the group's claim is the answer; False: it is a hard negative


def groups(split: str) -> list[dict]:
    with open(DATA / f"{split}.jsonl", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def queries(split: str) -> list[Query]:
    if split == "unlisted":
        return unlisted_paraphrases()
    out = []
    for group in groups(split):
        for kind, text in group["pos"].items():
            out.append(Query(text, kind, group["id"], True))
        for kind, text in group["neg"].items():
            out.append(Query(text, kind, group["id"], False))
    return out


def unlisted_paraphrases() -> list[Query]:
    """Paraphrases written after the matcher, on purpose in words its lexicon does not list
    ("eased", "OK'd", "slayings", "shells out"): how far the facts and the remaining words
    carry a paraphrase the lexicon has never seen."""
    with open(DATA / "unlisted_paraphrase.jsonl", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    return [Query(row["text"], "paraphrase", row["group"], True) for row in rows]


STATES = ["Missouri", "Kansas", "Nebraska", "Iowa", "Oklahoma", "Arkansas", "Colorado"]
CITIES = ["Springfield", "Columbia", "Joplin", "Salina", "Manhattan", "Lincoln", "Tulsa"]
MONTHS = ["January", "February", "April", "May", "July", "August", "September", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
PEOPLE = ["Ruth Adler", "Omar Haddad", "Greta Lindqvist", "Victor Osei", "Paula Brandt"]

TEMPLATES = [
    "{state}'s unemployment rate rose to {pct}% in {month}.",
    "The unemployment rate in {city} fell to {pct}% in {month}, the lowest since {year}.",
    "The {city} city council approved a ${m} million contract for road repairs on {day}.",
    "The {city} council rejected a ${m} million plan to expand the convention center.",
    "{city} recorded {n} homicides in {year}, down from the year before.",
    "The minimum wage in {state} will rise to ${wage} an hour on Jan. 1.",
    "Property taxes in {city} rose an average of {pct}% in {year}.",
    "Overdose deaths in {state} fell {pct}% between {year} and {year2}.",
    "Only {pct}% of registered voters in {city} cast a ballot in the {month} election.",
    "The {city} school board voted {v1}-{v2} to close {small} schools.",
    "Police in {city} made {n} arrests during a weekend crackdown on street racing.",
    "Sen. {person} introduced a bill to raise the state gas tax by {small} cents a gallon.",
    "The {city} hospital will hire {n} nurses by {year}.",
    "Gas prices in {state} averaged ${gas} a gallon on {day}.",
    "{state} ranks {rank}th in the nation for broadband access.",
    "The {city} library system added {n} new e-books in {month}.",
    "Average rent for a two-bedroom apartment in {city} reached ${rent} a month in {year}.",
    "The county jail in {city} held {n} people on a typical day in {year}.",
    "Flooding caused ${m} million in damage to roads in {state} in {month}.",
    "Mayor {person} promised to repave {n} miles of streets by {year}.",
    "The {city} water utility will raise rates {pct}% on {month} 1.",
    "Enrollment at {state} public universities rose {pct}% this fall.",
    "A {city} man was sentenced to {small} years in prison for a {year} carjacking.",
    "The state spent ${m} million on consultants in {year}, an audit found.",
    "The {city} zoo welcomed {n} visitors in {month}, a record for the month.",
    "Voters in {city} approved a ${m} million bond for parks on {month} {dayn}.",
    "The {city} pension fund is {pct}% funded, according to its latest report.",
    "{person} resigned from the {city} city council on {day}.",
    "The trial of {person} on fraud charges began on {month} {dayn}.",
    "Response times for 911 calls in {city} average {small} minutes.",
]

UNRELATED = [
    "The cathedral's stained-glass windows were restored after a decade of fundraising.",
    "A new bus rapid transit line will connect the airport with downtown.",
    "The museum returned three artifacts to the tribe that made them.",
    "Beekeepers reported heavy losses after an unusually cold spring.",
    "The orchestra will perform a free concert in the park this weekend.",
    "Researchers found microplastics in every river sample they tested.",
    "The festival drew food trucks from across the region.",
    "A bald eagle pair has nested in the park for the third straight year.",
    "The county fair canceled its demolition derby because of the heat.",
    "The high school robotics team qualified for the world championship.",
    "A water main break closed two lanes of the boulevard during rush hour.",
    "The bakery on Main Street closed after serving the neighborhood for 60 years.",
    "Firefighters rescued a dog from a frozen pond on the north side.",
    "The new children's wing of the library includes a reading garden.",
    "Ticket sales for the playoff game sold out in under an hour.",
    "The city will test a four-day work week for some municipal employees.",
    "Construction on the downtown streetcar extension is ahead of schedule.",
    "The university opened a food pantry for students in the student union.",
    "Volunteers planted wildflowers along the highway median.",
    "A historic theater will reopen after a $14 million renovation.",
]


def fill(rng: random.Random, *, states=STATES, cities=CITIES, months=MONTHS, people=PEOPLE) -> str:
    """One claim from a random template with random figures, places, people and dates."""
    year = rng.randint(2010, 2025)
    return rng.choice(TEMPLATES).format(
        state=rng.choice(states),
        city=rng.choice(cities),
        month=rng.choice(months),
        day=rng.choice(DAYS),
        person=rng.choice(people),
        pct=f"{rng.randint(2, 40)}.{rng.randint(1, 9)}",
        m=rng.choice([1.5, 2, 6.5, 9, 14, 27, 45, 60, 110]),
        n=rng.randint(50, 5000),
        small=rng.randint(2, 19),
        year=year,
        year2=year + 1,
        wage=rng.choice(["11.50", "12.25", "14", "15.10"]),
        v1=rng.randint(4, 7),
        v2=rng.randint(0, 3),
        gas=f"3.{rng.randint(10, 99)}",
        rank=rng.randint(4, 49),
        rent=rng.randint(900, 2200),
        dayn=rng.randint(2, 28),
    )


def distractors(seed: int = 20261201, count: int = 480) -> list[str]:
    """Claims on the same beats with other facts, and unrelated ones; fixed by ``seed``."""
    rng = random.Random(seed)
    out = list(UNRELATED)
    while len(out) < count:
        out.append(fill(rng))
    return sorted(set(out))


def pool(split: str) -> dict[str, str]:
    """Every claim text the queries are ranked against, keyed by a stable id."""
    texts = {}
    for name in ("dev", "heldout"):  # both splits' claims: more distractors for each
        for group in groups(name):
            texts[group["id"]] = group["claim"]
            for n, near in enumerate(group.get("near", [])):
                texts[f"{group['id']}-near{n}"] = near
    for n, text in enumerate(distractors()):
        texts[f"x{n}"] = text
    return texts


def evaluate(split: str, lookup) -> dict:
    """Figures by kind for ``lookup(text) -> [(claim key, score), …]`` (best first).

    Positives: precision at 1 (the claim is first) and recall at 5 (it is among the first
    five). Hard negatives: how often the claim they differ from is ranked first.
    """
    counts = defaultdict(lambda: defaultdict(int))
    failures = []
    for query in queries(split):
        keys = [key for key, _ in lookup(query.text)]
        row = counts[("pos" if query.positive else "neg", query.kind)]
        row["n"] += 1
        if query.positive:
            row["p1"] += keys[:1] == [query.group]
            row["r5"] += query.group in keys[:5]
            if keys[:1] != [query.group]:
                failures.append((query, keys[:3]))
        else:
            row["first"] += keys[:1] == [query.group]
            if keys[:1] == [query.group]:
                failures.append((query, keys[:3]))
    return {"counts": counts, "failures": failures}


def summary(result: dict) -> dict:
    """Totals: p_at_1, r_at_5 over positives, hard_negative_first over negatives."""
    pos = [row for (side, _), row in result["counts"].items() if side == "pos"]
    neg = [row for (side, _), row in result["counts"].items() if side == "neg"]
    n_pos, n_neg = sum(r["n"] for r in pos), sum(r["n"] for r in neg)
    figures = {
        "positives": n_pos,
        "negatives": n_neg,
        "p_at_1": round(sum(r["p1"] for r in pos) / n_pos, 3),
        "r_at_5": round(sum(r["r5"] for r in pos) / n_pos, 3),
    }
    if n_neg:
        figures["hard_negative_first"] = round(sum(r["first"] for r in neg) / n_neg, 3)
    return figures


def table(result: dict) -> str:
    """The by-kind table written into the README."""
    lines = ["| kind | queries | P@1 | R@5 | hard negative first |", "|---|---:|---:|---:|---:|"]
    for kind in POSITIVE_KINDS:
        row = result["counts"].get(("pos", kind))
        if row:
            lines.append(
                f"| {kind} | {row['n']} | {row['p1'] / row['n']:.3f} | "
                f"{row['r5'] / row['n']:.3f} | |"
            )
    for kind in NEGATIVE_KINDS:
        row = result["counts"].get(("neg", kind))
        if row:
            lines.append(f"| different {kind} | {row['n']} | | | {row['first'] / row['n']:.3f} |")
    return "\n".join(lines)
