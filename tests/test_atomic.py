"""Outputs are replaced in one step; a file held open elsewhere keeps its old version whole."""

import os

import pytest

from pipeline.core import atomic


def test_replace_moves_a_complete_file_into_place(tmp_path):
    target = tmp_path / "bao_cao.docx"
    target.write_bytes(b"old")
    assert atomic.write_bytes(target, b"new") == target
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["bao_cao.docx"]  # no temporary left behind


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "phu_luc.xlsx"
    target.write_bytes(b"old")

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("killed while writing")

    with pytest.raises(RuntimeError):
        atomic.replace(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["phu_luc.xlsx"]


def test_a_file_open_in_libreoffice_is_left_whole_and_the_new_one_written_beside(tmp_path):
    target = tmp_path / "bao_cao_so_ket.docx"
    target.write_bytes(b"old")
    atomic.lock_file(target).write_text("user,host", encoding="utf-8")
    atomic.HELD.clear()
    written = atomic.write_bytes(target, b"new")
    assert written.name == "bao_cao_so_ket (mới).docx" and written.read_bytes() == b"new"
    assert target.read_bytes() == b"old"
    assert atomic.HELD[-1].target == target and "bao_cao_so_ket (mới).docx" in atomic.HELD[-1].text()
    atomic.HELD.clear()


def test_a_file_open_in_word_on_windows_is_left_whole(tmp_path, monkeypatch):
    target = tmp_path / "bao_cao_so_ket.docx"
    target.write_bytes(b"old")
    real = os.replace

    def refuse(src, dst):
        if os.fspath(dst) == os.fspath(target):
            raise PermissionError(13, "The process cannot access the file because it is being used")
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", refuse)
    atomic.HELD.clear()
    written = atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"old" and written.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao_cao_so_ket (mới).docx", "bao_cao_so_ket.docx"]
    atomic.HELD.clear()
