"""Child process of `vre-desktop bench`: type into the real window, time each keystroke.

Run in its own interpreter so its peak memory is the app's, not the seeder's.
Usage: python -m vre_desktop.bench_typing DATABASE_URL '["kat", "7038", ...]'
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from vre_desktop.app import create_main_window, ensure_application


def peak_resident_kb() -> int:
    """This process's peak resident memory.

    Linux carries ru_maxrss over from the parent across fork and exec (here: the benchmark that
    just seeded the database), so read the kernel's high-water mark of this process instead.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def main() -> int:
    url, typed = sys.argv[1], json.loads(sys.argv[2])
    ensure_application()
    window = create_main_window(url)
    window.show()
    QApplication.processEvents()
    counter = PaintCounter()
    window.results_view.viewport().installEventFilter(counter)
    search = window.search_box
    timings: list[float] = []
    card_timings: list[float] = []
    unpainted = 0
    for text in typed:
        search.clear()
        QApplication.processEvents()
        for char in text:
            before = counter.paints
            started = time.perf_counter()
            QTest.keyClick(search, char)
            QApplication.processEvents()  # layout, then the paint of the changed rows
            timings.append((time.perf_counter() - started) * 1000)
            if counter.paints == before:
                unpainted += 1
        # The pause after typing: the greeting card follows the top result.
        started = time.perf_counter()
        window._show_selected_card()
        QApplication.processEvents()
        card_timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    peak_kb = peak_resident_kb()
    print(json.dumps({
        "keystrokes": len(timings),
        "keystroke_p50_ms": statistics.median(timings),
        "keystroke_p95_ms": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "keystroke_max_ms": timings[-1],
        "keystrokes_without_paint": unpainted,
        "card_p50_ms": statistics.median(card_timings),
        "card_p95_ms": sorted(card_timings)[round(0.95 * (len(card_timings) - 1))],
        "peak_rss_mb": peak_kb / 1024,
    }))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
