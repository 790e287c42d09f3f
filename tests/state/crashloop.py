#!/usr/bin/env python3
"""crashloop.py - rt-window and rt-alert killed with SIGKILL at random
moments, mostly while they save their --state, over and over (rtpipe(7),
STATE FILES; issue 14).

usage: crashloop.py BIN_DIR WORK_DIR [KILLS [SEED]]

A seeded input (many keys, so that the state is megabytes and a save takes
a while) is cut into chunks.  A clean run over the chunks in turn, with
one state file, gives each chunk's expected output O[i] and the state after
it S[i]; together they must equal one run over the whole input.  Then the
chunks are run again, each run killed after a random delay (drawn mostly
from the moments the clean runs spent saving), until KILLS kills (half per
tool).  After every run:

  - a killed run left the state as it was (S[i-1]) or as it should be
    (S[i]), byte for byte: never torn;
  - a killed run whose state is S[i] wrote all of O[i] (output is flushed
    before the state is saved); any other wrote a prefix of O[i], and the
    chunk is run again from S[i-1];
  - a run that ended by itself exited as the clean one did, wrote O[i],
    left S[i], and no temporary file of the state remains (the next run
    after a kill removes the killed run's);

and at the end the outputs of the runs that counted equal one run over the
whole input.  Prints the kills, how many came during a save (a temporary
file was left), the runs that completed, and the failures."""
import os
import random
import subprocess
import sys
import time

def gen(tool, n, seed):
    rnd = random.Random(seed)
    t = 1709294400.0
    out = []
    for i in range(n):
        t += rnd.expovariate(1 / 30)
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % rnd.randrange(1000)
        k = "c%d" % rnd.randrange(4000 if tool == "rt-window" else 30000)
        amount = "%.2f" % rnd.uniform(1, 900)
        if tool == "rt-window":
            out.append('{"card":"%s","ts":"%s","amount":%s,"country":"%s"}' %
                       (k, ts, amount, rnd.choice(["FR", "DE", "ES", "IT"])))
        else:
            cls = rnd.choice(["ok", "review", "fraud"])
            out.append('{"id":%d,"card_id":"%s","ts":"%s","amount":%s,"_score":%d,"_class":"%s"}' %
                       (i, k, ts, amount, rnd.randrange(100), cls))
    return out


CONFIGS = {
    "rt-window": ("-k card --sliding 1h --sliding 30d -a count -a sum:amount -a max:amount "
                  "-a distinct:country -a prev:amount", 24000, 12),
    "rt-alert": ("--time ts -k card_id --suppress 30d --max-delay 10m --max-keys 15000", 60000, 12),
}


def tmps(d):
    return sorted(f for f in os.listdir(d) if f.startswith("st.tmp."))


def clean_run(cmd, d):
    """Run cmd to its end; (status, output, seconds, seconds its temporary
    file was seen: the save)."""
    t0 = time.monotonic()
    with open(d + "/out", "wb") as out:
        p = subprocess.Popen(cmd, cwd=d, stdout=out, stderr=subprocess.DEVNULL)
        seen, gone = None, None
        name = os.path.join(d, "st.tmp.%d" % p.pid)
        while p.poll() is None:
            there = os.path.exists(name)
            if seen is None and there:
                seen = time.monotonic()
            if seen is not None and gone is None and not there:
                gone = time.monotonic()
            time.sleep(0.0002)
    end = time.monotonic()
    save = (gone or end) - seen if seen is not None else 0.001
    return p.returncode, open(d + "/out", "rb").read(), end - t0, save


class Loop:
    def __init__(self, tool, bindir, work, rnd):
        self.tool, self.rnd = tool, rnd
        self.d = os.path.join(work, tool)
        os.makedirs(self.d, exist_ok=True)
        spec, n, nchunks = CONFIGS[tool]
        self.args = [os.path.join(bindir, tool)] + spec.split()
        lines = gen(tool, n, rnd.randrange(1 << 30))
        step = (len(lines) + nchunks - 1) // nchunks
        self.chunks = []
        for i in range(nchunks):
            path = "chunk%02d" % i
            open(os.path.join(self.d, path), "w").write(
                "".join(x + "\n" for x in lines[i * step:(i + 1) * step]))
            self.chunks.append([path])
        if tool == "rt-alert":
            self.chunks.append(["--flush", "/dev/null"])	# what is held
        open(os.path.join(self.d, "all"), "w").write("".join(x + "\n" for x in lines))
        self.failures = []
        self.kills = self.in_save = self.completed = 0

    def fail(self, what):
        self.failures.append(what)
        print("FAIL %s: %s" % (self.tool, what))

    def reference(self):
        """O[i], S[i], and where each clean run saved."""
        d = self.d
        for f in ("st", "st.lock"):
            if os.path.exists(os.path.join(d, f)):
                os.remove(os.path.join(d, f))
        self.out, self.state, self.rc, self.timing = [], [None], [], []
        for c in self.chunks:
            rc, out, secs, seen = clean_run(self.args + ["--state", "st"] + c, d)
            self.rc.append(rc)
            self.out.append(out)
            self.state.append(open(os.path.join(d, "st"), "rb").read())
            self.timing.append((secs, seen))
        whole = subprocess.run(self.args + ["all"], cwd=d, capture_output=True).stdout
        if b"".join(self.out) != whole:
            self.fail("the clean chunked runs differ from one run")
        self.whole = whole

    def put_state(self, i):
        path = os.path.join(self.d, "st")
        if self.state[i] is None:
            if os.path.exists(path):
                os.remove(path)
        else:
            open(path + ".new", "wb").write(self.state[i])
            os.rename(path + ".new", path)

    def wait_kill(self, p, i):
        """Most kills come while the run saves: once its temporary file
        is there, within the time a save took; the others at any time."""
        secs, save = self.timing[i]
        if self.rnd.random() < 0.35:
            time.sleep(self.rnd.uniform(0, secs * 1.05))
            return
        name = os.path.join(self.d, "st.tmp.%d" % p.pid)
        while p.poll() is None and not os.path.exists(name):
            time.sleep(0.0002)
        time.sleep(self.rnd.uniform(0, save * 1.2))

    def attempt(self, i):
        """Run chunk i from S[i]; True when the chunk is done."""
        d = self.d
        with open(d + "/out", "wb") as out:
            err = open(d + "/err", "wb")
            p = subprocess.Popen(self.args + ["--state", "st"] + self.chunks[i], cwd=d,
                                 stdout=out, stderr=err)
            err.close()
            self.wait_kill(p, i)
            killed = p.poll() is None
            if killed:
                p.kill()
            p.wait()
        out = open(d + "/out", "rb").read()
        st = open(d + "/st", "rb").read() if os.path.exists(d + "/st") else None
        if not killed:
            self.completed += 1
            if p.returncode != self.rc[i] or out != self.out[i] or st != self.state[i + 1]:
                self.fail("chunk %d ran to its end (status %d) but its output or state "
                          "differ: %s" % (i, p.returncode, open(d + "/err").read()[:500]))
                self.put_state(i)
                return False
            if tmps(d):
                self.fail("temporary files remain after a run: %s" % tmps(d))
            return True
        self.kills += 1
        left = "st.tmp.%d" % p.pid
        if left in tmps(d):
            self.in_save += 1
        if st == self.state[i + 1]:
            if out != self.out[i]:
                self.fail("chunk %d: the new state was saved before all output" % i)
            return True
        if st != self.state[i]:
            keep = "%s/torn%d" % (self.d, len(self.failures))
            if st is not None:
                open(keep, "wb").write(st)
            self.fail("chunk %d: killed, the state is neither the old one nor the new one "
                      "(%s bytes, kept as %s; old %s, new %s)" %
                      (i, len(st) if st is not None else "no", keep,
                       len(self.state[i] or b""), len(self.state[i + 1])))
            self.put_state(i)
        if not self.out[i].startswith(out):
            self.fail("chunk %d: killed, its output is not a prefix of the output" % i)
        return False

    def run(self, kills):
        got = []
        while self.kills < kills and len(self.failures) < 5:
            self.put_state(0)
            got = []
            for i in range(len(self.chunks)):
                while not self.attempt(i):
                    if len(self.failures) >= 5:
                        return
                got.append(self.out[i])
            if b"".join(got) != self.whole:
                self.fail("the chunked runs differ from one run")


def main(argv):
    bindir, work = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    kills = int(argv[3]) if len(argv) > 3 else 200
    seed = int(argv[4]) if len(argv) > 4 else 14
    rnd = random.Random(seed)
    bad = 0
    t0 = time.monotonic()
    for tool in ("rt-window", "rt-alert"):
        lp = Loop(tool, bindir, work, rnd)
        lp.reference()
        size = len(lp.state[-2] or b"")
        lp.run((kills + 1) // 2)
        print("crashloop: %s: %d kills (%d during a save), %d runs to the end, "
              "state %d KiB, %d failures" % (tool, lp.kills, lp.in_save, lp.completed,
                                            size // 1024, len(lp.failures)))
        bad += len(lp.failures)
        if lp.kills and lp.in_save == 0:
            print("FAIL %s: no kill came during a save" % tool)
            bad += 1
    print("crashloop: %.1f s, %d failures" % (time.monotonic() - t0, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
