#!/usr/bin/env python
"""How good is a SoundStream after a fixed CPU budget? Train, then score held-out speech.

Model (issue 5): SoundStream(codebook_size=1024, rq_num_quantizers=8, channels=16, attn_window_size=128,
attn_depth=1, target_sample_hz=16000), trained with SoundStreamTrainer(folder=<Asterisk train split>,
batch_size=4, data_max_length_seconds=1) for a time budget (`--minutes`, wall clock by default; `--budget
cpu` counts this process's CPU time instead, which is fairer on a shared machine). The trainer has no
time-based stop, so this script calls `trainer.train_step()` in a loop (and logs each step to the trainer's
metrics.csv) until the budget is spent.

Evaluation: the Asterisk corpus (568 real prompts, one voice, 16 kHz; built offline from apt packages by
`audiolm_nb.corpora.build_speech_corpus`) is split 90/10 with `train_valid_split(seed=0)`; each held-out
clip (first <= 4 s) is reconstructed with `codec(wave, return_recons_only=True)` in eval mode and scored
with `audiolm_nb.codec.metrics.evaluate_codec`: mean multi-scale mel distance, SI-SNR, PESQ-WB, STOI —
before training (untrained model) and after.

Prints one JSON object: settings, steps, minutes (wall), CPU seconds, steps per minute, load average before
/ after, the last training losses, metrics before / after, and whether the target (STOI >= 0.75 and
PESQ-WB >= 1.5 after 20 minutes on an idle 2-core machine) was met.

    OMP_NUM_THREADS=2 python bench/soundstream_quality.py --minutes 20 [--out bench/soundstream_quality.json]

On a machine busy with other work use `--threads 1`: with 2 threads on an oversubscribed 2-core machine a
step took ~10x longer (the threads wait on each other), measured.
"""
import argparse, inspect, json, math, os, platform, sys, tempfile, time, warnings
from pathlib import Path

os.environ.setdefault('TQDM_DISABLE', '1')
import torch

CONFIG = dict(codebook_size=1024, rq_num_quantizers=8, channels=16, attn_window_size=128, attn_depth=1,
              target_sample_hz=16000)
TARGET = dict(stoi=0.75, pesq_wb=1.5)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a = p.add_argument
    a('--minutes', type=float, default=20., help='training budget in minutes')
    a('--budget', choices=['wall', 'cpu'], default='wall',
      help="'wall': wall-clock minutes; 'cpu': this process's CPU minutes (threads summed)")
    a('--threads', type=int, default=None, help='torch threads (default: OMP_NUM_THREADS or all cores)')
    # training settings: left unset, SoundStreamTrainer's own defaults are used (the point: out of the box)
    a('--lr', type=float, default=None)
    a('--muon-lr', type=float, default=None, help="Muon's rate for the convolution filters (0: AdamW only)")
    a('--warmup-steps', type=int, default=None)
    a('--max-grad-norm', type=float, default=None)
    a('--adversarial-start-step', type=int, default=None,
      help='generator starts using adversarial + feature losses here (discriminator starts warmup-steps before)')
    a('--discr-lr', type=float, default=None)
    a('--apply-grad-penalty-every', type=int, default=None)
    a('--recon-loss-weight', type=float, default=None, help='wave L1 weight (default: the codec default, 1)')
    a('--multi-spectral-recon-loss-weight', type=float, default=None, help='multi-scale mel weight (codec default 1)')
    a('--model-config', default=None, help='JSON object of SoundStream arguments overriding the issue-5 config')
    a('--batch-size', type=int, default=4)
    a('--seconds', type=float, default=1., help='training crop length (data_max_length_seconds)')
    a('--eval-seconds', type=float, default=4., help='held-out clips are cut to this length')
    a('--eval-clips', type=int, default=None, help='score only the first N held-out clips (default: all 57)')
    a('--skip-before', action='store_true', help='do not score the untrained model')
    a('--seed', type=int, default=0)
    a('--print-every', type=int, default=25, help='print losses to stderr every N steps (0: never)')
    a('--results-folder', default=None, help="keep the trainer's metrics.csv here (default: a temporary folder)")
    a('--out', default=None, help='also write the JSON here')
    a('--eval-every-minutes', type=float, default=None,
      help='also score the held-out clips every M minutes of training (a learning curve; scoring time is not counted)')
    a('--save', default=None, help='also save the trained model here (SoundStream.save)')
    a('--skip-bf16', action='store_true', help="do not also score the model's for_cpu_inference() (bf16) copy")
    return p.parse_args(argv)


def train_split_folder(files, dest: Path) -> Path:
    "A folder of symlinks to `files` (SoundStreamTrainer takes folder=)"
    dest.mkdir(parents=True, exist_ok=True)
    for f in files: (dest/f.name).symlink_to(f.resolve())
    return dest


def mean_last(rows: list, n: int = 20) -> dict:
    keys = {k for r in rows[-n:] for k in r}
    return {k: round(sum(float(r[k]) for r in rows[-n:] if k in r) / max(1, sum(k in r for r in rows[-n:])), 4)
            for k in sorted(keys)}


def main(argv=None):
    args = parse_args(argv)
    threads = args.threads or int(os.environ.get('OMP_NUM_THREADS', 0)) or os.cpu_count()
    torch.set_num_threads(threads)
    from audiolm_nb.corpora import build_speech_corpus, train_valid_split
    from audiolm_nb.codec.soundstream import SoundStream
    from audiolm_nb.codec.metrics import evaluate_codec
    from audiolm_nb.trainer.soundstream import SoundStreamTrainer

    corpus = build_speech_corpus()
    train_files, valid_files = train_valid_split(sorted((corpus/'wavs').glob('*.wav')), valid_frac=0.1, seed=0)
    eval_files = valid_files[:args.eval_clips] if args.eval_clips else valid_files
    tmp = Path(tempfile.mkdtemp(prefix='ss_quality_'))
    folder = train_split_folder(train_files, tmp/'train')

    torch.manual_seed(args.seed)
    loss_w = {k: v for k, v in dict(recon_loss_weight=args.recon_loss_weight,
                                    multi_spectral_recon_loss_weight=args.multi_spectral_recon_loss_weight).items()
              if v is not None}
    cfg = CONFIG | loss_w | (json.loads(args.model_config) if args.model_config else {})
    model = SoundStream(**cfg)
    log = lambda *a: print(*a, file=sys.stderr, flush=True)
    t = time.perf_counter()
    before = None if args.skip_before else evaluate_codec(model, eval_files, max_seconds=args.eval_seconds)
    log(f'untrained: {before} ({time.perf_counter() - t:.0f} s)')

    given = dict(lr=args.lr, muon_lr=args.muon_lr, warmup_steps=args.warmup_steps, max_grad_norm=args.max_grad_norm,
                 discr_max_grad_norm=args.max_grad_norm, discr_lr=args.discr_lr,
                 adversarial_start_step=args.adversarial_start_step, apply_grad_penalty_every=args.apply_grad_penalty_every)
    trainer = SoundStreamTrainer(
        model, folder=folder, batch_size=args.batch_size, data_max_length_seconds=args.seconds,
        num_train_steps=10_000_000, valid_frac=0., use_ema=False, progress=False,
        print_every=None, save_results_every=0, save_model_every=0, seed=args.seed,
        results_folder=args.results_folder or tmp/'results', force_clear_prev_results=True,
        **{k: v for k, v in given.items() if v is not None})
    defaults = {k: p.default for k, p in inspect.signature(SoundStreamTrainer.__init__).parameters.items()}
    settings = {k: defaults.get(k) if v is None else v for k, v in given.items()}

    load_before = os.getloadavg()
    budget_s = args.minutes * 60
    clock = time.perf_counter if args.budget == 'wall' else time.process_time
    w0, c0, start, rows = time.perf_counter(), time.process_time(), clock(), []
    curve, paused_wall, paused_cpu, paused = [], 0., 0., 0.   # intermediate scores; time spent scoring
    next_eval = args.eval_every_minutes * 60 if args.eval_every_minutes else math.inf
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*k-means init received.*')
        while clock() - start - paused < budget_s:
            if clock() - start - paused >= next_eval:
                tw, tc, tk = time.perf_counter(), time.process_time(), clock()
                m = evaluate_codec(model, eval_files, max_seconds=args.eval_seconds)
                curve.append(dict(minutes=round(next_eval / 60, 2), steps=trainer.step, **{k: round(v, 4) if isinstance(v, float) else v for k, v in m.items()}))
                log(f'at {next_eval / 60:.0f} min, step {trainer.step}: {curve[-1]}')
                next_eval += args.eval_every_minutes * 60
                paused_wall += time.perf_counter() - tw; paused_cpu += time.process_time() - tc; paused += clock() - tk
            logs = trainer.train_step()
            trainer.log(logs, trainer.step)
            rows.append({k: float(v) for k, v in logs.items()})
            if args.print_every and trainer.step % args.print_every == 0:
                log(f'step {trainer.step} ({(time.perf_counter() - w0) / 60:.1f} min): '
                    + ' | '.join(f'{k} {v:.3g}' for k, v in rows[-1].items() if not k.startswith(('lr_', 'muon_lr_', 'grad_norm'))))
    wall, cpu = time.perf_counter() - w0 - paused_wall, time.process_time() - c0 - paused_cpu
    load_after = os.getloadavg()

    t = time.perf_counter()
    after = evaluate_codec(model, eval_files, max_seconds=args.eval_seconds)
    log(f'trained: {after} ({time.perf_counter() - t:.0f} s)')
    after_bf16 = None if args.skip_bf16 else evaluate_codec(model.for_cpu_inference('bf16'), eval_files, max_seconds=args.eval_seconds)
    if after_bf16: log(f'trained, for_cpu_inference (bf16) copy: {after_bf16}')
    if args.save: model.save(args.save)
    rnd = lambda d: d and {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}
    out = dict(
        benchmark='soundstream_quality', model=cfg,
        settings=dict(**settings, trainer_defaults=[k for k, v in given.items() if v is None], batch_size=args.batch_size,
                      data_max_length_seconds=args.seconds, seed=args.seed, budget=args.budget, threads=threads),
        data=dict(corpus='asterisk (build_speech_corpus)', n_train=len(train_files), n_eval=len(eval_files),
                  eval_max_seconds=args.eval_seconds),
        steps=trainer.step, minutes=round(wall / 60, 2), cpu_minutes=round(cpu / 60, 2),
        steps_per_minute=round(trainer.step / (wall / 60), 2), cpu_seconds_per_step=round(cpu / max(1, trainer.step), 3),
        loadavg_before=[round(x, 2) for x in load_before], loadavg_after=[round(x, 2) for x in load_after],
        cpu_count=os.cpu_count(), torch=torch.__version__, python=platform.python_version(),
        last_losses=mean_last(rows), metrics_before=rnd(before), metrics_after=rnd(after),
        metrics_after_bf16_inference=rnd(after_bf16), learning_curve=curve or None,
        target=TARGET, target_met=bool(after['stoi'] >= TARGET['stoi'] and after['pesq_wb'] >= TARGET['pesq_wb']))
    s = json.dumps(out, indent=1)
    print(s)
    if args.out: Path(args.out).write_text(s + '\n')
    return out


if __name__ == '__main__':
    main()
