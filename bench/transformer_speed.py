#!/usr/bin/env python
"""Benchmark the three AudioLM transformers: training step (forward + backward) and cached generation.

    python bench/transformer_speed.py                       # all cases, JSON on stdout
    python bench/transformer_speed.py --cases semantic_step gen_cached --repeats 3 --out bench.json

Every case runs in a fresh subprocess (`--case NAME`) so that its peak RSS is its own. For each case:
median wall and CPU time over `--repeats` (after one warm-up), `loadavg()` before and after, and
peak RSS. The machine is shared: read the load average beside the numbers.

Cases (sizes of the reference's comparison, PEER.md):
  semantic_step  SemanticTransformer(num_semantic_tokens=500, dim=512, depth=6), batch 4 x 512 ids
  coarse_step    CoarseTransformer(dim=512, depth=6, codebook 1024, 3 coarse q), 4 x 128 semantic + 4 x 128 x 3 coarse
  fine_step      FineTransformer(dim=512, depth=6, codebook 1024, 3 coarse + 5 fine q), 4 x 64 x 3 + 4 x 64 x 5
  gen_cached     semantic generation, batch 1, 256 tokens after a 16-token prime, KV cache
  gen_uncached   the same without cache

Threads: with batch-1 generation every op is tiny, and on an oversubscribed machine (load average far above
the core count) 2 OpenMP threads spend their time waiting for each other: measured here at load ~18 on 2 cores,
cached generation ran at 2.9 tok/s with 2 threads and 26 tok/s with 1. Compare runs at equal `--threads` and
report the load average.

`--autocast bf16` measures the bfloat16 variants (training under torch.autocast, generation with bf16 weights).
`--gen-precision int8|bf16` samples from `model.for_cpu_generation(...)` in the generation cases (int8: dynamic
quantization of the Linear layers), leaving the training cases in float32.
`--peer` also runs the reference, audiolm-pytorch 2.4.0, through bench/peer.py with its own venv
(`--peer-python`, default `.peer/bin/python`, see PEER.md) right after our cases, with the same threads and
repeats, and adds `peer` and `ratios` (peer wall / our wall for steps, our tok/s / peer tok/s) to the JSON.
`--impl` selects our implementation (a class with one method per case) for other variants.
"""
from __future__ import annotations
import argparse, json, os, resource, statistics, subprocess, sys, time
from pathlib import Path
from timing import loadavg, timed
# this script is named like the `transformers` package: keep bench/ off the import path

CASES = ['semantic_step', 'coarse_step', 'fine_step', 'gen_cached', 'gen_uncached']
SEM, DIM, DEPTH, CODEBOOK = 500, 512, 6, 1024
GEN_PRIME, GEN_TOKENS = 16, 256


class Ours:
    "One method per case: returns (callable running the measured work once, work count, optional short warm-up)"
    def __init__(self, autocast: str | None = None, gen_precision: str | None = None):
        import torch, contextlib
        from audiolm_nb.transformer.semantic import SemanticTransformer
        from audiolm_nb.transformer.coarse import CoarseTransformer
        from audiolm_nb.transformer.fine import FineTransformer
        self.torch, self.S, self.C, self.F = torch, SemanticTransformer, CoarseTransformer, FineTransformer
        self.autocast, self.gen_precision = autocast, gen_precision
        self.ctx = (lambda: torch.autocast('cpu', dtype=torch.bfloat16)) if autocast == 'bf16' else contextlib.nullcontext

    def _step(self, model, *inputs):
        def run():
            model.zero_grad(set_to_none=True)
            with self.ctx(): loss = model(*inputs, return_loss=True)
            loss.backward()
        return run

    def semantic_step(self):
        t = self.torch
        m = self.S(num_semantic_tokens=SEM, dim=DIM, depth=DEPTH).train()
        return self._step(m, t.randint(0, SEM, (4, 512))), 1, None

    def coarse_step(self):
        t = self.torch
        m = self.C(num_semantic_tokens=SEM, codebook_size=CODEBOOK, num_coarse_quantizers=3, dim=DIM, depth=DEPTH).train()
        return self._step(m, t.randint(0, SEM, (4, 128)), t.randint(0, CODEBOOK, (4, 128, 3))), 1, None

    def fine_step(self):
        t = self.torch
        m = self.F(num_coarse_quantizers=3, num_fine_quantizers=5, codebook_size=CODEBOOK, dim=DIM, depth=DEPTH).train()
        return self._step(m, t.randint(0, CODEBOOK, (4, 64, 3)), t.randint(0, CODEBOOK, (4, 64, 5))), 1, None

    def _gen(self, use_kv_cache: bool):
        t = self.torch
        m = self.S(num_semantic_tokens=SEM, dim=DIM, depth=DEPTH).eval()
        with t.no_grad(): m.to_logits.bias[m.eos_id] = -1e9       # never stop early: time exactly GEN_TOKENS tokens
        if self.autocast == 'bf16': m = m.to(t.bfloat16)            # generation: bfloat16 weights
        if self.gen_precision: m = m.for_cpu_generation(self.gen_precision)  # int8 / bf16 copy for sampling
        prime = t.randint(0, SEM, (1, GEN_PRIME))
        def run(n=GEN_TOKENS):
            out = m.generate(max_length=GEN_PRIME + n, prime_ids=prime, use_kv_cache=use_kv_cache)
            assert out.shape == (1, GEN_PRIME + n), out.shape
        return run, GEN_TOKENS, lambda: run(8)

    def gen_cached(self): return self._gen(True)
    def gen_uncached(self): return self._gen(False)


IMPLS = {'ours': Ours}


def run_case(name: str, impl: str, repeats: int, threads: int, autocast: str | None = None,
             gen_precision: str | None = None) -> dict:
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    fn, work, warm = getattr(IMPLS[impl](autocast, gen_precision), name)()
    load_before = loadavg()
    (warm or fn)()                                                  # warm-up (a short one for generation)
    res = dict(case=name, impl=impl, autocast=autocast, gen_precision=gen_precision, threads=threads,
               **timed(fn, repeats, warmup=0), loadavg_before=load_before, loadavg_after=loadavg(),
               peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if name.startswith('gen'): res['tokens_per_s'] = work / res['median_wall_s']
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--cases', nargs='*', default=CASES, choices=CASES)
    p.add_argument('--case', help=argparse.SUPPRESS)               # internal: run one case in this process
    p.add_argument('--impl', default='ours', choices=sorted(IMPLS))
    p.add_argument('--repeats', type=int, default=5)
    p.add_argument('--gen-uncached-repeats', type=int, default=1, help='repeats of the slow uncached generation')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--out', help='also write the JSON here')
    p.add_argument('--peer', action='store_true', help='also time audiolm-pytorch 2.4.0 via bench/peer.py')
    p.add_argument('--peer-python', default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), '.peer', 'bin', 'python'))
    p.add_argument('--autocast', choices=['bf16'], help='train under torch.autocast(bfloat16); generate with bfloat16 weights')
    p.add_argument('--gen-precision', choices=['int8', 'bf16'],
                   help='generation cases sample from model.for_cpu_generation(PRECISION) (training cases unchanged)')
    a = p.parse_args()
    if a.case:
        print(json.dumps(run_case(a.case, a.impl, a.repeats, a.threads, a.autocast, a.gen_precision))); return
    results = []
    env = dict(os.environ, OMP_NUM_THREADS=str(a.threads), TQDM_DISABLE='1', HF_HUB_OFFLINE='1')
    for name in a.cases:
        reps = a.gen_uncached_repeats if name == 'gen_uncached' else a.repeats
        out = subprocess.run([sys.executable, __file__, '--case', name, '--impl', a.impl, '--repeats', str(reps),
                              '--threads', str(a.threads)] + (['--autocast', a.autocast] if a.autocast else [])
                             + (['--gen-precision', a.gen_precision] if a.gen_precision else []),
                             capture_output=True, text=True, env=env)
        if out.returncode: sys.exit(f'case {name} failed:\n{out.stderr}')
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{name}: {results[-1]['median_wall_s']:.3f} s wall, {results[-1]['median_cpu_s']:.3f} s cpu, "
              f"load {results[-1]['loadavg_before'][0]:.2f}", file=sys.stderr, flush=True)
    by = {r['case']: r for r in results}
    summary = {}
    if 'gen_cached' in by and 'gen_uncached' in by:
        summary['cache_speedup'] = by['gen_cached']['tokens_per_s'] / by['gen_uncached']['tokens_per_s']
    peer = ratios = None
    if a.peer:
        out = subprocess.run([a.peer_python, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'peer.py'),
                              '--what', 'transformers', '--repeats', str(a.repeats), '--threads', str(a.threads)],
                             capture_output=True, text=True, env=env)
        if out.returncode: sys.exit(f'peer run failed:\n{out.stderr[-3000:]}')
        peer = json.loads(out.stdout)
        pt, ratios = peer['transformers'], {}
        for case in ('semantic_step', 'coarse_step', 'fine_step'):
            if case in by and case in pt:
                ratios[case + '_speedup'] = pt[case]['median_wall_s'] / by[case]['median_wall_s']
                ratios[case + '_cpu_speedup'] = pt[case]['median_cpu_s'] / by[case]['median_cpu_s']
        for ours, theirs in (('gen_cached', 'semantic_generate_cached'), ('gen_uncached', 'semantic_generate_uncached')):
            if ours in by and theirs in pt: ratios[ours + '_tokens_per_s_ratio'] = by[ours]['tokens_per_s'] / pt[theirs]['tokens_per_s']
    report = dict(impl=a.impl, autocast=a.autocast, gen_precision=a.gen_precision, cpu_count=os.cpu_count(), results=results, summary=summary,
                  python=sys.version.split()[0])
    if a.peer: report.update(peer=peer, ratios=ratios)
    import torch; report['torch'] = torch.__version__
    text = json.dumps(report, indent=2)
    print(text)
    if a.out:
        with open(a.out, 'w') as f: f.write(text)


if __name__ == '__main__':
    main()
