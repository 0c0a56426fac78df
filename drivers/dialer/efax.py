"""FAX through efax (Debian package ``efax``) on a class 1, 2 or 2.0 fax modem.

efax owns the T.30 session with the modem; we hand it the rendered pages as PBM files (one a
page, 1728 dots across at 204 × 196 dpi: what efax sends unchanged) and read its exit code:
0 sent, 1 busy or modem in use, 2 fatal (no such device, dial failed: NO CARRIER), 3 modem
protocol error, 4 modem not answering, 5 terminated by a signal. Blocking: run it on the FAX
driver's worker thread.

Verified against tests/peers/fax_modem_sim.py (class 2 and 2.0 on a pty), not against a real
modem; class 1 (efax runs T.30 itself) has no simulator here.
"""

from __future__ import annotations

import logging
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drivers.dialer.fax import FaxResult

log = logging.getLogger("issei.fax.efax")

EXIT_REASONS = {
    1: "話し中、またはFAXモデムが使用中です",
    2: "発信できませんでした（回線・番号・モデムのポートを確認してください）",
    3: "FAXモデムの応答が正しくありません",
    4: "FAXモデムが応答しません",
    5: "FAX送信が中断されました",
}
TEMPORARY_EXITS = {1, 3, 4, 5}  # worth another try later; 2 is the number or the device
CLASS_OPTION = {"1": "-o1", "2": "-o2", "2.0": "-o0"}
ERROR_LINE = re.compile(r"Error: (.*)")


@dataclass
class EfaxModem:
    device: str  # /dev/ttyUSB0, /dev/ttyS0 (efax wants a device path, not a pyserial URL)
    program: str = "efax"
    fax_class: str = "2"  # 1 | 2 | 2.0 (2 and 2.0 verified against the simulator; 1 is not)
    station_id: str = ""  # -l: our number as the far machine shows it
    timeout: float = 600.0  # one fax, dial to hang-up
    simulated: bool = False
    wants: str = "document"  # the FAX driver hands over the FaxDocument, not a PDF

    @property
    def name(self) -> str:
        return f"efax {self.device}"

    def command(self, number: str, files: list[Path]) -> list[str]:
        args = [self.program, "-d", self.device, CLASS_OPTION[self.fax_class], "-v", "ewin"]
        if self.station_id:
            args += ["-l", self.station_id]
        return [*args, "-t", number, *(str(f) for f in files)]

    def send(self, number: str, title: str, document: Any) -> FaxResult:
        if not re.fullmatch(r"[0-9*#]+", number):
            return FaxResult(number, False, False, f"FAX番号「{number}」は数字で指定してください")
        with tempfile.TemporaryDirectory(prefix="issei-efax-") as folder:
            files = []
            for index, page in enumerate(document.pages, start=1):
                path = Path(folder) / f"page{index:02d}.pbm"
                page.save(path)  # mode "1" -> P4 PBM
                files.append(path)
            try:
                done = subprocess.run(self.command(number, files), capture_output=True,
                                      text=True, errors="replace", timeout=self.timeout,
                                      check=False)
            except FileNotFoundError:
                return FaxResult(number, False, False, f"efax が見つかりません（{self.program}、"
                                 "Debian: efax パッケージ）")
            except subprocess.TimeoutExpired:
                return FaxResult(number, False, True,
                                 f"FAX送信が{self.timeout:.0f}秒で終わりませんでした")
        log.info("efax %s exit %d", number, done.returncode)
        if done.returncode == 0:
            return FaxResult(number, True, reference=f"{self.name}: {len(files)}枚送信")
        detail = "; ".join(m.group(1).strip() for m in ERROR_LINE.finditer(done.stderr))
        reason = EXIT_REASONS.get(done.returncode, f"efax が終了コード {done.returncode} で終了")
        return FaxResult(number, False, done.returncode in TEMPORARY_EXITS,
                         f"{reason}" + (f"（{detail}）" if detail else ""))
