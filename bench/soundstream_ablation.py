#!/usr/bin/env python
"""Fixed-step ablations of SoundStream training (what makes it learn within CPU minutes).

Trains the issue-5 model (SoundStream(codebook_size=1024, rq_num_quantizers=8, channels=16, attn_window_size=128,
attn_depth=1)) with SoundStreamTrainer on the Asterisk train split (batch 4 x 1 s, no adversarial losses) for
STEPS steps, scoring the first NEVAL held-out clips of at least 1 s (each cut to 4 s) at the steps in EVALS.
Settings come from environment variables, so runs can be launched side by side with one thread each:

  STEPS=900 EVALS=300,600,900   steps, and when to score
  SNAKE=1 / unset               activation='snake' / 'elu'
  WN=1 / unset                  weight_norm=True / False
  LR=1e-3 WARM=50 CLIP=1        optimiser settings (LR: AdamW's rate)
  MUON_LR=0.02 / OPT=adam       Muon's rate for the convolution filters (the trainer's default) / AdamW only
  MUON_LINEAR=1                 Muon for the attention projections too (matrices of linear layers)
  CFG='{"quantize_dropout": false}'   more SoundStream arguments (JSON)
  NOQ=1                         diagnostic: bypass the quantizer (the decoder sees the encoder output)
  SPEC=dac [LINW=0]             diagnostic: L1 on log10 mel per window instead of the default spectral loss
  LINMULT=10 ASYM=4 EPS=1e-3    default spectral loss with its linear-magnitude L1 term scaled, the log term's
                                squared error scaled where the reconstruction is louder, another log floor
  ADV=100                       adversarial + feature losses from this step (default: never)
  COMP=3e4 COMP_ALPHA=0.3 COMP_C=0.3   weight, complex weight and power of the power-law compressed STFT loss
                                (the defaults; COMP=0 turns it off, as in the runs recorded before it existed)
  THREADS=1 TAG=name NEVAL=12

Prints one JSON line (tag, settings, and per evaluation: step, wall and CPU seconds, mel distance, SI-SNR,
PESQ-WB, STOI, and the output/input standard deviation of one clip). Results: bench/results/ablation_*.json.

    STEPS=900 EVALS=300,600,900 SNAKE=1 WN=1 TAG=snake_wn OMP_NUM_THREADS=1 python bench/soundstream_ablation.py
"""
import os, sys, json, math, time, warnings
import torch, torch.nn as nn, torch.nn.functional as F
E = os.environ.get
torch.set_num_threads(int(E('THREADS', '1')))
os.environ['TQDM_DISABLE'] = '1'
from audiolm_nb.corpora import build_speech_corpus, train_valid_split
from audiolm_nb.codec.soundstream import SoundStream
from audiolm_nb.codec.metrics import evaluate_codec
from audiolm_nb.codec import losses as L
from audiolm_nb.trainer.soundstream import SoundStreamTrainer
import soundfile as sf
from soundstream_quality import train_split_folder   # bench/ is on sys.path: this script's folder
from pathlib import Path; import tempfile

if E('SPEC') == 'dac':
    def fwd(self, orig, recon):
        both, total = torch.cat([orig, recon]), 0.
        for s in self.windows:
            m_x, m_y = self.mel(both, s).chunk(2)
            total = total + (m_x.clamp(min=1e-5).log10() - m_y.clamp(min=1e-5).log10()).abs().mean() + float(E('LINW','0'))*F.l1_loss(m_y, m_x)
        return total / len(self.windows)
    L.MultiScaleSpectralLoss.forward = fwd

if E('LINMULT') or E('ASYM') or E('EPS'):
    lin_mult, asym, eps = float(E('LINMULT', '1')), float(E('ASYM', '1')), float(E('EPS', '1e-2'))
    def fwd_variant(self, orig, recon):
        both, total = torch.cat([orig, recon]), 0.
        for s in self.windows:
            m_x, m_y = self.mel(both, s).chunk(2)
            log_diff = (m_y + eps).log() - (m_x + eps).log()
            sq = log_diff.square() * torch.where(log_diff > 0, asym, 1.)
            total = total + lin_mult * F.l1_loss(m_y, m_x) + math.sqrt(s / 2) * sq.mean()
        return total / len(self.windows)
    L.MultiScaleSpectralLoss.forward = fwd_variant

if E('MUON_LINEAR'):
    from audiolm_nb.trainer import muon as MU
    _groups = MU.muon_param_groups
    def groups_with_linear(params, lr, muon_lr, wd=0.):
        gs = _groups(params, lr, muon_lr, wd)
        lin = [p for g in gs if not g.get('muon') for p in g['params'] if p.ndim == 2 and min(p.shape) > 1]
        for g in gs:
            if g.get('muon'): g['params'] = g['params'] + lin
            else: g['params'] = [p for p in g['params'] if not any(p is q for q in lin)]
        return [g for g in gs if g['params']]
    MU.muon_param_groups = groups_with_linear

if E('NOQ'):
    from audiolm_nb.codec import quantize as QZ
    def qf(self, x):
        return QZ.QuantizeOutput(x, torch.zeros(x.shape[0], x.shape[1], 8, dtype=torch.long), x.new_zeros(()))
    QZ.Quantizer.forward = qf

corpus = build_speech_corpus()
tr, va = train_valid_split(sorted((corpus/'wavs').glob('*.wav')), valid_frac=0.1, seed=0)
ev = [f for f in va if sf.info(f).duration >= 1.0][:int(E('NEVAL', '12'))]
tmp = Path(tempfile.mkdtemp(prefix='exp_')); folder = train_split_folder(tr, tmp/'train')
torch.manual_seed(0)
cfg = dict(codebook_size=1024, rq_num_quantizers=8, channels=16, attn_window_size=128, attn_depth=1, target_sample_hz=16000)
cfg |= json.loads(E('CFG', '{}'))
if E('COMP'): cfg['compressed_spectral_loss_weight'] = float(E('COMP'))
if E('COMP_ALPHA') or E('COMP_C'):
    cfg['losses_kwargs'] = dict(compressed_spectral_complex_weight=float(E('COMP_ALPHA', '0.3')), compressed_spectral_power=float(E('COMP_C', '0.3')))
cfg |= dict(activation='snake' if E('SNAKE') else 'elu', weight_norm=bool(E('WN')))
model = SoundStream(**cfg)
trainer = SoundStreamTrainer(model, folder=folder, batch_size=4, data_max_length_seconds=1, num_train_steps=10**7,
    lr=float(E('LR', '1e-3')), muon_lr=None if E('OPT') == 'adam' else float(E('MUON_LR', '0.02')), warmup_steps=int(E('WARM', '50')), max_grad_norm=float(E('CLIP', '1')), adversarial_start_step=int(E('ADV', str(10**7))),
    valid_frac=0., use_ema=False, progress=False, print_every=None, save_results_every=0, save_model_every=0, seed=0,
    results_folder=tmp/'results', force_clear_prev_results=True)
steps = int(E('STEPS', '300')); t0 = time.perf_counter(); c0 = time.process_time()
evals = [int(s) for s in E('EVALS', str(steps)).split(',')]
res = []
with warnings.catch_warnings():
    warnings.filterwarnings('ignore', message='.*k-means init received.*')
    while trainer.step < steps:
        logs = trainer.train_step()
        if trainer.step % 50 == 0: print(E('TAG'), trainer.step, {k: round(float(v), 3) for k, v in logs.items() if k in ('recon', 'spec', 'commit')}, f'{time.perf_counter()-t0:.0f}s', file=sys.stderr, flush=True)
        if trainer.step in evals:
            m = evaluate_codec(model, ev); m = {k: round(v, 3) for k, v in m.items() if k in ('mel_distance', 'si_snr', 'pesq_wb', 'stoi')}
            w0 = __import__('audiolm_nb.data', fromlist=['load_audio']).load_audio(ev[2], target_sample_hz=16000)[:64000]
            model.eval()
            with torch.no_grad(): y = model(w0[None], return_recons_only=True).reshape(-1)
            model.train()
            m['out_mean'], m['out_std'], m['in_std'] = round(float(y.mean()), 4), round(float(y.std()), 4), round(float(w0.std()), 4)
            res.append(dict(step=trainer.step, wall=round(time.perf_counter()-t0), cpu=round(time.process_time()-c0), **m))
            print(E('TAG'), res[-1], file=sys.stderr, flush=True)
print(json.dumps(dict(tag=E('TAG'), env={k: v for k, v in os.environ.items() if k in ('LR','WN','SNAKE','NOQ','SPEC','STEPS','CFG','LINW','WARM','CLIP','ADV','OPT','MUON_LR','MUON_LINEAR','LINMULT','ASYM','EPS','COMP','COMP_ALPHA','COMP_C')}, res=res)))
