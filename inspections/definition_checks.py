"""Reading a framework document: every problem at once (where, what, how to fix it), or the Definition.

A framework's authors are not developers: each message names the place in the file (standards[4].key_questions[0]
.criterion), says what is wrong in plain words and how to put it right. Pure Python, no Django.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .definitions import (
    ATTRIBUTE_TYPES,
    CODE,
    CRITERION_MAX_LENGTH,
    FORMAT,
    NAME_MAX_LENGTH,
    NOTE_STATUSES,
    OVERALL_RULES,
    RATED_BY,
    RATINGS_BANDED,
    SLUG,
    UNITS,
    VERSION_MAX,
    Attribute,
    CaseKind,
    Condition,
    Definition,
    Domain,
    Fact,
    KeyQuestion,
    Need,
    Note,
    Option,
    OverallRule,
    Standard,
)


@dataclass(frozen=True)
class Problem:
    """One mistake in a framework document: where (a path such as standards[4].key_questions[0].criterion), what is
    wrong, and how to put it right."""

    where: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" + (f" {self.fix}" if self.fix else "")


class DefinitionInvalid(ValueError):
    def __init__(self, problems: list[Problem]):
        super().__init__(
            f"The framework has {len(problems)} problem(s): " + "; ".join(map(str, problems[:5]))
        )
        self.problems = problems


class _Reader:
    """Reads a document, collecting every problem rather than stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, where: str, message: str, fix: str = "") -> None:
        self.problems.append(Problem(where, message, fix))

    def mapping(
        self, value: Any, where: str, allowed: Iterable[str], required: Iterable[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(
                where,
                f"must be an object ({{...}}), not {_kind(value)}.",
                'Write its fields between { and }, each as "name": value.',
            )
            return {}
        allowed_keys = set(allowed)
        for key in map(str, value):
            if key not in allowed_keys:
                close = _closest(key, allowed_keys)
                self.problem(
                    f"{where}.{key}",
                    "is not a field this part of a framework has.",
                    f'Did you mean "{close}"?'
                    if close
                    else f"Use one of: {', '.join(sorted(allowed_keys))}.",
                )
        for key in required:
            if _missing(value.get(key)):
                self.problem(f"{where}.{key}", "is missing.", f'Add "{key}" here.')
        return value

    def text(
        self, data: dict[str, Any], key: str, where: str, *, default: str = "", max_length: int | None = None
    ) -> str:
        value = data.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            self.problem(f"{where}.{key}", f"must be text, not {_kind(value)}.", "Put it in quotation marks.")
            return default
        value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.problem(
                f"{where}.{key}",
                f"is {len(value)} characters long: it can be at most {max_length}.",
                "Shorten it (a longer explanation belongs in the description or the notes).",
            )
        return value

    def code(self, data: dict[str, Any], key: str, where: str) -> str:
        """A domain, standard or key question code: it is shown, stored and used in page addresses."""
        raw = data.get(key)
        whole_number = isinstance(raw, int) and not isinstance(raw, bool)
        value = str(raw) if whole_number else self.text(data, key, where)
        if value and not CODE.fullmatch(value):
            self.problem(
                f"{where}.{key}",
                f'"{value}" cannot be a code.',
                "Use letters, digits, dots and -, at most 12 characters, starting with a letter or digit, "
                "e.g. 2.2.1.",
            )
        return value

    def flag(self, data: dict[str, Any], key: str, where: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem(
                f"{where}.{key}",
                f"must be true or false, not {value!r}.",
                "Write true or false, without quotes.",
            )
            return default
        return value

    def choice(
        self, data: dict[str, Any], key: str, where: str, choices: Sequence[str], *, default: str = ""
    ) -> str:
        value = self.text(data, key, where, default=default)
        if value and value not in choices:
            self.problem(
                f"{where}.{key}",
                f'"{value}" is not allowed.',
                _suggest(value, choices) + f"Use one of: {', '.join(choices)}.",
            )
        return value

    def items(self, data: dict[str, Any], key: str, where: str) -> list[Any]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(
                f"{where}.{key}",
                f"must be a list ([...]), not {_kind(value)}.",
                "Put its items between [ and ], separated by commas.",
            )
            return []
        return value

    def unique(self, values: Iterable[tuple[str, str]], what: str) -> None:
        seen: dict[str, str] = {}
        for where, value in values:
            if value in seen:
                self.problem(
                    where, f'{what} "{value}" is used twice (first at {seen[value]}).', "Give each its own."
                )
            else:
                seen[value] = where

    def bands(self, value: Any, where: str, *, maximum: float) -> dict[str, float]:
        data = self.mapping(value, where, RATINGS_BANDED, RATINGS_BANDED)
        bands: dict[str, float] = {}
        for rating in RATINGS_BANDED:
            number = data.get(rating)
            if number is None:
                continue
            if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number <= maximum:
                self.problem(
                    f"{where}.{rating}",
                    f"must be a number above 0 and at most {maximum:g}, not {number!r}.",
                    f"It is the lowest value rated {rating.replace('_', ' ')}; write it without quotes.",
                )
                continue
            bands[rating] = number
        if len(bands) == 3 and not bands["outstanding"] > bands["good"] > bands["requires_improvement"]:
            self.problem(
                where,
                "The lowest values must rise from requires improvement to good to outstanding.",
                "Each is the lowest value for that rating, e.g. outstanding 80, good 65, requires improvement 50.",
            )
        return bands


def _suggest(word: str, candidates: Sequence[str]) -> str:
    close = _closest(word, candidates)
    return f'Did you mean "{close}"? ' if close else ""


def _missing(value: Any) -> bool:
    """A required part left out or left empty (reported once, as missing, and not checked further)."""
    return value is None or (isinstance(value, str | list | dict) and not value)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "nothing"}.get(
        type(value), "a number" if isinstance(value, int | float) else type(value).__name__
    )


def _closest(word: str, candidates: Iterable[str]) -> str | None:
    """A known field the unknown one is probably a misspelling of (same letters, or off by a letter or two)."""
    squashed = word.lower().replace("_", "").replace("-", "").replace(" ", "")
    for candidate in sorted(candidates):
        if candidate.replace("_", "") == squashed:
            return candidate
        if _distance(word.lower(), candidate) <= 2:
            return candidate
    return None


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


_SLUG_FIX = 'Use lower case letters, digits and _, starting with a letter, e.g. "community_order".'


def _options(reader: _Reader, values: list[Any], where: str) -> tuple[Option, ...]:
    options = []
    for index, value in enumerate(values):
        at = f"{where}[{index}]"
        data = reader.mapping(value, at, ("value", "label", "aliases"), ("value", "label"))
        option_value = reader.text(data, "value", at)
        if option_value and not SLUG.fullmatch(option_value):
            reader.problem(f"{at}.value", f'"{option_value}" cannot be a stored value.', _SLUG_FIX)
        aliases = tuple(str(alias) for alias in reader.items(data, "aliases", at))
        options.append(Option(option_value, reader.text(data, "label", at), aliases))
    reader.unique(((f"{where}[{i}].value", o.value) for i, o in enumerate(options)), "The value")
    return tuple(options)


def _condition(reader: _Reader, value: Any, where: str, attributes: Sequence[Attribute]) -> Condition | None:
    if value is None:
        return None
    data = reader.mapping(value, where, ("attribute", "in"), ("attribute", "in"))
    key = reader.text(data, "attribute", where)
    values = tuple(str(v) for v in reader.items(data, "in", where))
    attribute = next((a for a in attributes if a.key == key), None)
    if not attributes:
        pass  # the case kind is unknown or has no attributes: that is reported where it is, once
    elif key and attribute is None:
        reader.problem(
            f"{where}.attribute",
            f'"{key}" is not an attribute of this case kind.',
            f"Use one of: {', '.join(a.key for a in attributes)}.",
        )
    elif attribute is not None and attribute.type != "choice":
        reader.problem(
            f"{where}.attribute",
            f"{key} is a {attribute.type}: a condition needs an attribute with options.",
            "Name a choice attribute, such as the case type.",
        )
    elif attribute is not None and attribute.options:
        known = [option.value for option in attribute.options]
        for unknown in [v for v in values if v not in known]:
            reader.problem(
                f"{where}.in",
                f'"{unknown}" is not a value of {key}.',
                _suggest(unknown, known) + f"Use: {', '.join(known)}.",
            )
    return Condition(key, values) if key else None


def _attributes(reader: _Reader, values: list[Any], where: str) -> tuple[Attribute, ...]:
    attributes = []
    allowed = ("key", "label", "type", "required", "options", "breakdown", "recorded_on_case", "hint")
    for index, value in enumerate(values):
        at = f"{where}[{index}]"
        data = reader.mapping(value, at, allowed, ("key", "label", "type"))
        kind = reader.choice(data, "type", at, ATTRIBUTE_TYPES, default="text")
        options = _options(reader, reader.items(data, "options", at), f"{at}.options")
        known_type = (
            kind in ATTRIBUTE_TYPES
        )  # an unknown type is reported once, not again through what follows
        if known_type and kind == "choice" and not options:
            reader.problem(
                f"{at}.options", "A choice needs its options.", 'Add [{"value": ..., "label": ...}, ...].'
            )
        if known_type and kind != "choice" and options:
            reader.problem(
                f"{at}.options", f"Only a choice has options, not a {kind}.", 'Set "type": "choice".'
            )
        key = reader.text(data, "key", at)
        if key and not SLUG.fullmatch(key):
            reader.problem(f"{at}.key", f'"{key}" cannot be a key.', _SLUG_FIX)
        if key == "reference":
            reader.problem(
                f"{at}.key", "Every case has its reference already.", "Leave it out of the attributes."
            )
        attributes.append(
            Attribute(
                key=key,
                label=reader.text(data, "label", at),
                type=kind,
                required=reader.flag(data, "required", at, default=False),
                options=options,
                breakdown=reader.flag(data, "breakdown", at, default=False),
                recorded_on_case=reader.flag(data, "recorded_on_case", at, default=False),
                hint=reader.text(data, "hint", at),
            )
        )
        if attributes[-1].breakdown and known_type and kind != "choice":
            reader.problem(
                f"{at}.breakdown", "Only a choice can break rates down.", 'Set "breakdown": false.'
            )
    reader.unique(((f"{where}[{i}].key", a.key) for i, a in enumerate(attributes)), "The attribute key")
    return tuple(attributes)


def _facts(
    reader: _Reader, values: list[Any], where: str, attributes: Sequence[Attribute]
) -> tuple[Fact, ...]:
    facts = []
    allowed = ("key", "label", "question", "options", "sufficient", "counted", "applies_when", "hint")
    for index, value in enumerate(values):
        at = f"{where}[{index}]"
        data = reader.mapping(
            value, at, allowed, ("key", "label", "question", "options", "sufficient", "counted")
        )
        options = _options(reader, reader.items(data, "options", at), f"{at}.options")
        known = {option.value for option in options}
        sufficient = tuple(str(v) for v in reader.items(data, "sufficient", at))
        counted = tuple(str(v) for v in reader.items(data, "counted", at))
        for name, chosen in (("sufficient", sufficient), ("counted", counted)):
            for unknown in [v for v in chosen if v not in known and options]:
                reader.problem(
                    f"{at}.{name}",
                    f'"{unknown}" is not one of its options.',
                    f"Use: {', '.join(option.value for option in options)}.",
                )
        if not {v for v in sufficient if v in known} <= set(counted):  # an unknown answer is reported above
            reader.problem(
                f"{at}.sufficient",
                "Every sufficient answer must also be counted.",
                "The rate is sufficient answers out of counted answers: add them to counted.",
            )
        key = reader.text(data, "key", at)
        if key and not SLUG.fullmatch(key):
            reader.problem(f"{at}.key", f'"{key}" cannot be a key.', _SLUG_FIX)
        facts.append(
            Fact(
                key=key,
                label=reader.text(data, "label", at),
                question=reader.text(data, "question", at),
                options=options,
                sufficient=sufficient,
                counted=counted,
                applies_when=_condition(reader, data.get("applies_when"), f"{at}.applies_when", attributes),
                hint=reader.text(data, "hint", at),
            )
        )
    return tuple(facts)


def _case_kinds(reader: _Reader, values: list[Any]) -> tuple[CaseKind, ...]:
    kinds = []
    for index, value in enumerate(values):
        at = f"case_kinds[{index}]"
        data = reader.mapping(
            value,
            at,
            ("slug", "name", "plural", "attributes", "facts", "needs"),
            ("slug", "name", "attributes"),
        )
        slug = reader.text(data, "slug", at)
        if slug and not SLUG.fullmatch(slug):
            reader.problem(
                f"{at}.slug",
                f'"{slug}" cannot be a slug.',
                'Use lower case letters, digits, - and _, starting with a letter, e.g. "court_report".',
            )
        attributes = _attributes(reader, reader.items(data, "attributes", at), f"{at}.attributes")
        facts = _facts(reader, reader.items(data, "facts", at), f"{at}.facts", attributes)
        needs = []
        for need_index, need in enumerate(reader.items(data, "needs", at)):
            need_at = f"{at}.needs[{need_index}]"
            need_data = reader.mapping(need, need_at, ("key", "label"), ("key", "label"))
            need_key = reader.text(need_data, "key", need_at)
            if need_key and not SLUG.fullmatch(need_key):
                reader.problem(f"{need_at}.key", f'"{need_key}" cannot be a key.', _SLUG_FIX)
            needs.append(Need(need_key, reader.text(need_data, "label", need_at)))
        reader.unique(
            [(f"{at}.facts[{i}].key", f.key) for i, f in enumerate(facts)]
            + [(f"{at}.needs[{i}].key", n.key) for i, n in enumerate(needs)]
            + [(f"{at}.attributes[{i}].key", a.key) for i, a in enumerate(attributes)],
            "The key",
        )
        name = reader.text(data, "name", at)
        kinds.append(
            CaseKind(
                slug, name, reader.text(data, "plural", at) or f"{name}s", attributes, facts, tuple(needs)
            )
        )
    reader.unique(((f"case_kinds[{i}].slug", k.slug) for i, k in enumerate(kinds)), "The case kind")
    return tuple(kinds)


def _key_questions(
    reader: _Reader,
    values: list[Any],
    where: str,
    attributes: Sequence[Attribute],
    *,
    pooled: bool,
    known_rating: bool = True,
) -> tuple[KeyQuestion, ...]:
    questions = []
    allowed = ("code", "criterion", "wording", "prompts", "record_prompts", "applies_when", "pools")
    for index, value in enumerate(values):
        at = f"{where}[{index}]"
        data = reader.mapping(value, at, allowed, ("code", "criterion", "wording"))
        code = reader.code(data, "code", at)
        prompts = tuple(reader.items(data, "prompts", at))
        for prompt_index, prompt in enumerate(prompts):
            if not isinstance(prompt, str) or not prompt.strip():
                reader.problem(
                    f"{at}.prompts[{prompt_index}]", "A prompt must be some text.", "Remove empty ones."
                )
        record_prompts = reader.flag(data, "record_prompts", at, default=False)
        if record_prompts and not prompts:
            reader.problem(
                f"{at}.record_prompts", "There are no prompts to record.", "Add prompts or set it false."
            )
        pools = tuple(str(code) for code in reader.items(data, "pools", at))
        if known_rating and pooled and not pools:
            reader.problem(
                f"{at}.pools",
                "A pooled standard's key question must say what it pools.",
                'Add "pools": [...].',
            )
        if known_rating and pools and not pooled:
            reader.problem(
                f"{at}.pools",
                "Only a pooled standard's key questions pool others.",
                'Set "rated_by": "pooled".',
            )
        questions.append(
            KeyQuestion(
                code=code,
                criterion=reader.text(data, "criterion", at, max_length=CRITERION_MAX_LENGTH),
                wording=reader.text(data, "wording", at),
                prompts=tuple(str(prompt).strip() for prompt in prompts),
                record_prompts=record_prompts,
                applies_when=_condition(reader, data.get("applies_when"), f"{at}.applies_when", attributes),
                pools=pools,
            )
        )
    return tuple(questions)


def _standards(
    reader: _Reader, values: list[Any], domains: Sequence[Domain], kinds: Sequence[CaseKind]
) -> tuple[Standard, ...]:
    standards = []
    allowed = (
        "code",
        "domain",
        "title",
        "description",
        "rated_by",
        "case_kind",
        "optional",
        "rated_by_default",
        "counts_in_composite",
        "pool_from",
        "key_questions",
    )
    domain_codes = {domain.code for domain in domains}
    kind_slugs = {kind.slug for kind in kinds}
    for index, value in enumerate(values):
        at = f"standards[{index}]"
        data = reader.mapping(value, at, allowed, ("code", "domain", "title", "rated_by"))
        rated_by = reader.choice(data, "rated_by", at, RATED_BY)
        domain = str(data.get("domain", "")).strip()
        known_rating = (
            rated_by in RATED_BY
        )  # if not, that is reported once and what depends on it is not checked
        if domain and domain_codes and domain not in domain_codes:
            reader.problem(
                f"{at}.domain",
                f'"{domain}" is not one of the domains.',
                f"Use one of: {', '.join(sorted(domain_codes))}.",
            )
        case_kind = reader.text(data, "case_kind", at)
        by_cases = rated_by in ("lowest_key_question", "not_rated")
        if not known_rating:
            pass
        elif by_cases and not case_kind:
            reader.problem(
                f"{at}.case_kind",
                "A standard rated from cases must name its case kind.",
                f"Use one of: {', '.join(sorted(kind_slugs))}.",
            )
        elif case_kind and case_kind not in kind_slugs:
            reader.problem(
                f"{at}.case_kind",
                f'"{case_kind}" is not one of the case kinds.',
                _suggest(case_kind, sorted(kind_slugs)) + f"Use one of: {', '.join(sorted(kind_slugs))}."
                if kind_slugs
                else f'Define it in "case_kinds" (slug "{case_kind}").',
            )
        elif case_kind and not by_cases and rated_by in RATED_BY:  # an unknown way is reported once, above
            reader.problem(
                f"{at}.case_kind",
                f"A standard rated by {rated_by.replace('_', ' ')} samples no cases.",
                'Remove "case_kind".',
            )
        kind = next((k for k in kinds if k.slug == case_kind), None)
        key_questions = _key_questions(
            reader,
            reader.items(data, "key_questions", at),
            f"{at}.key_questions",
            kind.attributes if kind else (),
            pooled=rated_by == "pooled",
            known_rating=known_rating,
        )
        if rated_by in ("lowest_key_question", "pooled", "not_rated") and not key_questions:
            reader.problem(
                f"{at}.key_questions",
                "A standard rated from cases needs its key questions.",
                'Add at least one: {"code": ..., "criterion": ..., "wording": ...}.',
            )
        if rated_by == "team_judgement" and key_questions:
            reader.problem(
                f"{at}.key_questions",
                "A standard rated by the team's judgement has no key questions.",
                'Remove them, or rate it from cases ("rated_by": "lowest_key_question" and a "case_kind").',
            )
        pool_from = reader.text(data, "pool_from", at)
        if rated_by == "pooled" and not pool_from:
            reader.problem(
                f"{at}.pool_from",
                "A pooled standard must name the framework whose cases it pools.",
                'Add "pool_from": "<slug>".',
            )
        if known_rating and rated_by != "pooled" and pool_from:
            reader.problem(
                f"{at}.pool_from",
                "Only a pooled standard pools other units' cases.",
                'Remove "pool_from", or set "rated_by": "pooled".',
            )
        optional = reader.flag(data, "optional", at, default=False)
        standards.append(
            Standard(
                code=reader.code(data, "code", at),
                domain=domain,
                title=reader.text(data, "title", at, max_length=NAME_MAX_LENGTH),
                rated_by=rated_by,
                description=reader.text(data, "description", at),
                case_kind=case_kind,
                optional=optional,
                rated_by_default=reader.flag(data, "rated_by_default", at, default=True),
                counts_in_composite=reader.flag(
                    data, "counts_in_composite", at, default=rated_by != "not_rated"
                ),
                pool_from=pool_from,
                key_questions=key_questions,
            )
        )
    reader.unique(((f"standards[{i}].code", s.code) for i, s in enumerate(standards)), "The standard code")
    reader.unique(
        (
            (f"standards[{i}].key_questions[{j}].code", kq.code)
            for i, s in enumerate(standards)
            for j, kq in enumerate(s.key_questions)
        ),
        "The key question code",
    )
    return tuple(standards)


def parse_json(text: str | bytes) -> Definition:
    """The framework a JSON file defines: a file that is not JSON, or has a field twice in one object, is refused
    with where (line and column) and how to fix it, as DefinitionInvalid like every other mistake."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise DefinitionInvalid(
                [
                    Problem(
                        "the file",
                        f"is not UTF-8 text (byte {error.start + 1} is not readable).",
                        "Save it as UTF-8 JSON (in Excel, use the workbook upload instead).",
                    )
                ]
            ) from None
    text = text.lstrip("\ufeff")
    repeated: list[Problem] = []

    def once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                repeated.append(
                    Problem(
                        f'the field "{key}"',
                        "is given twice in one object; only the last would be read.",
                        "Keep one of them.",
                    )
                )
            seen[key] = value
        return seen

    try:
        document = json.loads(text, object_pairs_hook=once)
    except json.JSONDecodeError as error:
        raise DefinitionInvalid(
            [
                Problem(
                    f"line {error.lineno}, column {error.colno}",
                    f"the file is not valid JSON here ({error.msg}).",
                    "Look for a missing or extra comma, bracket or quotation mark just before this point.",
                )
            ]
        ) from None
    try:
        definition = parse(document)
    except DefinitionInvalid as invalid:
        raise DefinitionInvalid(repeated + invalid.problems) from None
    if repeated:
        raise DefinitionInvalid(repeated)
    return definition


def parse(document: Any) -> Definition:
    """The framework a document defines; DefinitionInvalid lists every problem if it has any."""
    reader = _Reader()
    top = (
        "format",
        "slug",
        "version",
        "name",
        "unit",
        "effective_from",
        "sources",
        "notes",
        "key_question_bands",
        "overall",
        "domains",
        "case_kinds",
        "standards",
    )
    data = reader.mapping(
        document,
        "framework",
        top,
        (
            "format",
            "slug",
            "version",
            "name",
            "unit",
            "effective_from",
            "key_question_bands",
            "overall",
            "domains",
            "standards",
        ),
    )
    if data.get("format") not in (None, FORMAT):
        reader.problem(
            "framework.format",
            f"must be {FORMAT}, not {data.get('format')!r}.",
            "This is the format docs/frameworks.md describes.",
        )
    slug = reader.text(data, "slug", "framework")
    if slug and not SLUG.fullmatch(slug):
        reader.problem(
            "framework.slug",
            f'"{slug}" cannot be a slug.',
            'Use lower case letters, digits and -, e.g. "pdu-2021".',
        )
    version = data.get("version")
    if version is not None and (
        isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION_MAX
    ):
        reader.problem(
            "framework.version",
            f"must be a whole number from 1 to {VERSION_MAX}, not {version!r}.",
            "Number a framework's versions 1, 2, 3, ... without quotes.",
        )
        version = None
    name = reader.text(data, "name", "framework", max_length=NAME_MAX_LENGTH)
    unit = reader.choice(data, "unit", "framework", UNITS)
    effective_from = None
    try:
        effective_from = datetime.date.fromisoformat(str(data.get("effective_from", "")))
    except ValueError:
        if not _missing(data.get("effective_from")):
            reader.problem(
                "framework.effective_from",
                f"{data['effective_from']!r} is not a date.",
                "Write it as YYYY-MM-DD.",
            )
    key_question_bands = (
        {}
        if _missing(data.get("key_question_bands"))
        else reader.bands(data["key_question_bands"], "framework.key_question_bands", maximum=100)
    )

    domains = []
    for index, value in enumerate(reader.items(data, "domains", "framework")):
        at = f"domains[{index}]"
        domain = reader.mapping(value, at, ("code", "title"), ("code", "title"))
        domains.append(Domain(reader.code(domain, "code", at), reader.text(domain, "title", at)))
    reader.unique(((f"domains[{i}].code", d.code) for i, d in enumerate(domains)), "The domain code")
    kinds = _case_kinds(reader, reader.items(data, "case_kinds", "framework"))
    standards = _standards(reader, reader.items(data, "standards", "framework"), domains, kinds)
    overall = _overall(reader, data.get("overall"), standards)

    notes = []
    for index, value in enumerate(reader.items(data, "notes", "framework")):
        at = f"notes[{index}]"
        note = reader.mapping(value, at, ("status", "about", "text"), ("status", "about", "text"))
        notes.append(
            Note(
                reader.choice(note, "status", at, NOTE_STATUSES),
                reader.text(note, "about", at),
                reader.text(note, "text", at),
            )
        )
    sources = tuple(str(source) for source in reader.items(data, "sources", "framework"))
    if reader.problems:
        raise DefinitionInvalid(reader.problems)
    # Had either been missing or wrong, a problem would have been reported above.
    assert effective_from is not None
    assert isinstance(version, int)
    return Definition(
        slug=slug,
        version=version,
        name=name,
        unit=unit,
        effective_from=effective_from,
        key_question_bands=key_question_bands,
        overall=overall,
        domains=tuple(domains),
        case_kinds=kinds,
        standards=standards,
        sources=sources,
        notes=tuple(notes),
    )


def _overall(reader: _Reader, value: Any, standards: Sequence[Standard]) -> OverallRule:
    if _missing(value):
        return OverallRule("", {})  # reported as missing
    data = reader.mapping(value, "framework.overall", ("rule", "bands"), ("rule",))
    rule = reader.choice(data, "rule", "framework.overall", OVERALL_RULES)
    bands_data = data.get("bands", {})
    bands: dict[str, dict[str, float]] = {}
    if not isinstance(bands_data, dict):
        reader.problem(
            "framework.overall.bands",
            f"must be an object keyed by the maximum, not {_kind(bands_data)}.",
            'Write e.g. {"27": {"outstanding": 23, "good": 14, "requires_improvement": 5}}.',
        )
        bands_data = {}
    for maximum, levels in bands_data.items():
        at = f"framework.overall.bands.{maximum}"
        if not str(maximum).isdigit() or int(maximum) == 0:
            reader.problem(
                at,
                f'"{maximum}" is not a maximum composite score.',
                'Key each set of bands by its maximum, e.g. "27".',
            )
            continue
        bands[str(int(maximum))] = reader.bands(levels, at, maximum=int(maximum))
    if rule == "composite":
        definition = Definition(
            "", 1, "", "", datetime.date.min, {}, OverallRule(rule, {}), (), (), tuple(standards)
        )
        for maximum in definition.possible_maxima():
            if str(maximum) not in bands and maximum:
                reader.problem(
                    "framework.overall.bands",
                    f"There are no bands for a composite out of {maximum}, which these standards can give.",
                    f'Add "{maximum}": {{"outstanding": ..., "good": ..., "requires_improvement": ...}}.',
                )
    return OverallRule(rule, bands)


def check_pools(definition: Definition, sources: Iterable[Definition]) -> None:
    """A pooled standard's `pool_from` names a framework among `sources` (those loaded) and each of its key
    questions pools key questions that framework has (in any of its versions given, since a standard pools the
    cases of every version): DefinitionInvalid lists every one that does not."""
    by_slug: dict[str, list[Definition]] = {}
    for each in sources:
        by_slug.setdefault(each.slug, []).append(each)
    problems = []
    for index, standard in enumerate(definition.standards):
        if standard.rated_by != "pooled":
            continue
        versions = by_slug.get(standard.pool_from, [])
        source = versions[-1] if versions else None
        if source is None:
            problems.append(
                Problem(
                    f"standards[{index}].pool_from",
                    f'"{standard.pool_from}" is not a framework that is loaded.',
                    "Load the framework whose cases it pools first, or use one of: "
                    f"{', '.join(sorted(by_slug)) or 'none loaded'}.",
                )
            )
            continue
        if source.unit == definition.unit:
            problems.append(
                Problem(
                    f"standards[{index}].pool_from",
                    f'"{source.slug}" inspects {source.unit}s too: a standard pools the cases of other units.',
                    "Name the framework of the units inside this one, e.g. the PDUs of a region.",
                )
            )
        known = {key_question.code for version in versions for _, key_question in version.key_questions()}
        for kq_index, key_question in enumerate(standard.key_questions):
            for code in key_question.pools:
                if code not in known:
                    problems.append(
                        Problem(
                            f"standards[{index}].key_questions[{kq_index}].pools",
                            f'"{code}" is not a key question of {source.slug}.',
                            f"Use its key question codes, e.g. {', '.join(sorted(known)[:4])}.",
                        )
                    )
    if problems:
        raise DefinitionInvalid(problems)
