"""The `init` starter profile, the n96 sample profile and its generated sample attachments."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image
from support import ROOT, model_as

from numdossier.kinds.n96.profile import N96Profile
from numdossier.profile import load_profile

STARTER = ROOT / "templates" / "n96" / "starter.toml"
CHECKLIST = ROOT / "templates" / "n96" / "checklist.toml"
SAMPLE = ROOT / "samples" / "n96" / "qinghe-96.toml"


def test_starter_loads(tmp_path: Path) -> None:
    path = tmp_path / "my-96.toml"
    shutil.copyfile(STARTER, path)
    loaded = load_profile(path)
    assert loaded.kind == "n96"
    assert loaded.name == "my-96"
    assert len(model_as(loaded, N96Profile).branches) == 2


def referenced_files(profile: N96Profile) -> list[str]:
    files = [f for paths in profile.attachments.values() for f in paths]
    files += [f for branch in profile.branches for f in branch.proofs]
    if profile.n96.topology_image:
        files.append(profile.n96.topology_image)
    return files


def test_sample_attachments_exist() -> None:
    model = load_profile(SAMPLE).model
    assert isinstance(model, N96Profile)
    files = referenced_files(model)
    assert len(files) == 11
    for rel in files:
        assert (SAMPLE.parent / rel).is_file(), f"{rel} 不存在；请运行 python tools/make_sample_scans.py"


def test_sample_attachments_exercise_the_pipeline() -> None:
    folder = SAMPLE.parent / "attachments"
    with Image.open(folder / "法定代表人身份证-反面.jpg") as back:
        assert back.getexif().get(0x0112) == 6
        assert back.size == (638, 1011)  # stored rotated; upright it is 1011 x 638
        assert back.info["dpi"] == (300, 300)
    with Image.open(folder / "法定代表人身份证-正面.jpg") as front:
        assert front.size == (1011, 638)
        assert front.info["dpi"] == (300, 300)
    with Image.open(folder / "branches" / "嘉兴-营业执照.png") as png:
        assert png.mode == "RGBA"
        corner = png.getpixel((0, 0))
        assert isinstance(corner, tuple) and corner[3] == 0  # transparent margin
    total = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    assert total < 2_000_000
