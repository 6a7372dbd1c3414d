#!/usr/bin/env python
"""Go on training one transformer of a model set (its coarse or fine part) on a token cache, with dropout.

How the shipped set's later stages were trained after `audiolm train all`: the part's weights (as the set stores
them) are the start, a fresh AdamW at a constant learning rate, attention and feed-forward dropout `--dropout`.
The results folder is an `audiolm train coarse|fine` run (checkpoints with the model's EMA, `model_config.json`,
`metrics.csv`), so `bench/coarse_heldout.py RUN/coarse.N.pt`, `audiolm generate --coarse RUN` and this script run
again (it resumes from the latest checkpoint) all work on it. Tokens must come from the set's own codec:
`python tools/continue_stage.py --export-codec codec.pt` writes it for `audiolm tokenize --codec codec.pt`.

    OMP_NUM_THREADS=2 python tools/continue_stage.py coarse --tokens T.pt --out RUN --minutes 60 --dropout 0.1
"""
from __future__ import annotations
import argparse, json
from pathlib import Path
import torch


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('kind', nargs='?', choices=['coarse', 'fine'])
    p.add_argument('--model', default=None, help='model set to start from (default: the shipped one)')
    p.add_argument('--tokens', help='token cache made with the set\'s codec and tokenizer (`audiolm tokenize`)')
    p.add_argument('--out', help='results folder (resumed when it holds checkpoints)')
    p.add_argument('--minutes', type=float, default=60.)
    p.add_argument('--dropout', type=float, default=0.1)
    p.add_argument('--lr', type=float, default=3e-4)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--seconds', type=float, default=6., help='crop length of the training clips')
    p.add_argument('--threads', type=int, default=None)
    p.add_argument('--export-codec', default=None, help='only write the set\'s codec as a SoundStream checkpoint here')
    a = p.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    from audiolm_nb.pretrained import load_model_set, read_model_set, default_model_set
    from audiolm_nb.loading import build_transformer, describe
    parts = load_model_set(a.model, fast=False)
    if a.export_codec:
        print(parts['codec'].save(a.export_codec)); return
    if not (a.kind and a.tokens and a.out): p.error('give KIND, --tokens and --out (or --export-codec)')
    from audiolm_nb.trainer.transformers import CoarseTransformerTrainer, FineTransformerTrainer
    from audiolm_nb.trainer.tokens import TokenDataset
    meta = read_model_set(a.model or default_model_set(), tensors=False)[0]
    tok = TokenDataset(a.tokens)
    want = dict(codes=describe(parts['codec'], 'codes'), semantic=describe(parts['wav2vec'], 'semantic'))
    for k in ('codes',) + (('semantic',) if a.kind == 'coarse' else ()):
        if tok.meta[k]['fingerprint'] != want[k]['fingerprint']:
            raise SystemExit(f"--tokens: made with another {k} tokenizer than the set's: tokenize with its codec "
                             '(--export-codec) and its k-means')
    cfg = meta['parts'][a.kind]['config'] | dict(attn_dropout=a.dropout, ff_dropout=a.dropout)
    arch = 'parallel' if meta['parts'][a.kind]['cls'] == 'ParallelFineTransformer' else 'autoregressive'
    model = build_transformer(a.kind, cfg, None, arch)
    model.load_state_dict(parts[a.kind].state_dict())
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    record = dict(kind=a.kind, config=cfg, t5=None, tokenizers={k: tok.meta[k] for k in tok.meta if k in want},
                  started_from=str(Path(a.model or default_model_set()).name))
    if a.kind == 'fine': record['arch'] = arch
    else: record['unique_consecutive'] = False
    (out/'model_config.json').write_text(json.dumps(record, indent=1))
    resume = any(out.glob(f'{a.kind}.*.pt'))
    cls, extra = (CoarseTransformerTrainer, dict(unique_consecutive=False)) if a.kind == 'coarse' else (FineTransformerTrainer, {})
    tr = cls(model, tokens=a.tokens, results_folder=out, num_train_steps=10 ** 6, batch_size=a.batch_size,
             data_max_length_seconds=a.seconds, lr=a.lr, warmup_steps=100, max_grad_norm=0.5, valid_frac=0.02,
             valid_every=200, save_results_every=200, save_model_every=100, keep_last_n_checkpoints=3, resume=resume,
             checkpoint_prefix=a.kind, use_ema=True, seed=0, progress=False, **extra)
    tr.train(max_minutes=a.minutes)
    tr.print(f'done: step {tr.step}')
    tr.close()


if __name__ == '__main__':
    main()
