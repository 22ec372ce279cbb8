"""Read a YAML file strictly, naming the place of every fault found in it.

PyYAML's safe loader says where a syntax error is, but not where a value it cannot
construct is, and it keeps the last of a key written twice. Framework files are read
through here instead, so that every fault comes out as a place ("line X, column Y",
or none for the file as a whole) and a problem.
"""

from pathlib import Path
from typing import Any

import yaml

from assessments.messages import shown


class UnreadableYaml(Exception):
    """A file that gives no YAML document: where in it, if anywhere, and why."""

    def __init__(self, place: str, problem: str) -> None:
        self.place = place
        self.problem = problem
        super().__init__(f"{place}: {problem}" if place else problem)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, naming the place of every value it cannot read.

    Its own constructors raise plain ValueError and the like, without a place, for
    scalars such as 2024-13-45 or !!bool maybe; and it keeps the last of a key
    written twice, silently dropping the first.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError):
            problem = f"not a valid {node.tag.rsplit(':', 1)[-1]}"
            if isinstance(node, yaml.ScalarNode):
                problem += f": {shown(node.value)}"
            raise yaml.constructor.ConstructorError(
                None, None, problem, node.start_mark
            ) from None

    def construct_mapping(
        self, node: yaml.MappingNode, deep: bool = False
    ) -> dict[Any, Any]:
        seen = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if (key.tag, key.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"found {shown(key.value)} twice", key.start_mark
                    )
                seen.add((key.tag, key.value))
        return super().construct_mapping(node, deep)


def read_yaml(path: Path) -> object:
    """The one document in a UTF-8 file, read by the strict loader."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UnreadableYaml("", "file not found") from None
    except UnicodeDecodeError:
        raise UnreadableYaml("", "not valid UTF-8 text") from None
    except OSError as error:
        raise UnreadableYaml("", f"cannot be read: {error.strerror}") from None
    try:
        return _load(text)
    except RecursionError:
        raise UnreadableYaml("", "not valid YAML: nested too deeply") from None
    except yaml.reader.ReaderError as error:
        place = _line_and_column(text, error.position)
        problem = f"not valid YAML: {error.reason} (#x{error.character:04x})"
        raise UnreadableYaml(place, problem) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise UnreadableYaml(place, f"not valid YAML: {problem}") from None


def _load(text: str) -> object:
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _line_and_column(text: str, position: int) -> str:
    # A reader error gives only an offset into the text, not a line and column.
    line = text.count("\n", 0, position) + 1
    column = position - text.rfind("\n", 0, position)
    return f"line {line}, column {column}"
