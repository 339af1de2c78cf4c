"""Portal accounts: one JSON file in inputs/ (it must survive `make clean`), argon2 hashes.

`python -m pipeline user add|passwd|list USERNAME --unit CODE [--role head --name "Họ tên"]`: a
head («thủ trưởng đơn vị») also signs off the unit's files; the full name goes into each sign-off. The password is asked twice
on a terminal; a script may pipe it on stdin (one line) instead. Setting a password changes the
account's `changed_at`, which ends every session signed in under the old one.
On POSIX the file is readable by its owner only (0o600); on Windows that mode means nothing,
and the folder's NTFS permissions protect it (docs/tai-khoan.md, «Bảo vệ tài khoản và khóa phiên»).
"""

from __future__ import annotations

import getpass
import json
import os
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.core import paths, words
from pipeline.core.config import Config, load

FILE_NAME = paths.ACCOUNTS
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
MIN_PASSWORD = 8
MEMBER, HEAD = "member", "head"  # keys of words.ROLES
# argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane) instead of the library's
# default 64 MiB × 4 lanes: sized for a 2-core office PC, where the portal runs at most
# portal.PASSWORD_CHECKS of them at once (guard.Slots). Hashes made earlier keep their own settings.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_lock = threading.Lock()
# A hash verified when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY = _hasher.hash("not-a-password")


class AccountError(Exception):
    """A Vietnamese message for the person managing accounts."""


@dataclass(frozen=True)
class Account:
    username: str
    unit_code: str
    hash: str
    changed_at: str
    role: str = MEMBER
    full_name: str = ""
    disabled: bool = False  # locked on the settings page: cannot sign in, kept for the record

    @property
    def head(self) -> bool:
        return self.role == HEAD


def _path(inputs: Path) -> Path:
    return Path(inputs) / FILE_NAME


def load_all(inputs: Path) -> dict[str, Account]:
    """Every account (a copy: callers may change it). Read again only when the file changed
    (its size, time or identity): the portal asks on every request, and a city has thousands."""
    path = _path(inputs)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    key = (stat.st_mtime_ns, stat.st_size, stat.st_ino, stat.st_ctime_ns)
    cached = _cache.get(path)
    if cached is None or cached[0] != key:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            found = {name: Account(name, v["unit_code"], v["hash"], v.get("changed_at", ""),
                                   v.get("role", MEMBER), v.get("full_name", ""),
                                   bool(v.get("disabled", False)))
                     for name, v in raw.get("users", {}).items()}
        except (ValueError, KeyError, AttributeError, TypeError) as exc:
            raise AccountError(f"Tệp tài khoản {path} bị hỏng ({exc}). Hãy khôi phục tệp từ bản sao lưu.") from exc
        cached = _cache[path] = (key, found)
    return dict(cached[1])


_cache: dict[Path, tuple[tuple, dict[str, Account]]] = {}  # accounts file → (its stat, its accounts)


def _save(inputs: Path, accounts: dict[str, Account]) -> None:
    path = _path(inputs)
    data = {"users": {a.username: {"unit_code": a.unit_code, "hash": a.hash, "changed_at": a.changed_at,
                                   "role": a.role, "full_name": a.full_name, **({"disabled": True} if a.disabled else {})}
                      for a in sorted(accounts.values(), key=lambda a: a.username)}}
    fd, tmp = tempfile.mkstemp(prefix=".accounts.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=2)
            f.flush()
            os.fsync(f.fileno())
        if os.name == "posix":  # Windows ignores the mode: the folder's NTFS rights protect it
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")


def check(username: str, unit_code: str | None, config: Config | None, new: bool = True, role: str = MEMBER,
          full_name: str = "", inputs: Path | None = None) -> None:
    """Everything about an account but its password (asked after, so a wrong unit code is told
    before the password is typed twice); with inputs, also whether the account exists."""
    found = problems(username, unit_code, config, new, role, full_name, inputs)
    if found:
        raise AccountError(next(iter(found.values())))


def problems(username: str, unit_code: str | None, config: Config | None, new: bool = True, role: str = MEMBER,
             full_name: str = "", inputs: Path | None = None, password: str | None = None,
             form: bool = False) -> dict[str, str]:
    """Every mistake of an account at once, by field (username, role, full_name, unit_code,
    password); form: worded for the portal's settings page instead of the command line."""
    out = {}
    if not USERNAME.match(username):
        out["username"] = (f"Tên đăng nhập '{username}' không hợp lệ: dùng 2–32 ký tự thường a-z, "
                           "chữ số, dấu chấm, gạch ngang hoặc gạch dưới, bắt đầu bằng chữ hoặc số.")
    if role not in words.ROLES:
        out["role"] = (f"Vai trò '{role}' không hợp lệ: dùng {' hoặc '.join(words.ROLES)} "
                       f"({'; '.join(f'{k}: {v}' for k, v in words.ROLES.items())}).")
    if role == HEAD and not full_name.strip():
        how = "" if form else " (--name \"Họ và tên\")"
        out["full_name"] = (f"Tài khoản thủ trưởng đơn vị cần họ tên{how}: họ tên được ghi "
                            "vào mỗi lần xác nhận số liệu.")
    if new:
        codes = [u.code for u in config.units] if config else []
        if not unit_code or unit_code not in codes:
            out["unit_code"] = ("Hãy chọn đơn vị của tài khoản." if form else
                                f"Cần mã đơn vị hợp lệ (--unit). Các mã trong cấu hình: {', '.join(codes)}.")
    if inputs is not None and "username" not in out:
        try:
            _exists(load_all(inputs), username, new)
        except AccountError as exc:
            out["username"] = f"Tài khoản '{username}' đã có." if form and new else str(exc)
    if password is not None:
        try:
            _check_password(password)
        except AccountError as exc:
            out["password"] = str(exc)
    return out


def update(inputs: Path, username: str, role: str | None = None, full_name: str | None = None,
           disabled: bool | None = None) -> Account:
    """Change an account's role and full name, or lock (disabled=True) or unlock it. Locking changes
    `changed_at`, which ends the account's sessions at once."""
    with _lock:
        accounts = load_all(inputs)
        _exists(accounts, username, new=False)
        old = accounts[username]
        role = old.role if role is None else role
        full_name = old.full_name if full_name is None else full_name.strip()
        found = problems(username, old.unit_code, None, False, role, full_name)
        if found:
            raise AccountError(next(iter(found.values())))
        changed = datetime.now().isoformat() if disabled and not old.disabled else old.changed_at
        account = Account(username, old.unit_code, old.hash, changed, role, full_name,
                          old.disabled if disabled is None else disabled)
        accounts[username] = account
        _save(inputs, accounts)
    return account


def _exists(accounts: dict[str, Account], username: str, new: bool) -> None:
    """A new account must not exist yet; a password is changed only on an existing one."""
    if new and username in accounts:
        raise AccountError(f"Tài khoản '{username}' đã có. Đổi mật khẩu bằng: user passwd {username}.")
    if not new and username not in accounts:
        raise AccountError(f"Không có tài khoản '{username}'. Tạo mới bằng: user add {username} --unit MÃ.")


def set_account(inputs: Path, username: str, password: str, unit_code: str | None = None,
                config: Config | None = None, new: bool = True, role: str = MEMBER,
                full_name: str = "") -> Account:
    """Create (new=True) or change the password of (new=False) an account (role and full name kept)."""
    check(username, unit_code, config, new, role, full_name)
    _check_password(password)
    with _lock:
        accounts = load_all(inputs)
        _exists(accounts, username, new)
        disabled = False
        if not new:
            unit_code, role, full_name, disabled = (accounts[username].unit_code, accounts[username].role,
                                                    accounts[username].full_name, accounts[username].disabled)
        account = Account(username, unit_code, _hasher.hash(password),
                          datetime.now().isoformat(), role, full_name.strip(), disabled)
        accounts[username] = account
        _save(inputs, accounts)
    return account


def verify(inputs: Path, username: str, password: str) -> Account | None:
    """The account when the password matches, else None (same cost either way)."""
    account = load_all(inputs).get(username)
    try:
        _hasher.verify(account.hash if account else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return None if account is None or account.disabled else account


def _ask_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Mật khẩu: ")
    if getpass.getpass("Nhập lại mật khẩu: ") != first:
        raise AccountError("Hai lần nhập mật khẩu không khớp.")
    return first


def main(args) -> int:
    """The `user` command: add, passwd, list."""
    inputs = Path(getattr(args, "inputs", None) or paths.INPUTS)
    try:
        if args.action == "list":
            config = load(args.config or inputs / paths.CONFIG_NAME)
            accounts = load_all(inputs)
            if not accounts:
                print(f"Chưa có tài khoản nào (tệp {_path(inputs)}).")
            for a in sorted(accounts.values(), key=lambda a: (a.unit_code, a.username)):
                try:
                    unit = config.unit(a.unit_code).name
                except KeyError:
                    unit = "(mã đơn vị không còn trong cấu hình)"
                standing = " — đơn vị thường trực" if a.unit_code == config.standing_unit else ""
                role = words.ROLES.get(a.role, a.role) + (f" ({a.full_name})" if a.full_name else "")
                role += " — đã khóa" if a.disabled else ""
                print(f"{a.username}\t{a.unit_code}\t{unit}{standing}\t{role}")
            return 0
        if not args.username:
            raise AccountError(f"Cần tên đăng nhập: python -m pipeline user {args.action} TÊN"
                               + (" --unit MÃ" if args.action == "add" else "") + ".")
        if args.action == "add":
            config = load(args.config or inputs / paths.CONFIG_NAME)
            role, full_name = getattr(args, "role", None) or MEMBER, getattr(args, "name", None) or ""
            check(args.username, args.unit, config, True, role, full_name, inputs)  # before the password
            account = set_account(inputs, args.username, _ask_password(), args.unit, config, new=True,
                                  role=role, full_name=full_name)
            print(f"Đã tạo tài khoản '{account.username}' ({words.ROLES[account.role]}) cho đơn vị "
                  f"{config.unit(account.unit_code).name}.")
        else:
            check(args.username, None, None, new=False, inputs=inputs)
            account = set_account(inputs, args.username, _ask_password(), new=False)
            print(f"Đã đổi mật khẩu của tài khoản '{account.username}'.")
        return 0
    except AccountError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
