#!/usr/bin/env python
"""Benchmark speculative sampling of the semantic transformer against plain cached sampling, at batch 1 on a CPU.

    python bench/speculative.py                                   # random 'small' weights, early exit after 1 layer
    python bench/speculative.py --model /work/runs/all/semantic --threads 1 --tokens 64 --k 4 --early-exit-layers 2
    python bench/speculative.py --draft model --draft-model runs/semantic_tiny     # a separately trained small draft

Prints ONE JSON object: `greedy_identical` (speculative greedy output == plain greedy output, token for token),
`acceptance_rate` (draft tokens accepted / proposed, sampling with the given temperature / filter_thres),
`tokens_per_round` (tokens per pass of the model), `tokens_per_s_plain`, `tokens_per_s_speculative`, `speedup`
(wall clock, medians over `--repeats` after a warm-up, the two samplers alternating), the same in CPU time of this
process (`tokens_per_cpu_s_*`, `speedup_cpu`: less sensitive to the load of a shared machine), `k`, `threads`,
`model` (which weights), `draft`, `draft_weights` and `draft_layers`, the load average before and after (read it
beside the numbers), and the cost model below (`cost`).

Without `--model` the model has random weights of the 'small' preset (dim 256, depth 4, heads 4, dim_head 64,
vocabulary 500; `--preset` for another size): acceptance rates of random weights say little (an early exit of a random network is a poor guess
of its output), so the speedup of a trained model is the one to read. Each generation is `--tokens` new tokens after
a `--prime`-token prompt sampled from the model itself; EOS is held back (min_length = max_length) so that both
samplers generate exactly `--tokens` tokens.

Why checking k tokens costs about one token (the cost model, `cost` in the JSON): at batch 1 each decoding step is a
chain of matrix-vector products — every weight is read once and used for 2 FLOPs. The 'small' model has 3.0 M
parameters, 12 MB in float32. Its 6 MFLOP take 0.04-0.08 ms at the 80-157 GFLOP/s a 1024^2 matmul reaches here
(`matmul_gflops`, `ms_flops_at_matmul_rate`), while streaming 12 MB at the 9-14 GB/s a 256 MB copy reaches here
(`mem_bandwidth_gbs`, read + write; `ms_weights_at_bandwidth`) takes 0.9-1.3 ms: the step is bound by bytes and by
dispatching its ~150 small ops, not by arithmetic (on this machine the 12 MB even fit the 300 MB L3, which leaves
dispatch the larger share). Scoring k + 1 tokens in one forward reads the same bytes and dispatches the same ops:
measured (1 thread, load average ~4 on 2 cores) 1.6-1.9 ms for 1 token (`ms_forward_1`), the same for 3, 1.8-2.2 ms
for 5 (`ms_forward_kplus1`); for the 'base' preset (67 MB, `--preset base`) 7.8 ms and 10.3 ms.

A round costs k draft steps + one model step and yields `tokens_per_round` tokens:
predicted speedup = tokens_per_round * ms_forward_1 / (k * ms_draft_forward_1 + ms_forward_kplus1)
(`predicted_speedup`), to compare with the measured `speedup` (which also pays sampling and bookkeeping). The catch
on this CPU is the draft: an early exit pays the fixed part of a forward (~0.35 ms: embedding, position bias, masks,
head, Python) plus ~0.35 ms per layer, i.e. 40-80 % of the 'small' model for 1-3 of its 4 layers, so with the
acceptance rates of the trained checkpoint at temperature 1 (0.25-0.8) the speedup stays at or below 1; see the
notebook nbs/36_speculative.ipynb for the table.
"""
from __future__ import annotations
import argparse, json, os, statistics, sys, time
from pathlib import Path

PRESETS = {  # audiolm_nb.trainer.transformer_cli.TRANSFORMER_PRESETS, with the default 500 semantic tokens
    'tiny': dict(dim=64, depth=2, heads=4, dim_head=16), 'small': dict(dim=256, depth=4, heads=4, dim_head=64),
    'base': dict(dim=512, depth=6, heads=8, dim_head=64), 'audiolm': dict(dim=1024, depth=12, heads=16, dim_head=64)}


def _median_ms(fn, repeats: int, clock=time.process_time) -> float:
    "Median milliseconds of `fn()`, in CPU time of this process by default (less sensitive to a shared machine's load)"
    times = []
    for _ in range(repeats):
        t = clock(); fn(); times.append(clock() - t)
    return statistics.median(times) * 1e3


def cost_model(torch, model, draft, prime, k: int, repeats: int = 30) -> dict:
    "Cached forward times (1 and k+1 new tokens after the prompt), weight bytes, memory bandwidth, matmul GFLOP/s"
    from audiolm_nb.transformer.attention import KVCache
    def forward(m, n):
        cache = KVCache(prime.shape[1] + n + 2); m(prime, cache=cache)
        new = torch.randint(0, m.num_semantic_tokens, (1, n))
        return lambda: m(new, cache=truncate(cache, prime.shape[1] + 1))
    def truncate(cache, length): cache.length = length; return cache
    with torch.no_grad():
        out = dict(ms_forward_1=_median_ms(forward(model, 1), repeats), ms_forward_kplus1=_median_ms(forward(model, k + 1), repeats),
                   ms_draft_forward_1=_median_ms(forward(draft, 1), repeats))
    out['weights_mb'] = sum(p.numel() * p.element_size() for p in model.parameters()) / 1e6
    big = torch.empty(64 * 2 ** 20); dst = torch.empty_like(big)    # 256 MB, far beyond the caches' share
    out['mem_bandwidth_gbs'] = 2 * big.numel() * 4 / (_median_ms(lambda: dst.copy_(big), 5) / 1e3) / 1e9
    a = torch.randn(1024, 1024)
    out['matmul_gflops'] = 2 * 1024 ** 3 / (_median_ms(lambda: a @ a, 5) / 1e3) / 1e9
    out['ms_weights_at_bandwidth'] = out['weights_mb'] / 1e3 / out['mem_bandwidth_gbs'] * 1e3
    out['ms_flops_at_matmul_rate'] = 2 * out['weights_mb'] / 4 * 1e6 / (out['matmul_gflops'] * 1e9) * 1e3
    return {key: round(v, 3) for key, v in out.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--tokens', type=int, default=64, help='new tokens per generation')
    p.add_argument('--prime', type=int, default=16, help='prompt tokens (sampled from the model itself)')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--k', type=int, default=4, help='draft tokens per round')
    p.add_argument('--draft', choices=['early-exit', 'model', 'int8'], default='early-exit',
                   help="early-exit: the model's first layers; model: --draft-model (default: random 'tiny' weights); "
                        "int8: the model's int8 copy (for_cpu_generation)")
    p.add_argument('--early-exit-layers', type=int, default=1)
    p.add_argument('--model', default=None, help='a semantic results folder or checkpoint (default: random weights)')
    p.add_argument('--preset', choices=list(PRESETS), default='small', help='the size of the random model without --model')
    p.add_argument('--draft-model', default=None, help='with --draft model: a semantic results folder or checkpoint')
    p.add_argument('--temperature', type=float, default=1.)
    p.add_argument('--filter-thres', type=float, default=0.9)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--seed', type=int, default=0)
    a = p.parse_args()
    os.environ.setdefault('OMP_NUM_THREADS', str(a.threads))
    import torch
    torch.set_num_threads(a.threads)
    from audiolm_nb.transformer.semantic import SemanticTransformer
    from audiolm_nb.transformer.speculative import speculative_generate, early_exit_draft, SpeculativeStats
    from audiolm_nb.generate import load_transformer
    load_before = os.getloadavg()
    torch.manual_seed(a.seed)
    if a.model: model, which = load_transformer(a.model, 'semantic')
    else:
        model = SemanticTransformer(num_semantic_tokens=500, **PRESETS[a.preset]).eval()
        which = f"random weights, '{a.preset}' preset ({', '.join(f'{k} {v}' for k, v in PRESETS[a.preset].items())}, vocab 500)"
    if a.draft == 'early-exit': draft, draft_desc = early_exit_draft(model, a.early_exit_layers), f'first {a.early_exit_layers} layers'
    elif a.draft == 'int8': draft, draft_desc = model.for_cpu_generation('int8'), 'int8 copy of the model'
    elif a.draft_model: draft, draft_desc = load_transformer(a.draft_model, 'semantic')
    else:
        draft = SemanticTransformer(num_semantic_tokens=model.num_semantic_tokens, **PRESETS['tiny']).eval()
        draft_desc = "random weights, 'tiny' preset (dim 64, depth 2)"
    draft_layers = len(draft.transformer.layers)
    torch.manual_seed(a.seed + 1)
    prime = model.generate(max_length=a.prime, min_length=a.prime, temperature=1.) if a.prime else None
    n = a.prime + a.tokens
    kw = dict(max_length=n, min_length=n, prime_ids=prime, include_prime=False)
    greedy_stats = SpeculativeStats()
    greedy_identical = torch.equal(model.generate(temperature=0., **kw),
                                   speculative_generate(model, draft, k=a.k, temperature=0., stats=greedy_stats, **kw))
    sample = dict(temperature=a.temperature, filter_thres=a.filter_thres, **kw)
    stats = SpeculativeStats()
    plain = lambda: model.generate(**sample)
    spec = lambda: speculative_generate(model, draft, k=a.k, stats=stats, **sample)
    for f in (plain, spec): f()                       # warm-up
    stats = SpeculativeStats()                        # the lambdas read it when called
    wall, cpu = dict(plain=[], spec=[]), dict(plain=[], spec=[])
    for r in range(a.repeats):                        # alternate, so that both see the same load
        for name, f in (('plain', plain), ('spec', spec)):
            t, c = time.perf_counter(), time.process_time(); out = f()
            wall[name].append(time.perf_counter() - t); cpu[name].append(time.process_time() - c)
            assert out.shape == (1, a.tokens), out.shape
    tps = {name: a.tokens / statistics.median(ts) for name, ts in wall.items()}
    tps_cpu = {name: a.tokens / statistics.median(ts) for name, ts in cpu.items()}
    cost = cost_model(torch, model, draft, prime if prime is not None else torch.empty(1, 0, dtype=torch.long), a.k)
    per_round = stats.rounds and a.tokens * a.repeats / stats.rounds
    cost['predicted_speedup'] = round(per_round * cost['ms_forward_1'] / (a.k * cost['ms_draft_forward_1'] + cost['ms_forward_kplus1']), 3)
    print(json.dumps(dict(
        greedy_identical=greedy_identical, acceptance_rate=round(stats.acceptance_rate, 4),
        greedy_acceptance_rate=round(greedy_stats.acceptance_rate, 4), tokens_per_round=round(per_round, 3),
        tokens_per_s_plain=round(tps['plain'], 2), tokens_per_s_speculative=round(tps['spec'], 2),
        speedup=round(tps['spec'] / tps['plain'], 3), tokens_per_cpu_s_plain=round(tps_cpu['plain'], 2),
        tokens_per_cpu_s_speculative=round(tps_cpu['spec'], 2), speedup_cpu=round(tps_cpu['spec'] / tps_cpu['plain'], 3), k=a.k, threads=a.threads, tokens=a.tokens, prime=a.prime,
        repeats=a.repeats, temperature=a.temperature, filter_thres=a.filter_thres, model=which, draft=a.draft,
        draft_weights=draft_desc, draft_layers=draft_layers, model_layers=len(model.transformer.layers),
        wall_s_plain=[round(t, 4) for t in wall['plain']], wall_s_speculative=[round(t, 4) for t in wall['spec']], cost=cost,
        loadavg_before=[round(x, 2) for x in load_before], loadavg_after=[round(x, 2) for x in os.getloadavg()],
        torch=torch.__version__, cpu_count=os.cpu_count())))


if __name__ == '__main__':
    main()
