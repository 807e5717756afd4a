"""Case-sample design: statistical size, proportional allocation, per-practitioner cap and seeded draws.

Pure functions with no dependencies beyond the standard library, so the sample can be recomputed and
audited anywhere from the seed, the parameters and the caseload file.
"""

import math
import random
import statistics
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

DEFAULT_CAP = 6
RANDOM_ALGORITHM = "stratified-random-v1"
SYSTEMATIC_ALGORITHM = "stratified-systematic-v1"

FEMALE = "female"
MALE_COMMUNITY_LOW = "male community, low RoSH"
MALE_COMMUNITY_NON_LOW = "male community, medium/high/very high RoSH"
MALE_POST_CUSTODY_LOW = "male post-custody, low RoSH"
MALE_POST_CUSTODY_NON_LOW = "male post-custody, medium/high/very high RoSH"

# Accepted spellings after normalisation (lower case, "_" and "-" read as spaces, runs of spaces collapsed).
GENDERS = {"female": "female", "f": "female", "male": "male", "m": "male"}
COMMUNITY_SENTENCES = frozenset({"community order", "co", "suspended sentence order", "sso"})
POST_CUSTODY_SENTENCES = frozenset(
    {"licence", "license", "post sentence supervision", "pss", "supervision default order", "sdo"}
)
ROSH_LEVELS = {"low": True, "medium": False, "high": False, "very high": False}

# p = 0.5 has the largest variance, so the size holds whatever proportion the inspection finds.
_P = 0.5
# Guards math.ceil against float dust such as 30.000000000000004 for an exact 30.
_EPS = 1e-9

Cell = tuple[str, str, str]  # (stratum, team, practitioner)


@dataclass(frozen=True)
class CaseRecord:
    """One eligible case: its reference and where it sits in the sampling frame."""

    key: str
    stratum: str
    team: str
    practitioner: str


@dataclass(frozen=True)
class NestedAllocation:
    """Cases wanted per (stratum, team, practitioner) cell, and per-stratum cases that could not be placed."""

    cells: dict[Cell, int]
    shortfall: dict[str, int]


@dataclass(frozen=True)
class Draw:
    """A drawn sample: selected and reserve case keys per stratum, in draw order, and shortfalls."""

    selected: dict[str, list[str]]
    reserve: dict[str, list[str]]
    shortfall: dict[str, int]
    algorithm: str


def _z(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level in (0, 1)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return statistics.NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def _check_counts(counts: Mapping[str, int], what: str) -> None:
    """Reject negative counts."""
    if bad := {k: v for k, v in counts.items() if v < 0}:
        raise ValueError(f"{what} must not be negative: {bad}")


def sample_size(population: int, confidence: float = 0.80, margin: float = 0.10) -> int:
    """Cases needed to estimate a proportion within ±margin at the confidence level, with the FPC."""
    z = _z(confidence)
    if not 0 < margin <= 0.5:
        raise ValueError(f"margin must be in (0, 0.5], got {margin!r}")
    if population < 0:
        raise ValueError(f"population must not be negative, got {population!r}")
    if population == 0:
        return 0
    n0 = z * z * _P * (1 - _P) / (margin * margin)
    n = n0 * population / (population + n0 - 1)  # n0 / (1 + (n0 - 1)/N), one division fewer
    nearest = round(n)
    size = nearest if abs(n - nearest) < _EPS * max(1.0, n) else math.ceil(n)
    return min(size, population)


def achieved_margin(sample: int, population: int, confidence: float = 0.80) -> float | None:
    """Margin (a proportion, p = 0.5) that a simple random sample of `sample` from `population` achieves."""
    z = _z(confidence)
    if sample < 0 or population < 0:
        raise ValueError(f"sample and population must not be negative, got {sample!r} and {population!r}")
    if sample > population:
        raise ValueError(f"sample ({sample}) cannot exceed population ({population})")
    if sample == 0:
        return None
    if sample == population:
        return 0.0
    return z * math.sqrt(_P * (1 - _P) / sample * (population - sample) / (population - 1))


def allocate(counts: Mapping[str, int], n: int) -> dict[str, int]:
    """Split n in proportion to counts by largest remainder; ties go to more cases, then to mapping order."""
    _check_counts(counts, "counts")
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    total = sum(counts.values())
    if n >= total:
        return dict(counts)
    # Exact integers: quota = c*n/total, so equal remainders are real ties rather than float noise.
    shares = {k: c * n // total for k, c in counts.items()}
    # Stable sort: a full tie (same remainder, same count) stays in mapping order.
    order = sorted(counts, key=lambda k: (-(counts[k] * n % total), -counts[k]))
    # The extras number less than the strata with a non-zero remainder, so only those get one; for them
    # floor(c*n/total) < c because n < total, so adding one never exceeds a stratum's count.
    for k in order[: n - sum(shares.values())]:
        shares[k] += 1
    return shares


def allocate_representing_all(counts: Mapping[str, int], n: int) -> dict[str, int]:
    """Like allocate, but give every non-empty stratum one case first, then share the rest by cases left.

    If n is below the number of non-empty strata, not all can be represented and this is plain allocate.
    """
    _check_counts(counts, "counts")
    non_empty = [k for k, c in counts.items() if c > 0]
    if n < len(non_empty):
        return allocate(counts, n)
    rest = allocate({k: max(c - 1, 0) for k, c in counts.items()}, n - len(non_empty))
    return {k: rest[k] + (1 if counts[k] > 0 else 0) for k in counts}


def over_representation(counts: Mapping[str, int], allocation: Mapping[str, int]) -> dict[str, float]:
    """Each stratum's share of the sample minus its share of the caseload, in percentage points."""
    _check_counts(counts, "counts")
    _check_counts(allocation, "allocation")
    if unknown := set(allocation) - set(counts):
        raise ValueError(f"allocation has strata not in counts: {sorted(unknown)}")
    total, sampled = sum(counts.values()), sum(allocation.values())
    # With nothing sampled (or no caseload) there is no share to compare, so report no distortion.
    if total == 0 or sampled == 0:
        return dict.fromkeys(counts, 0.0)
    return {k: 100 * (allocation.get(k, 0) / sampled - c / total) for k, c in counts.items()}


def _fit(proposed: Mapping[str, int], limits: Mapping[str, int]) -> tuple[dict[str, int], int]:
    """Cut each group to its limit and share the excess over the others' spare room; return what is left."""
    kept = {k: min(v, limits[k]) for k, v in proposed.items()}
    excess = sum(proposed.values()) - sum(kept.values())
    # Reusing allocate shares the excess in proportion to spare room: more room takes more, ties to more
    # room then to the first given, and no group passes its limit.
    extra = allocate({k: limits[k] - kept[k] for k in kept}, excess)
    return {k: kept[k] + extra[k] for k in kept}, excess - sum(extra.values())


def cap_per_group(
    counts: Mapping[str, int], allocation: Mapping[str, int], cap: int
) -> tuple[dict[str, int], int]:
    """Cap each practitioner at `cap` and share the excess over the team's practitioners with room.

    Room is min(eligible cases, cap) minus the cases kept; the excess is shared in proportion to room by
    largest remainder (ties: more room, then given order). Returns (allocation, shortfall).
    """
    _check_counts(counts, "counts")
    _check_counts(allocation, "allocation")
    if cap < 0:
        raise ValueError(f"cap must not be negative, got {cap}")
    if unknown := set(allocation) - set(counts):
        raise ValueError(f"allocation has practitioners not in counts: {sorted(unknown)}")
    return _fit({k: allocation.get(k, 0) for k in counts}, {k: min(c, cap) for k, c in counts.items()})


def nested_allocation(
    cases: Sequence[CaseRecord],
    n: int,
    cap: int = DEFAULT_CAP,
    allocate_strata: Callable[[Mapping[str, int], int], dict[str, int]] = allocate,
) -> NestedAllocation:
    """Allocate n over strata, then teams, then practitioners, giving no practitioner more than `cap` cases.

    Names are taken in sorted order, so input order does not matter. The cap counts a practitioner's cases
    (by name) across all teams and strata, filled in sorted order; a team short of room passes its excess to
    teams of the same stratum with room, and what no team can take is the stratum's shortfall.
    """
    if cap < 0:
        raise ValueError(f"cap must not be negative, got {cap}")
    _check_unique(cases)
    tree: dict[str, dict[str, dict[str, int]]] = {}
    for c in sorted(cases, key=lambda c: (c.stratum, c.team, c.practitioner)):
        officers = tree.setdefault(c.stratum, {}).setdefault(c.team, {})
        officers[c.practitioner] = officers.get(c.practitioner, 0) + 1
    per_stratum = allocate_strata(
        {s: sum(sum(t.values()) for t in teams.values()) for s, teams in tree.items()}, n
    )
    used: dict[str, int] = {}
    cells: dict[Cell, int] = {}
    shortfall: dict[str, int] = {}
    for stratum, teams in tree.items():
        room = {t: {p: min(c, cap - used.get(p, 0)) for p, c in ps.items()} for t, ps in teams.items()}
        proposed = allocate({t: sum(ps.values()) for t, ps in teams.items()}, per_stratum[stratum])
        team_alloc, shortfall[stratum] = _fit(proposed, {t: sum(r.values()) for t, r in room.items()})
        for team, ps in teams.items():
            # Room is re-read because a practitioner listed in two teams may have used some of it just now;
            # otherwise the team's total fits its room and nothing is left over.
            limits = {p: min(c, cap - used.get(p, 0)) for p, c in ps.items()}
            placed, left = _fit(allocate(ps, team_alloc[team]), limits)
            shortfall[stratum] += left
            for p, k in placed.items():
                cells[(stratum, team, p)] = k
                used[p] = used.get(p, 0) + k
    return NestedAllocation(cells=cells, shortfall=shortfall)


def _check_unique(cases: Sequence[CaseRecord]) -> None:
    """Reject duplicate case keys, which would make a draw depend on input order."""
    keys = [c.key for c in cases]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"duplicate case keys: {dupes}")


def _draw(
    cases: Sequence[CaseRecord],
    allocation: NestedAllocation,
    seed: int,
    reserve_per_stratum: int,
    pick: Callable[[list[CaseRecord], dict[Cell, int], random.Random, int], tuple[list[str], list[str], int]],
    algorithm: str,
) -> Draw:
    """Run `pick` on each stratum's cases (sorted by key, strata sorted) with one seeded generator."""
    if reserve_per_stratum < 0:
        raise ValueError(f"reserve_per_stratum must not be negative, got {reserve_per_stratum}")
    if bad := {c: k for c, k in allocation.cells.items() if k < 0}:
        raise ValueError(f"allocation must not be negative: {bad}")
    _check_unique(cases)
    # Strata the allocation names but the caseload lacks still appear, so their shortfall is shown.
    pools: dict[str, list[CaseRecord]] = {s: [] for s, _, _ in allocation.cells}
    pools.update((s, []) for s in allocation.shortfall)
    for c in sorted(cases, key=lambda c: c.key):
        pools.setdefault(c.stratum, []).append(c)
    rng = random.Random(seed)
    selected: dict[str, list[str]] = {}
    reserve: dict[str, list[str]] = {}
    shortfall: dict[str, int] = {}
    for stratum in sorted(pools):
        wanted = {cell: k for cell, k in allocation.cells.items() if cell[0] == stratum}
        selected[stratum], reserve[stratum], missing = pick(pools[stratum], wanted, rng, reserve_per_stratum)
        shortfall[stratum] = allocation.shortfall.get(stratum, 0) + missing
    return Draw(selected, reserve, shortfall, algorithm)


def _pick_random(
    pool: list[CaseRecord], wanted: dict[Cell, int], rng: random.Random, reserve: int
) -> tuple[list[str], list[str], int]:
    """Shuffle once; take each case while its cell wants more; the rest, in shuffled order, is the reserve."""
    rng.shuffle(pool)
    chosen: list[str] = []
    rest: list[str] = []
    for c in pool:
        cell = (c.stratum, c.team, c.practitioner)
        if wanted.get(cell, 0) > 0:
            wanted[cell] -= 1
            chosen.append(c.key)
        else:
            rest.append(c.key)
    return chosen, rest[:reserve], sum(wanted.values())


def _systematic(size: int, k: int, rng: random.Random) -> list[int]:
    """Positions of a systematic sample of k from size items: interval size/k, random start from rng."""
    if k == 0:
        return []
    # Integer arithmetic in units of 1/k: start u/k in [0, size/k), so the last position is at most size - 1.
    u = rng.randrange(size)
    return [(u + i * size) // k for i in range(k)]


def _pick_systematic(
    pool: list[CaseRecord], wanted: dict[Cell, int], rng: random.Random, reserve: int
) -> tuple[list[str], list[str], int]:
    """Sort by (team, practitioner, key); sample each cell, then the reserve from the rest, at intervals."""
    pool.sort(key=lambda c: (c.team, c.practitioner, c.key))
    runs: dict[Cell, list[CaseRecord]] = {}
    for c in pool:
        runs.setdefault((c.stratum, c.team, c.practitioner), []).append(c)
    taken: set[str] = set()
    missing = 0
    for cell in sorted(set(runs) | set(wanted)):
        run, k = runs.get(cell, []), wanted.get(cell, 0)
        taken.update(run[i].key for i in _systematic(len(run), min(k, len(run)), rng))
        missing += max(k - len(run), 0)
    rest = [c.key for c in pool if c.key not in taken]
    spare = [rest[i] for i in _systematic(len(rest), min(reserve, len(rest)), rng)]
    return [c.key for c in pool if c.key in taken], spare, missing


def draw(
    cases: Sequence[CaseRecord], allocation: NestedAllocation, seed: int, reserve_per_stratum: int = 0
) -> Draw:
    """Draw at random within each cell from a seed, with an ordered reserve list per stratum.

    Each stratum's cases, sorted by key, are shuffled once by random.Random(seed) (strata in sorted order);
    walking that order, a case is selected while its cell still wants cases. The reserve is the first
    `reserve_per_stratum` unselected cases in the same order, i.e. a seeded random order of the rest.
    """
    return _draw(cases, allocation, seed, reserve_per_stratum, _pick_random, RANDOM_ALGORITHM)


def draw_systematic(
    cases: Sequence[CaseRecord], allocation: NestedAllocation, seed: int, reserve_per_stratum: int = 0
) -> Draw:
    """Draw systematically within each cell from a seed, with an ordered reserve list per stratum.

    Within a stratum, cases are sorted by (team, practitioner, key); each cell's run takes its allocation at a
    fixed interval from a random start. The reserve is taken the same way from the stratum's unselected cases,
    in that sorted order. Strata and cells are visited in sorted order so the seed fixes every start.
    """
    return _draw(cases, allocation, seed, reserve_per_stratum, _pick_systematic, SYSTEMATIC_ALGORITHM)


def replacement(draw: Draw, stratum: str, used: Collection[str]) -> str | None:
    """The stratum's next unused reserve case, or None when none is left (KeyError for an unknown stratum)."""
    return next((key for key in draw.reserve[stratum] if key not in used), None)


def _normalise(value: str) -> str:
    """Lower case, '_' and '-' as spaces, spaces collapsed."""
    return " ".join(value.lower().replace("_", " ").replace("-", " ").split())


def default_stratum(gender: str, sentence_type: str, rosh_level: str) -> str | None:
    """The inspectorate sampler's stratum for a case, or None when it cannot be placed (caller reports it).

    Women form one stratum whatever their sentence or RoSH; men are split by community or post-custody
    sentence and low or non-low RoSH. Unknown or other gender, and men with an unknown sentence type or RoSH
    level, give None rather than a guess, so the case is listed for a decision instead of silently dropped.
    """
    sex = GENDERS.get(_normalise(gender))
    if sex == "female":
        return FEMALE
    sentence, low = _normalise(sentence_type), ROSH_LEVELS.get(_normalise(rosh_level))
    if sex is None or low is None:
        return None
    if sentence in COMMUNITY_SENTENCES:
        return MALE_COMMUNITY_LOW if low else MALE_COMMUNITY_NON_LOW
    if sentence in POST_CUSTODY_SENTENCES:
        return MALE_POST_CUSTODY_LOW if low else MALE_POST_CUSTODY_NON_LOW
    return None
