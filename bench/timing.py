"""The one timing helper of the benchmarks: median wall and CPU seconds, load average, time stamp.

Every script in `bench/` times with `timed` (or `once` + `summarise` when it interleaves
implementations), so every JSON file reports the same keys: `median_wall_s`, `median_cpu_s`,
`walls_s`, `cpus_s`, `min_wall_s`, `repeats`."""
import datetime, os, platform, statistics, time
from pathlib import Path

def once(fn) -> tuple[float, float]:
    "(wall s, CPU s) of one call of `fn`"
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c

def summarise(runs: list[tuple[float, float]]) -> dict:
    "Medians of (wall, CPU) pairs, with every run kept"
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    return dict(median_wall_s=round(statistics.median(walls), 5), median_cpu_s=round(statistics.median(cpus), 5),
                min_wall_s=round(min(walls), 5), walls_s=[round(w, 4) for w in walls], cpus_s=[round(c, 4) for c in cpus],
                repeats=len(runs))

def timed(fn, repeats: int = 3, warmup: int = 1) -> dict:
    "`warmup` untimed calls, then the medians of `repeats` timed ones"
    for _ in range(warmup): fn()
    return summarise([once(fn) for _ in range(repeats)])

def cpu_model() -> str:
    "The CPU's model name and its widest vector extensions (timings differ between AVX2-only and AVX-512/AMX machines)"
    try: info = Path('/proc/cpuinfo').read_text()
    except OSError: return platform.processor() or platform.machine()
    name = next((l.split(':', 1)[1].strip() for l in info.splitlines() if l.startswith('model name')), platform.machine())
    flags = set(next((l.split(':', 1)[1].split() for l in info.splitlines() if l.startswith('flags')), []))
    ext = [f for f in ('avx2', 'avx512f', 'avx512_bf16', 'amx_bf16') if f in flags]
    return f"{name} ({', '.join(ext) or 'no AVX2'})"

def loadavg() -> list[float]: return [round(x, 2) for x in os.getloadavg()]
def now() -> str: return datetime.datetime.now().isoformat(timespec='seconds')


def finish(res: dict, out=None) -> str:
    "Stamp `res` with the load average and time at its end, print it as JSON and write it to `out` (when given)"
    import json
    from pathlib import Path
    res.update(loadavg_after=loadavg(), finished=now())
    s = json.dumps(res, indent=1)
    if out: Path(out).write_text(s + '\n')
    print(s)
    return s
