"""Map exceptions to one Chinese line and an exit code (2 bad input, 1 anything else)."""


def exit_code_for(exc: Exception) -> tuple[str, int]:
    """The Chinese message and exit code for an exception that reached the top."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

    from config.files import ConfigError
    from services.core.errors import BadInput, Unavailable

    if isinstance(exc, (BadInput, ConfigError)):
        return str(exc), 2
    if isinstance(exc, Unavailable):
        return str(exc), 1
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return f"数据库地址无效：{exc}", 2
    if isinstance(exc, OperationalError):
        return f"无法连接或操作数据库：{_first_line(exc.orig)}", 1
    if isinstance(exc, DBAPIError):
        return f"数据库出错：{_first_line(exc.orig)}", 1
    if isinstance(exc, PermissionError):
        return f"没有权限：{exc.filename or exc}", 1
    if isinstance(exc, OSError):
        return f"文件或系统错误：{exc}", 1
    return f"内部错误（{type(exc).__name__}）：{exc}", 1


def _first_line(value: object) -> str:
    return str(value).strip().splitlines()[0] if str(value).strip() else type(value).__name__
