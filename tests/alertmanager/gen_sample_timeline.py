#!/usr/bin/env python3
"""Writes tests/alertmanager/sample_alert_timeline.yaml: the seed's alert rules evaluated over the
ml-platform dataset with `promplay query-range` (each rule's expression with its recording rules
written out, at its group's interval, firing once it held for its `for`).
Usage (from the repository root, after `cargo build --release`): python3 tests/alertmanager/gen_sample_timeline.py"""
import json, os, subprocess, sys
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, 'target', 'release', 'promplay')
OUT = os.path.join(ROOT, 'tests', 'alertmanager', 'sample_alert_timeline.yaml')
START=1767571200
END=START+48*3600
P='sum by (model, version) (rate(model_predictions_total[5m]))'
E='sum by (model, version) (rate(model_prediction_errors_total[5m]))'
R=f'({E} / {P})'
PP='sum(rate(model_predictions_total[5m]))'
PE='sum(rate(model_prediction_errors_total[5m]))'
rules=[
 # name, expr, for(s), interval(s), labels, annotations(template fn)
 ('ModelHighErrorRate', f'{R} > 0.05', 300, 30, {'severity':'warning','component':'model-serving'}, lambda l,v: {'summary':f"High error rate for model {l.get('model','')}", 'description':f"Model {l.get('model','')} has error rate of {v*100:.4g}% (threshold: 5%)"}),
 ('ModelCriticalErrorRate', f'{R} > 0.20', 120, 30, {'severity':'critical','component':'model-serving','page':'true'}, lambda l,v: {'summary':f"CRITICAL: Model {l.get('model','')} failing", 'description':f"Model {l.get('model','')} has error rate of {v*100:.4g}%. Immediate action required!", 'runbook':'https://wiki/runbooks/model-high-errors'}),
 ('ModelHighLatency', 'histogram_quantile(0.95, sum by (le, model) (rate(model_prediction_duration_seconds_bucket[5m]))) > 0.5', 600, 30, {'severity':'warning','component':'model-serving'}, lambda l,v: {'summary':f"High latency for model {l.get('model','')}", 'description':f"Model {l.get('model','')} p95 latency is {v*1000:.4g}ms"}),
 ('ModelLowTraffic', f'({P} / sum by (model, version) (rate(model_predictions_total[5m] offset 1h))) < 0.5 and sum by (model, version) (rate(model_predictions_total[5m] offset 1h)) > 10', 900, 30, {'severity':'warning','component':'model-serving'}, lambda l,v: {'summary':f"Traffic dropped for model {l.get('model','')}", 'description':f"Model {l.get('model','')} traffic is 50% lower than 1 hour ago"}),
 ('ModelNoPredictions', f'{P} == 0', 300, 30, {'severity':'critical','component':'model-serving','page':'true'}, lambda l,v: {'summary':f"Model {l.get('model','')} is not serving predictions", 'description':f"No predictions from model {l.get('model','')} for 5 minutes"}),
 ('ModelLowCacheHitRate', 'sum by (model) (rate(model_cache_hits_total[5m])) / sum by (model) (rate(model_cache_hits_total[5m]) + rate(model_cache_misses_total[5m])) < 0.70', 1800, 30, {'severity':'info','component':'model-serving'}, lambda l,v: {'summary':f"Low cache hit rate for model {l.get('model','')}", 'description':f"Cache hit rate is {v*100:.4g}% (target: >80%)"}),
 ('ModelMemoryLeak', 'deriv(container_memory_usage_bytes{container="model-server"}[1h]) > 100 * 1024 * 1024', 7200, 30, {'severity':'warning','component':'model-serving'}, lambda l,v: {'summary':f"Possible memory leak in model {l.get('model','')}", 'description':f"Memory growing at {v/1e6:.4g}MB/hr"}),
 ('PlatformHighErrorRate', f'{PE} / {PP} > 0.10', 300, 60, {'severity':'critical','component':'platform'}, lambda l,v: {'summary':'ML Platform experiencing high error rate', 'description':f"Platform-wide error rate is {v*100:.4g}%"}),
 ('PlatformTrafficAnomaly', f'abs({PP} - avg_over_time(({PP})[1h:30s])) > (2 * stddev_over_time(({PP})[1h:30s]))', 600, 60, {'severity':'warning','component':'platform'}, lambda l,v: {'summary':'ML Platform traffic anomaly detected', 'description':f"Current traffic {v:.6g} deviates significantly from normal"}),
 ('SLOErrorBudgetBurn', f'(1 - (sum({P}) - sum({E})) / sum({P})) > 0.001', 3600, 60, {'severity':'warning','component':'slo'}, lambda l,v: {'summary':'Burning through error budget', 'description':f"Current error rate {v*100:.4g}% exceeds SLO target (99.9%)"}),
 ('SLOLatencyViolation', 'histogram_quantile(0.95, sum(rate(model_prediction_duration_seconds_bucket[5m])) by (le)) > 0.2', 1800, 60, {'severity':'warning','component':'slo'}, lambda l,v: {'summary':'Latency SLO violation', 'description':f"P95 latency {v*1000:.4g}ms exceeds SLO target (200ms)"}),
]
def fmt(s):
    s=int(s); h,r=divmod(s,3600); m,sec=divmod(r,60)
    out=''
    if h: out+=f'{h}h'
    if m: out+=f'{m}m'
    if sec: out+=f'{sec}s'
    return out or '0s'
entries=[]
for name,expr,forr,iv,labels,ann in rules:
    out=subprocess.run([BIN,'query-range','--dataset','ml-platform','--start',str(START),'--end',str(END),'--step',str(iv),expr],capture_output=True,text=True)
    d=json.loads(out.stdout)
    if d['status']!='success': print(name, d, file=sys.stderr); continue
    for series in d['data']['result']:
        m={k:v for k,v in series['metric'].items() if k!='__name__'}
        pts={int(t):float(v) for t,v in series['values']}
        t=START; active=None; firing=None; val=None
        while t<=END:
            if t in pts:
                if active is None: active=t
                if firing is None and t-active>=forr:
                    firing=t; val=pts[t]
            else:
                if firing is not None:
                    entries.append((name,m,labels,ann,firing,t,val))
                active=None; firing=None
            t+=iv
        if firing is not None:
            entries.append((name,m,labels,ann,firing,None,val))
entries.sort(key=lambda e: (e[4], e[0]))


def flow(d):
    parts = []
    for k, v in d.items():
        if any(c in v for c in ':{}[],#&*!|>\'"%@`') or v in ('true', 'false') or v.strip() != v:
            v = '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'
        parts.append(f'{k}: {v}')
    return '{' + ', '.join(parts) + '}'


HEADER = """# The seed's alert rules (Task 4.1) on the ml-platform dataset: when each alert fires and
# resolves, in offsets from the dataset's start (Monday 2026-01-05 00:00 UTC). Written by
# gen_sample_timeline.py with `promplay query-range`: each rule's expression (its recording
# rules written out) evaluated at its group's interval (30 s for ml_model_alerts, 1 m for the
# platform and SLO groups), firing once it held for the rule's `for`. Labels are the result's
# labels plus the rule's; annotations are expanded with the value when the alert fired.
# Not firing on this data: ModelMemoryLeak (its threshold compares bytes per second, which
# deriv() returns, with 100 MiB "per hour") and PlatformHighErrorRate (the platform's error
# ratio peaks at 5.8 %, under its 10 % threshold).
evaluation_interval: 30s
resend_delay: 1m
alerts:"""
out = [HEADER]
for name, m, labels, ann, f, to, val in entries:
    out.append(f"- labels: {flow({'alertname': name, **labels, **m})}")
    out.append(f"  annotations: {flow(ann(m, val))}")
    out.append(f"  firing: [{fmt(f - START)}" + (f", {fmt(to - START)}]" if to else "]"))
open(OUT, 'w').write('\n'.join(out) + '\n')
print(f'{len(entries)} firings written to {OUT}')
