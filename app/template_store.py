"""The municipality's own 定型文: saved as TOML files in ``<data dir>/templates/``.

The shipped library (``resources/templates``) is read-only; a municipality adds its own
templates beside it. Both load through ``app.templates`` so that a saved file is exactly what
the next start reads. A broken or duplicate file of the municipality's folder is reported and
skipped: one bad file must not take the whole library away at 3 a.m.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from app.templates import LIBRARY, TemplateDef, TemplateError, parse_template

USER_FOLDER = "templates"
_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f]+')  # not allowed (or unwise) in Windows names


def user_folder(data_dir: Path) -> Path:
    return data_dir / USER_FOLDER


@dataclass
class Library:
    templates: dict[str, TemplateDef] = field(default_factory=dict)
    user: set[str] = field(default_factory=set)  # names that live in the user folder
    problems: list[str] = field(default_factory=list)  # Japanese, one per skipped file

    def is_user(self, name: str) -> bool:
        return name in self.user


def load_all(data_dir: Path, shipped: Path = LIBRARY) -> Library:
    """The shipped library plus the municipality's folder, file by file.

    ``app.templates.load_library`` refuses the whole set when one file is wrong; the console
    instead skips that file and says which, so the other templates stay usable.
    """
    library = Library()
    _add_folder(library, shipped, user=False)
    _add_folder(library, user_folder(data_dir), user=True)
    return library


def _add_folder(library: Library, folder: Path, *, user: bool) -> None:
    if not folder.exists():
        return
    for path in sorted(folder.rglob("*.toml")):
        try:
            template = parse_template(path.read_text(encoding="utf-8"), path)
        except (OSError, UnicodeDecodeError) as exc:
            library.problems.append(f"{path.name} を読めません: {exc}")
            continue
        except TemplateError as exc:
            library.problems.append(str(exc))
            continue
        if template.name in library.templates:
            library.problems.append(
                f"{path.name}: 定型文「{template.name}」は既にあります（読み飛ばしました）"
            )
            continue
        library.templates[template.name] = template
        if user:
            library.user.add(template.name)


def _basic(text: str) -> str:
    """A TOML basic string (one line)."""
    out = []
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _multiline(text: str) -> str:
    """A TOML multi-line basic string, readable when staff open the file in an editor."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')  # never three quotes in a row inside the string
        elif ch in "\n\t":
            out.append(ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"""\n' + "".join(out) + '"""'


def to_toml(template: TemplateDef) -> str:
    lines = [
        f"name = {_basic(template.name)}",
        f"category = {_basic(template.category)}",
        f"urgency = {_basic(template.urgency.value)}",
        f"title = {_basic(template.title)}",
        f"body = {_multiline(template.body)}",
    ]
    hints = {k: v for k, v in template.placeholder_hints.items() if str(v).strip()}
    if hints:
        lines += ["", "[placeholders]"]
        lines += [f"{_basic(k)} = {_basic(str(v))}" for k, v in hints.items()]
    for code, translation in template.translations.items():
        lines += [
            "",
            f"[translations.{_basic(code)}]",
            f"title = {_basic(translation.title)}",
            f"body = {_multiline(translation.body)}",
            f"reviewed = {'true' if translation.reviewed else 'false'}",
        ]
    return "\n".join(lines) + "\n"


def file_name(name: str) -> str:
    stem = _UNSAFE.sub("_", name.strip()).strip("._") or "template"
    return stem[:80] + ".toml"


def save_user_template(
    data_dir: Path, template: TemplateDef, library: Library, *, replacing: str | None = None
) -> Path:
    """Write one template of the municipality; returns its file.

    ``replacing`` is the name the template had before an edit (a rename moves the file).
    Refuses names of shipped templates and of other user templates.
    """
    name = template.name.strip()
    if not name:
        raise TemplateError("定型文の名前を入力してください")
    if replacing is not None and not library.is_user(replacing):
        raise TemplateError(
            f"同梱の定型文「{replacing}」は変更できません。別の名前で保存してください"
        )
    if name in library.templates and name != replacing:
        where = "自治体の定型文" if library.is_user(name) else "同梱の定型文"
        raise TemplateError(f"{where}に同じ名前「{name}」があります。別の名前にしてください")
    text = to_toml(template)
    checked = parse_template(text)  # what the next start will read must be what was meant
    if (checked.title, checked.body, checked.name) != (template.title, template.body, name):
        raise TemplateError(f"定型文「{name}」を正しく保存できません")
    folder = user_folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    old = library.templates.get(replacing) if replacing is not None else None
    path = old.source if old is not None and old.source is not None else None
    if path is None or name != replacing:
        path = _free_path(folder, name)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    if old is not None and old.source is not None and old.source != path:
        old.source.unlink(missing_ok=True)
    return path


def _free_path(folder: Path, name: str) -> Path:
    path = folder / file_name(name)
    n = 2
    while path.exists():
        path = folder / f"{Path(file_name(name)).stem}-{n}.toml"
        n += 1
    return path


def delete_user_template(library: Library, name: str) -> None:
    if not library.is_user(name):
        raise TemplateError(f"同梱の定型文「{name}」は削除できません")
    source = library.templates[name].source
    if source is not None:
        source.unlink(missing_ok=True)
