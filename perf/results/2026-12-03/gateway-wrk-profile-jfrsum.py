import sys, re, collections
# usage: jfr print --events jdk.ExecutionSample --stack-depth 40 F.jfr | python3 jfrsum.py
text = sys.stdin.read()
events = text.split("jdk.ExecutionSample {")[1:]
self_c = collections.Counter(); incl = collections.Counter(); threads = collections.Counter()
thread_self = collections.defaultdict(collections.Counter)
pkg_incl = collections.Counter()
n = 0
for e in events:
    m = re.search(r'sampledThread = "([^"]*)"', e)
    t = re.sub(r'\d+', 'N', m.group(1)) if m else '?'
    frames = re.findall(r'^\s+([\w$.<>/]+)\(.*?line:', e, re.M)
    if not frames: continue
    n += 1
    threads[t] += 1
    top = frames[0]
    self_c[top] += 1
    thread_self[t][top] += 1
    for f in set(frames):
        incl[f] += 1
print("samples", n)
print("\n== by thread"); [print(f"{c:6d} {100*c/n:5.1f}% {t}") for t, c in threads.most_common(12)]
print("\n== top self frames"); [print(f"{c:6d} {100*c/n:5.1f}% {f}") for f, c in self_c.most_common(int(sys.argv[1]) if len(sys.argv) > 1 else 30)]
print("\n== top inclusive (pitgun/netty/chronicle)")
k = 0
for f, c in incl.most_common(400):
    if any(s in f for s in ("pitgun", "netty.handler", "chronicle", "agrona", "lmax", "HdrHistogram")):
        print(f"{c:6d} {100*c/n:5.1f}% {f}"); k += 1
        if k >= 45: break
for t, cnt in threads.most_common(4):
    print(f"\n== self frames in thread {t} ({cnt})")
    for f, c in thread_self[t].most_common(15):
        print(f"{c:6d} {100*c/cnt:5.1f}% {f}")
