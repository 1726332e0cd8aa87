"""A sandbox's private /tmp must not hide the runtime or SDK it needs from the host's /tmp."""

from __future__ import annotations

import os

from strato.runtime.sandbox import _needs_host_tmp


def test_sdk_links_into_host_tmp_keep_the_host_tmp(tmp_path):
    runtime_dir = tmp_path / "runtime"
    runtime_dir.mkdir()
    target = "/tmp/some-venv/lib/python3.11/site-packages/boto3"
    os.symlink(target, runtime_dir / "boto3")
    assert _needs_host_tmp("/usr/bin/node", str(runtime_dir))


def test_a_program_under_tmp_keeps_the_host_tmp():
    assert _needs_host_tmp("/tmp/venv/bin/python", "/nonexistent")
