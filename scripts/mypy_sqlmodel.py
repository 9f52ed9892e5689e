"""mypy plugin: SQLModel table columns typed as SQLAlchemy sees them (see docs/development.md).

SQLModel declares `status: str` on a table class, so mypy reads `Task.status == x` as a `bool`
and rejects `.in_()`, `.desc()` and `select(Task.status)`. On the class (never on an instance)
such a field is a SQLAlchemy `InstrumentedAttribute[str]`: this plugin says so. It also gives
`select()` with more than the four columns SQLModel's overloads cover the result type `Any`.
"""

from collections.abc import Callable

from mypy.nodes import ARG_STAR, CallExpr, MypyFile, TypeInfo, Var
from mypy.plugin import AttributeContext, FunctionSigContext, Plugin
from mypy.types import AnyType, CallableType, FunctionLike, Instance, Type, TypeOfAny

SQLMODEL = "sqlmodel.main.SQLModel"
ATTRIBUTE = "sqlalchemy.orm.attributes.InstrumentedAttribute"
SELECTS = ("sqlmodel.sql._expression_select_gen.select", "sqlmodel.sql.expression.select")
TYPED_COLUMNS = 4


class SQLModelColumns(Plugin):
    def get_additional_deps(self, file: MypyFile) -> list[tuple[int, str, int]]:
        return [(10, ATTRIBUTE.rpartition(".")[0], -1)]

    def get_class_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        owner, _, name = fullname.rpartition(".")
        if name.startswith("_"):
            return None
        symbol = self.lookup_fully_qualified(owner)
        info = symbol.node if symbol else None
        if (
            not isinstance(info, TypeInfo)
            or not info.has_base(SQLMODEL)
            or info.fullname == SQLMODEL
        ):
            return None
        field = info.names.get(name)
        if field is None or not isinstance(field.node, Var) or field.node.is_classvar:
            return None
        attribute = self.lookup_fully_qualified(ATTRIBUTE)
        if attribute is None or not isinstance(attribute.node, TypeInfo):
            return None
        return _column(attribute.node)

    def get_function_signature_hook(
        self, fullname: str
    ) -> Callable[[FunctionSigContext], FunctionLike] | None:
        return _wide_select if fullname in SELECTS else None


def _column(attribute: TypeInfo) -> Callable[[AttributeContext], Type]:
    """`Model.field` on a table class: InstrumentedAttribute[declared type]."""

    def hook(ctx: AttributeContext) -> Type:
        if ctx.is_lvalue:
            return ctx.default_attr_type
        return Instance(attribute, [ctx.default_attr_type])

    return hook


def _wide_select(ctx: FunctionSigContext) -> FunctionLike:
    """select() of more columns than SQLModel's overloads type: any columns, result Any."""
    call = ctx.context
    if not isinstance(call, CallExpr) or len(call.args) <= TYPED_COLUMNS:
        return ctx.default_signature
    return _anything(ctx.default_signature)


def _anything(signature: CallableType) -> CallableType:
    """The signature `(*args: Any) -> Any`."""
    anything = AnyType(TypeOfAny.special_form)
    return signature.copy_modified(
        arg_types=[anything],
        arg_kinds=[ARG_STAR],
        arg_names=[None],
        ret_type=anything,
        variables=[],
    )


def plugin(version: str) -> type[Plugin]:
    """mypy's entry point."""
    return SQLModelColumns
