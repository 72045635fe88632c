"""LibreOffice in headless mode: legacy Office and WPS files converted to .docx/.xlsx in memory.

Word 97-2003 (.doc), WPS Writer (.wps), RTF and the spreadsheets xlrd cannot read have no
well-kept Python reader; LibreOffice (Debian ``libreoffice-writer-nogui``,
``libreoffice-calc-nogui``; ``make install`` installs them) reads them all. Each conversion is
one ``soffice --convert-to`` run, and every decision below keeps it away from the user's files
and from anything but the bytes given:

- **A throw-away folder.** The bytes are written to a fresh temporary folder as
  ``document.doc`` (the suffix says what the content was found to be, never the user's name);
  the output is read back from that folder, which is removed afterwards, whatever happened.
  Nothing is ever written beside the files of the raw folder.
- **A throw-away profile.** ``-env:UserInstallation`` points at a profile inside that folder, so
  conversions never share or lock the user's LibreOffice profile and may run in parallel
  processes (each ``soffice`` with its own profile is its own instance).
- **No macros, no links.** The profile is seeded with ``registrymodifications.xcu``: macro
  security "very high" and macro execution disabled, untrusted referer links blocked, and Writer
  and Calc told never to update links (an .xls may link to ``http://…``).
- **A time limit.** ``CONVERSION_TIMEOUT_S``; on timeout the whole process group (``soffice``
  and its ``soffice.bin``) is killed and the document gets ``unreadable_file``.

Where LibreOffice is not installed the error says exactly what to install (``INSTALL_ADVICE``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.core.errors import STAGE_READ, IngestError

SOFFICE_COMMANDS: Final = ("soffice", "libreoffice")
DEBIAN_PACKAGES: Final = ("libreoffice-writer-nogui", "libreoffice-calc-nogui")
INSTALL_ADVICE: Final = (
    f"install LibreOffice (`make install` does; on Debian/Ubuntu: apt-get install {' '.join(DEBIAN_PACKAGES)}) "
    "and run again, or save the file as .docx/.xlsx/.pdf"
)
CONVERSION_TIMEOUT_S: Final = 120
"""A 100-page .doc converts in a few seconds (a fresh profile costs ~2 s); past this, something hangs."""
INPUT_STEM: Final = "document"
MESSAGE_TAIL_CHARS: Final = 300
"""How much of LibreOffice's own output an error message quotes."""

PROFILE_SETTINGS: Final = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" \
oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" \
oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>2</value></prop></item>
</oor:items>
"""
"""The throw-away profile's settings: macros never run (level 3, execution disabled), links are
never updated (2 = never) and untrusted referer links are blocked."""


@dataclass(frozen=True)
class Target:
    """What a conversion writes: the output suffix and LibreOffice's export filter for it."""

    suffix: str
    filter: str
    """One argument, not shell-quoted: ``docx:MS Word 2007 XML``."""


WORD: Final = Target(".docx", "docx:MS Word 2007 XML")
SPREADSHEET: Final = Target(".xlsx", "xlsx:Calc MS Excel 2007 XML")


def find_soffice() -> str | None:
    """The LibreOffice command on PATH, or None."""
    return next((found for name in SOFFICE_COMMANDS if (found := shutil.which(name))), None)


def _tail(output: bytes) -> str:
    text = output.decode("utf-8", errors="replace").strip()
    lines = [line for line in text.splitlines() if "javaldx" not in line]  # a harmless warning on every start
    return " ".join(lines)[-MESSAGE_TAIL_CHARS:]


def _run(command: list[str], home: Path) -> subprocess.CompletedProcess[bytes]:
    """Run ``soffice`` in its own process group, killed whole when it outlives the time limit."""
    environment = {**os.environ, "HOME": str(home)}
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=environment,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=CONVERSION_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise
    return subprocess.CompletedProcess(command, process.returncode, output)


def convert(data: bytes, input_suffix: str, target: Target, kind: str) -> bytes:
    """``data`` (a file of ``input_suffix``, e.g. ".doc") converted by LibreOffice to ``target``.

    ``kind`` names the file in messages ("Word 97-2003 (.doc)"). Raises ``unsupported_format``
    when LibreOffice is missing and ``unreadable_file`` when it cannot convert the file.
    """
    soffice = find_soffice()
    if soffice is None:
        raise IngestError(
            "unsupported_format",
            STAGE_READ,
            f"{kind} files are read through LibreOffice, which is not installed: {INSTALL_ADVICE}",
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-office-") as folder:
        root = Path(folder)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        source = root / "in" / f"{INPUT_STEM}{input_suffix}"
        source.parent.mkdir()
        source.write_bytes(data)
        out = root / "out"
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
            "--convert-to", target.filter,
            "--outdir", str(out),
            str(source),
        ]  # fmt: skip
        try:
            result = _run(command, root)
        except subprocess.TimeoutExpired as exc:
            raise IngestError(
                "unreadable_file",
                STAGE_READ,
                f"LibreOffice did not finish converting the {kind} file within {CONVERSION_TIMEOUT_S} s; "
                "it may be damaged or very large: open it and save it as .docx/.xlsx/.pdf",
            ) from exc
        except OSError as exc:
            raise IngestError(
                "unsupported_format",
                STAGE_READ,
                f"LibreOffice ({soffice}) could not be started: {exc}; {INSTALL_ADVICE}",
            ) from exc
        converted = out / f"{INPUT_STEM}{target.suffix}"
        if not converted.is_file() or converted.stat().st_size == 0:
            said = _tail(result.stdout) or f"exit status {result.returncode}, no output"
            raise IngestError(
                "unreadable_file",
                STAGE_READ,
                f"LibreOffice could not convert the {kind} file (damaged, truncated or not what its name says): {said}",
            )
        return converted.read_bytes()
