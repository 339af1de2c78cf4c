"""A simulated Windows for tests/test_windows.py (imported at start-up by every Python process whose
PYTHONPATH begins with this folder, children included):
- no fcntl (import fails, as on Windows);
- spawn is the only start method (get_context("fork") raises, as on Windows);
- os.replace onto a file named in $SIM_OPEN_FILES (os.pathsep-separated names) raises PermissionError,
  as Windows does for a file open in Word or Excel;
- opening a directory with os.open raises PermissionError (Windows cannot fsync a directory), and
  shutil.rmtree works without directory descriptors, as on Windows.
The child's stdout encoding (cp1258, the Vietnamese ANSI code page) is set by the test through
PYTHONIOENCODING.
"""

import multiprocessing
import os
import shutil
import sys

sys.modules["fcntl"] = None  # `import fcntl` raises ImportError

multiprocessing.set_start_method("spawn", force=True)
_get_context = multiprocessing.get_context


def _only_spawn(method=None):
    if method in ("fork", "forkserver"):
        raise ValueError(f"cannot find context for {method!r}")
    return _get_context(method)


multiprocessing.get_context = _only_spawn

_OPEN = {name for name in os.environ.get("SIM_OPEN_FILES", "").split(os.pathsep) if name}
_replace = os.replace


def _replace_unless_open(src, dst, *args, **kwargs):
    if os.path.basename(os.fspath(dst)) in _OPEN and os.path.exists(dst):
        raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                  "process", os.fspath(dst))
    return _replace(src, dst, *args, **kwargs)


os.replace = _replace_unless_open
_os_open = os.open


def _no_directory(path, flags, mode=0o777, *, dir_fd=None):
    if dir_fd is None and os.path.isdir(path):
        raise PermissionError(13, "Access is denied", os.fspath(path))
    return _os_open(path, flags, mode, dir_fd=dir_fd)


os.open = _no_directory
shutil._use_fd_functions = False
shutil.rmtree.avoids_symlink_attacks = False
