#!/usr/bin/env python
"""Run every notebook's tests (nbdev's `test_nb`), in parallel, one fresh process per notebook.

Prints one line per notebook and ends with exactly one summary line `N passed, N failed`.
Exits non-zero when any notebook fails or when no notebook was run (nbdev-test exits 0 then).

The numerics-heavy notebooks (AVX2_NOTEBOOKS) run a second time with oneDNN and ATen limited to
AVX2, as on a CPU without AVX-512 or AMX: floating-point results depend on the kernels the CPU
gets, so a test whose tolerance only holds on one instruction set fails here, wherever it runs.

    python tools/run_tests.py                 # all notebooks + the AVX2 pass, slow cells skipped
    python tools/run_tests.py nbs/00_core.ipynb --flags slow
    python tools/run_tests.py nbs/12_soundstream.ipynb --avx2   # that notebook, also limited to AVX2
"""
import argparse, os, sys, time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path


# codec, losses, quantizers, attention, transformers, feature extractors: re-run limited to AVX2
AVX2_NOTEBOOKS = ['04_precision', '10_quantize', '11a_codec_layers', '11b_discriminators', '11c_losses', '12_soundstream',
                  '14_encodec', '21_hubert', '23_whisper_tokenizer', '30_attention', '30a_tokens', '31_text_conditioning',
                  '32_semantic', '33_coarse', '34_fine', '34a_parallel_fine', '36_speculative', '37_hierarchical']
AVX2_ENV = {'ONEDNN_MAX_CPU_ISA': 'AVX2', 'ATEN_CPU_CAPABILITY': 'avx2'}


def _run_one(fn: str, flags: list, cell_timeout: int, env: dict):
    # a fresh process per notebook: the environment is set before torch is imported
    os.environ.update(env)
    from nbdev.config import get_config
    from nbdev.test import test_nb
    cfg = get_config()
    skip = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags)
    start = time.time()
    ok, _ = test_nb(fn, skip_flags=skip, force_flags=flags, basepath=cfg.config_path, cell_timeout=cell_timeout)
    return fn, bool(ok), time.time() - start


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('paths', nargs='*', help='notebooks (default: every notebook under nbs/)')
    p.add_argument('--flags', default='', help='space-separated test flags to run, e.g. "slow"')
    p.add_argument('--n-workers', type=int, default=int(os.environ.get('NB_WORKERS', 2)))
    p.add_argument('--cell-timeout', type=int, default=900)
    p.add_argument('--avx2', action='store_true', help='also run the given notebooks limited to AVX2 (the default with no paths)')
    p.add_argument('--no-avx2', action='store_true', help='skip the AVX2 pass')
    a = p.parse_args()

    root = Path(__file__).resolve().parent.parent
    os.chdir(root)
    if a.paths: files = [Path(f).resolve() for f in a.paths]
    else: files = sorted(f.resolve() for f in (root/'nbs').glob('*.ipynb') if not f.name.startswith('_'))
    if not files:
        print('no notebook found to test'); print('0 passed, 0 failed'); sys.exit(1)
    # keep total threads ~= cores: workers x threads
    os.environ.setdefault('OMP_NUM_THREADS', str(max(1, (os.cpu_count() or 2) // max(1, a.n_workers))))
    os.environ.setdefault('TQDM_DISABLE', '1')
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.environ.setdefault('MPLBACKEND', 'Agg')
    flags = a.flags.split()
    # longest notebooks first (timings remembered from the last run) so the two workers finish together
    tfile = root/'.cache'/'nb_times.txt'
    prev = {}
    if tfile.exists():
        for line in tfile.read_text().splitlines():
            n, t = line.rsplit(' ', 1); prev[n] = float(t)
    jobs = [(f, f.name, {}) for f in files]
    if (a.avx2 or not a.paths) and not a.no_avx2:
        jobs += [(f, f'{f.name}[avx2]', AVX2_ENV) for f in files if f.stem in AVX2_NOTEBOOKS or a.avx2]
    jobs.sort(key=lambda j: -prev.get(j[1], 1e9))
    passed, failed, times = [], [], {}
    t0 = time.time()
    with ProcessPoolExecutor(max_workers=a.n_workers, max_tasks_per_child=1) as ex:
        futs = {ex.submit(_run_one, str(f), flags, a.cell_timeout, env): name for f, name, env in jobs}
        for fut in as_completed(futs):
            name = futs[fut]
            try: fn, ok, dt = fut.result()
            except Exception as e:  # a crashed worker counts as a failure
                print(f'ERROR {name}: worker crashed: {e!r}', flush=True); failed.append(name); continue
            times[name] = dt
            (passed if ok else failed).append(name)
            print(f'{"PASS" if ok else "FAIL"} {name} ({dt:.1f}s)', flush=True)
    tfile.parent.mkdir(exist_ok=True)
    prev.update(times)
    tfile.write_text('\n'.join(f'{n} {t:.1f}' for n, t in prev.items()))
    if failed: print('failed notebooks: ' + ', '.join(sorted(failed)))
    print(f'total {time.time()-t0:.0f}s')
    print(f'{len(passed)} passed, {len(failed)} failed')
    sys.exit(1 if failed or not passed else 0)


if __name__ == '__main__':
    main()
