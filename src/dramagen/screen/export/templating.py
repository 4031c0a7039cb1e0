"""The export templates' sandbox: Jinja2 templates (``export/templates/``) and users' own, rendered safely.

See :mod:`dramagen.screen.export` for what the sandbox refuses and bounds. :func:`templates` is the library the
exporters and the lab render with; :func:`render_season_md` writes a season's ``season.md``.
"""

from __future__ import annotations

import operator
import re
import time
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ...core.errors import PromptError
from ...core.prompting import PromptLibrary, Rendered

TEMPLATES = Path(__file__).resolve().parent / "templates"

#: the most characters one template may produce (and any one value inside it)
MAX_OUTPUT = 5_000_000
#: the most seconds one template may take to render
MAX_SECONDS = 20.0

_WIDTH = re.compile(r"\{[^{}]*:[^{}]*?(\d+)[^{}]*\}")  # a str.format field width
_PERCENT_WIDTH = re.compile(r"%[-#0 +]*(\d+)")  # a %-format field width
#: filters and str methods whose result can be far larger than their input
_AMPLIFIERS = frozenset({"center", "ljust", "rjust", "zfill", "indent", "expandtabs", "replace", "join", "format",
                         "wordwrap"})


def _size(v: Any) -> int:
    if isinstance(v, (str, bytes, list, tuple)):
        return len(v)
    return 1


def _int(v: Any, default: int = 0) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _refuse(what: str, detail: str) -> SecurityError:
    return SecurityError(f"{what}: {detail} is refused")


def _precheck(name: str, s: Any, args: list, kwargs: dict) -> None:
    """Refuse, before it runs, a call ``s.name(*args)`` (or the filter ``name``) whose result would be huge."""
    if not isinstance(s, str):
        s = str(s) if name in ("indent", "replace", "center", "wordwrap") else s
    n = len(s) if isinstance(s, str) else 0
    est = n
    if name in ("center", "ljust", "rjust", "zfill"):
        est = max(n, _int(args[0] if args else kwargs.get("width", 80)))
    elif name == "indent":
        width = args[0] if args else kwargs.get("width", 4)
        est = n + (s.count("\n") + 1) * (len(width) if isinstance(width, str) else _int(width))
    elif name == "expandtabs":
        est = n + s.count("\t") * _int(args[0] if args else kwargs.get("tabsize", 8), 8)
    elif name == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        est = n + (s.count(old) if old else n + 1) * len(new)
    elif name == "join":
        items = args[0] if args else []
        sep = s if isinstance(s, str) else str(args[1] if len(args) > 1 else kwargs.get("d", ""))
        est = sum(len(str(x)) for x in items) + len(items) * len(sep)
    elif name == "format":
        if isinstance(s, str) and any(int(w) > 10_000 for w in _PERCENT_WIDTH.findall(s) + _WIDTH.findall(s)):
            raise _refuse("format", "a field width over 10000")
    elif name == "wordwrap":
        est = 2 * n
    if est > MAX_OUTPUT:
        raise _refuse(name, f"a result of more than {MAX_OUTPUT} characters")


class _CodeGenerator(CodeGenerator):
    """Compiles ``~`` (concatenation) to a call of the environment's bounded join."""

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
            return super().visit_Concat(node, frame)
        self.write("environment.bounded_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _Env(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with operators, filters and str methods that cannot allocate without bound."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        for name in _AMPLIFIERS & set(self.filters):
            self.filters[name] = self._bounded_filter(self.filters[name], name)
        lipsum: Any = self.globals["lipsum"]

        def bounded_lipsum(n: int = 5, *a: Any, **kw: Any) -> str:
            if not isinstance(n, int) or n > 100:
                raise _refuse("lipsum", "more than 100 paragraphs")
            return lipsum(n, *a, **kw)

        self.globals["lipsum"] = bounded_lipsum

    @staticmethod
    def _check_size(value: Any, what: str) -> Any:
        if _size(value) > MAX_OUTPUT:
            raise _refuse(what, f"a result of more than {MAX_OUTPUT} characters")
        return value

    def _bounded_filter(self, f: Any, name: str) -> Any:
        lead = 1 if hasattr(f, "jinja_pass_arg") else 0  # the environment / context Jinja2 passes first

        def bounded(*args: Any, **kw: Any) -> Any:
            a = list(args)
            if name == "join" and len(a) > lead:
                a[lead] = list(a[lead])  # an iterator: read once, measured, then joined
                _precheck("join", None, [a[lead], *a[lead + 1:]], kw)
            elif len(a) > lead:
                _precheck(name, a[lead], a[lead + 1:], kw)
            return self._check_size(f(*a, **kw), name)

        bounded.__dict__.update(getattr(f, "__dict__", {}))  # keep Jinja2's pass_environment/… markers
        return bounded

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in _AMPLIFIERS:
            args = tuple(list(x) if i == 0 and name == "join" else x for i, x in enumerate(args))
            _precheck(name, __obj.__self__, list(args), kwargs)
        return __self._check_size(super().call(__context, __obj, *args, **kwargs), name or "call")

    def wrap_str_format(self, value: Any) -> Any:
        """``str.format`` / ``format_map``: Jinja2's sandbox guards the attributes; bound the widths and size too."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt = str(getattr(value, "__self__", ""))

        def bounded(*a: Any, **kw: Any) -> str:
            nested = re.search(r"\{[^{}]*:[^{}]*\{", fmt)  # a width given as an argument: {0:>{1}}
            if any(int(w) > 10_000 for w in _WIDTH.findall(fmt)) or (nested and any(
                    _int(v) > 10_000 for v in [*a, *kw.values(), *(a[0].values() if a and isinstance(a[0], dict)
                                                                   else ())])):
                raise _refuse("format", "a field width over 10000")
            return self._check_size(wrapped(*a, **kw), "format")

        return bounded

    def bounded_concat(self, parts: Any) -> str:
        """The ``~`` operator (the compiled template calls it), with the size bound."""
        texts = [str(p) for p in parts]
        if sum(len(t) for t in texts) > MAX_OUTPUT:
            raise _refuse("~", f"a result of more than {MAX_OUTPUT} characters")
        return "".join(texts)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        if op == "**":
            if (isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0
                    and right * max(1, abs(left).bit_length()) > 64 * 1024):
                raise _refuse("**", "a number of more than 65536 bits")
        elif op == "*":
            for seq, k in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(k, int) and len(seq) * k > MAX_OUTPUT:
                    raise _refuse("*", f"a result of more than {MAX_OUTPUT} items")
        elif op == "%" and isinstance(left, str):
            _precheck("format", left, [], {})
        elif op == "+" and _size(left) + _size(right) > MAX_OUTPUT:
            raise _refuse("+", f"a result of more than {MAX_OUTPUT} items")
        result = {"*": operator.mul, "**": operator.pow, "%": operator.mod, "+": operator.add}[op](left, right)
        return self._check_size(result, op)


class ExportTemplates(PromptLibrary):
    """A :class:`PromptLibrary` for export templates (the user's first, then the built-in ones)."""

    def __init__(self, *dirs: str | Path, **kw: Any):
        super().__init__(*dirs, **kw)
        self.env = _Env(loader=self.env.loader, undefined=self.env.undefined, autoescape=False,
                        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)

    @staticmethod
    def _problem(name: str, e: BaseException) -> PromptError:
        lineno = getattr(e, "lineno", None)
        where = f"{name}, line {lineno}" if lineno else name
        if isinstance(e, SecurityError):
            return PromptError(f"template: {where} tried something the sandbox refuses: {e}")
        if isinstance(e, RecursionError):
            return PromptError(f"template: {where} recurses without end (a template that includes or extends itself?)")
        msg = " ".join(str(getattr(e, "message", None) or e).split())[:300]
        return PromptError(f"template: {where} failed to render: {type(e).__name__}: {msg}")

    def source_hash(self, name: str) -> str:
        try:
            return super().source_hash(name)
        except PromptError:
            raise
        except (TemplateError, RecursionError, UnicodeDecodeError, OSError) as e:
            raise self._problem(name, e) from None

    def render(self, name: str, /, **context: Any) -> Rendered:
        digest = self.source_hash(name)
        try:
            template = self.env.get_template(name)
            deadline = time.monotonic() + MAX_SECONDS
            parts: list[str] = []
            size = 0
            for chunk in template.generate(**context):
                parts.append(chunk)
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise SecurityError(f"output: more than {MAX_OUTPUT} characters is refused")
                if time.monotonic() > deadline:
                    raise SecurityError(f"time: rendering took more than {MAX_SECONDS:g} s")
            text = "".join(parts)
        except PromptError:
            raise
        except Exception as e:  # noqa: BLE001 - anything a template does wrong is the template's (RecursionError too)
            if isinstance(e, MemoryError):
                raise PromptError(f"template: {name} ran out of memory") from None
            raise self._problem(name, e) from None
        with self._lock:
            self.used[name] = digest
        return Rendered(text=text, name=name, sha256=digest)

    def render_string(self, source: str, /, **context: Any) -> str:
        try:
            return "".join(self.env.from_string(source).generate(**context))
        except Exception as e:  # noqa: BLE001
            raise self._problem("<string>", e) from None


def templates(*user_dirs: str | Path) -> PromptLibrary:
    return ExportTemplates(*user_dirs, TEMPLATES)


def render_season_md(bible, plan, beats_by_episode, user_dirs: tuple = ()) -> str:
    return templates(*user_dirs).render("season.md.j2", bible=bible, plan=plan, beats=beats_by_episode).text
