"""The checklist answers of a visit as given (CLI file, API body, web form) and as kept.

An answer is "是"/"否"/"不涉及", or for 否 {"answer": "否", "note": T, "photos": [...]}: the
note and photos say what was found and become the hazard's description and first evidence.
On-site visits answer every item that applies to the entity's 业态 and carry photos (rule 11,
[visits] require_all_items and min_photos_on_site). Every check happens before anything is
written.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from config.files import load_checklist, load_policy
from models.entity import Entity
from models.enums import HazardLevel, VisitMode, from_label
from services.core import evidence
from services.core.errors import BadInput
from services.core.evidence import EvidenceFile

ANSWERS = ("是", "否", "不涉及")
FAILED = "否"
NOTE_MAX = 2000
ItemPhotos = Mapping[str, Sequence[EvidenceFile]]


@dataclass(frozen=True)
class AnswersFile:
    """An answers document read from a file, its answers' photo files read and checked."""

    document: dict[str, object]
    item_photos: dict[str, list[EvidenceFile]] = field(default_factory=dict)


def read_answers_file(*, path: Path) -> AnswersFile:
    """Read `--answers FILE.json`; an answer's "photos" are files (relative to the current
    directory), read and checked here."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise BadInput(f"答题文件 {path} 不存在") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"答题文件 {path} 不是有效的 JSON：{exc}") from None
    document, paths = split_photos(document=document)
    return AnswersFile(
        document=document,
        item_photos={
            key: [evidence.read_file(path=Path(str(p))) for p in files]
            for key, files in paths.items()
        },
    )


def split_photos(*, document: object) -> tuple[dict[str, object], dict[str, list[str]]]:
    """The document without its answers' "photos", and those photos (file names or upload
    ids) by item."""
    if not isinstance(document, dict):
        raise BadInput('答题文件应为 {"answers": {...}, "problems": [...]}')
    answers = document.get("answers", {})
    if not isinstance(answers, dict):
        return document, {}
    kept, photos = {}, {}
    for key, value in answers.items():
        if isinstance(value, dict) and "photos" in value:
            given = value["photos"]
            if not isinstance(given, list) or not all(isinstance(p, str) for p in given):
                raise BadInput(f"检查项 {key!r} 的 photos 应为文件名（或照片编号）的列表")
            photos[key] = given
            value = {k: v for k, v in value.items() if k != "photos"}
        kept[key] = value
    return {**document, "answers": kept}, photos


@dataclass(frozen=True)
class CheckedAnswers:
    """Answers and problems as the record keeps them (photos added when stored)."""

    answers: dict[str, str | dict[str, object]]
    problems: list[dict[str, str]]


def check_answers(
    *, document: object, entity: Entity, mode: str, photos: int, item_photos: ItemPhotos
) -> CheckedAnswers:
    """Validate an answers document for a visit of this mode with this many visit photos."""
    if not isinstance(document, dict) or set(document) - {"answers", "problems"}:
        raise BadInput('答题文件应为 {"answers": {...}, "problems": [...]}')
    answers = _answers(raw=document.get("answers", {}), entity=entity)
    problems = _problems(document.get("problems", []))
    for key in item_photos:
        if _answer_of(answers.get(key)) != FAILED:
            raise BadInput(f"检查项 {key!r} 未回答“否”，不能附照片（只有“否”可附说明和照片）")
    if mode == VisitMode.ONSITE:
        _complete(answers=answers, entity=entity)
        _enough_photos(photos + sum(len(files) for files in item_photos.values()))
    return CheckedAnswers(answers=answers, problems=problems)


def _answer_of(value: object) -> str | None:
    return str(value["answer"]) if isinstance(value, dict) else value  # type: ignore[return-value]


def applicable_items(*, entity: Entity) -> list[str]:
    """The checklist items that apply to the entity's 业态, in the checklist's order."""
    return [
        i.id for i in load_checklist().items if not i.categories or entity.category in i.categories
    ]


def _answers(*, raw: object, entity: Entity) -> dict[str, str | dict[str, object]]:
    if not isinstance(raw, dict):
        raise BadInput("answers 应为对象：{检查项编号: 是/否/不涉及}")
    items = {item.id: item for item in load_checklist().items}
    kept: dict[str, str | dict[str, object]] = {}
    for key, value in raw.items():
        item = items.get(key)
        if item is None:
            raise BadInput(f"未知的检查项 {key!r}（见 config/checklist.toml）")
        if item.categories and entity.category not in item.categories:
            raise BadInput(f"检查项 {key!r} 不适用于业态 {entity.category}")
        kept[key] = _one_answer(key, value)
    return kept


def _one_answer(key: str, value: object) -> str | dict[str, object]:
    note = None
    if isinstance(value, dict):
        if set(value) - {"answer", "note"}:
            raise BadInput(f"检查项 {key!r} 的回答只能含 answer、note 和 photos")
        note, value = value.get("note"), value.get("answer")
        if note is not None and not isinstance(note, str):
            raise BadInput(f"检查项 {key!r} 的 note 应为文字")
        note = (note or "").strip() or None
    if value not in ANSWERS:
        raise BadInput(f"检查项 {key!r} 的回答 {value!r} 无效，应为 是、否 或 不涉及")
    if note is None:
        return str(value)
    if value != FAILED:
        raise BadInput(f"检查项 {key!r} 回答“{value}”，不能附说明（只有“否”可附说明和照片）")
    if len(note) > NOTE_MAX:
        raise BadInput(f"检查项 {key!r} 的说明不能超过 {NOTE_MAX} 字")
    return {"answer": FAILED, "note": note}


def _complete(*, answers: Mapping[str, object], entity: Entity) -> None:
    if not load_policy().visits.require_all_items:
        return
    questions = {i.id: i.text for i in load_checklist().items}
    missing = [key for key in applicable_items(entity=entity) if key not in answers]
    if missing:
        shown = "；".join(questions[key] for key in missing[:3])
        more = f"等 {len(missing)} 项" if len(missing) > 3 else ""
        raise BadInput(f"现场督导须回答全部适用的检查项，尚未回答：{shown}{more}")


def _enough_photos(count: int) -> None:
    needed = load_policy().visits.min_photos_on_site
    if count < needed:
        raise BadInput(f"现场督导须至少附 {needed} 张照片（现在 {count} 张）")


def _problems(raw: object) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise BadInput("problems 应为列表")
    problems = []
    for n, problem in enumerate(raw, 1):
        if not isinstance(problem, dict) or set(problem) - {"description", "level"}:
            raise BadInput(f"第 {n} 个问题应只含 description 和 level")
        description = problem.get("description")
        if not isinstance(description, str) or not description.strip():
            raise BadInput(f"第 {n} 个问题缺少 description（问题描述）")
        level = from_label(HazardLevel, str(problem.get("level", "")))
        if level is None:
            raise BadInput(f"第 {n} 个问题的 level 无效，应为 重大、较大 或 一般")
        problems.append({"description": description.strip(), "level": level})
    return problems


def with_photos(
    answers: Mapping[str, str | dict[str, object]], stored: Mapping[str, list[evidence.StoredFile]]
) -> dict[str, str | dict[str, object]]:
    """The answers as kept, each 否 item with the photos stored for it."""
    kept = dict(answers)
    for key, files in stored.items():
        if files:
            value = kept[key]
            base = value if isinstance(value, dict) else {"answer": value}
            kept[key] = {**base, "photos": files}
    return kept
