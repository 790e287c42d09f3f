#!/usr/bin/env python3
"""Differential test of rt-classify's conditions, seeded: random rule sets
over random records of every JSON type (duplicate keys, escapes, NaN from
arithmetic, big numbers, unicode strings, the regex features where PCRE2
and Oniguruma differ), each rule's outcome on each record by three
evaluators:

  fast   rt-classify (the fast path where it applies)
  libjq  rt-classify --no-fast-path
  jq     the jq binary, its error messages typed by this script (values
         replaced by their types, as rt-classify words them: an
         independent implementation of lib/jqmsg.c's rules)

An outcome is "t", "f" or "e:MESSAGE".  A case is one rule on one record;
it disagrees when the three outcomes are not the same.  Prints "N cases,
0 disagreements" (and the first disagreements); exit 1 on any.

usage: diff.py [--seed S] [--runs K] [--rules R] [--records M] [--bin DIR]
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

FIELDS = ['a', 'b', 's', 'n', 'x', 'o', 'k']
PATHS = ['.a', '.b', '.s', '.n', '.x', '.o', '.k', '.o.k', '.o.j', '.x[0]',
         '.x[-1]', '.x[1.5]', '."s"', '.["n"]', '.o["k"]', '.x[1]',
         '.s.abcdefghijklmnopqrstuvwxyz1234', '.s.abcdefghijklmnopqrstuvwxyz1',
         '.x.k', '.']
NUMS = ['0', '1', '-1', '2.5', '1e308', '-1e308', '5000', '3', '0.1',
        '12345678901234567890', '1e-320', '-0']
STRS = ['""', '"a"', '"A"', '"SS"', '"ß"', '"ss"', '"abc"', '"é"',
        '"e\\u0301"', '"K"', '"Ⅻ"', '"\\u0000"', '"x y"', '"12"', '"FR"',
        '"\\n"', '"😀"']
REGEXES = ['ß', 'SS', '\\\\h', '\\\\H', '\\\\v', '\\\\pL', '\\\\p{L}',
           '[[:alpha:]]', '[[:lower:]]', '[[:upper:]]', '^\\\\w+$', '\\\\w',
           '\\\\d', '[0-9]', 'a.b', '^b', 'x*', '(?i)a', 'a|ab', '\\\\s',
           'é', 'e\\u0301', 'K', '(', '[a', 'a{2,}', '^$', '.', '\\\\b',
           '(?<n>a)\\\\k<n>', '\\\\A\\\\z', 'ǆ', '\\\\x{2163}']
FLAGS = ['"i"', '"x"', '"m"', '"s"', '"p"', '"l"', '"n"', '"g"', '"gi"',
         'null', '"q"', '"ix"']
FUNCS0 = ['not', 'length', 'type', 'ascii_downcase', 'ascii_upcase']


def lit(r):
    k = r.randrange(4)
    if k == 0:
        return r.choice(NUMS)
    if k == 1:
        return r.choice(STRS)
    return r.choice(['true', 'false', 'null'])


def func(r):
    k = r.randrange(9)
    if k == 0:
        return r.choice(FUNCS0)
    if k in (1, 2):
        if r.random() < 0.5:
            return 'test("%s")' % r.choice(REGEXES)
        return 'test("%s"; %s)' % (r.choice(REGEXES), r.choice(FLAGS))
    if k == 3:
        return '%s(%s)' % (r.choice(['startswith', 'endswith']),
                           r.choice(STRS + ['1']))
    if k == 4:
        return 'has(%s)' % r.choice(['"k"', '"j"', '0', '1', '-0.5', '1.5',
                                     '"a"', 'null'])
    if k == 5:
        return 'IN(%s)' % ', '.join(lit(r) for _ in range(r.randint(1, 3)))
    if k == 6:
        return r.choice(PATHS[:-1])
    return r.choice(FUNCS0)


def slow_term(r, d):
    """Constructs outside the fast path: libjq on both sides."""
    e = lambda: expr(r, d - 1)
    k = r.randrange(10)
    return ['(%s | tostring)' % e(),
            '(%s | tonumber? // 0)' % e(),
            '(if %s then %s else %s end)' % (e(), e(), e()),
            '([%s] | length)' % e(),
            '(%s | keys? // [] | length)' % e(),
            '([.[]?] | length)',
            '(%s | tojson | length)' % e(),
            '([%s, %s] | sort | .[0])' % (e(), e()),
            '([%s, %s] | min)' % (e(), e()),
            '(.s | test(.k)?)'][k]


def expr(r, d):
    if d <= 0 or r.random() < 0.25:
        return r.choice(PATHS) if r.random() < 0.7 else lit(r)
    k = r.randrange(12)
    e = lambda: expr(r, d - 1)
    if k == 0:
        return '%s %s %s' % (e(), r.choice(['+', '-', '*']), e())
    if k == 1:
        # A literal divisor may be folded by jq's compiler (1 / 0).
        return '%s / %s' % (e(), r.choice(PATHS))
    if k in (2, 3):
        return '%s %s %s' % (e(), r.choice(['==', '!=', '<', '<=', '>', '>=']),
                             e())
    if k == 4:
        return '(%s %s %s)' % (e(), r.choice(['and', 'or']), e())
    if k == 5:
        return '(%s // %s)' % (e(), e())
    if k in (6, 7, 8):
        return '(%s | %s)' % (e(), func(r))
    if k == 9:
        return '-(%s)' % e()
    if k == 10:
        return '(%s * 10 - %s * 10)' % (r.choice(PATHS), r.choice(PATHS))
    return slow_term(r, d)


def jstr(r):
    return r.choice(STRS + ['"SS"', '"ß"', '"a\\nb"', '"ab"', '"٣"', '"K"',
                            '"\\u212a"', '"ǅ"', '"ÉCOLE"', '"a\\u0301"',
                            '"c-1"'])


def value(r, depth=0):
    k = r.randrange(11 if depth == 0 else 7)
    if k == 0:
        return r.choice(['null', 'true', 'false'])
    if k in (1, 2):
        return r.choice(NUMS + ['1e400', '-1e400', '4.0', '1E2', '0.30000000000000004'])
    if k in (3, 4):
        return jstr(r)
    if k == 5:
        return r.choice(['[]', '[1,"a"]', '[1,2,3]', '[null]', '[[1]]'])
    if k == 6:
        return r.choice(['{}', '{"k":1}', '{"k":1,"k":2}', '{"\\u006b":3}'])
    if k == 7:
        return '[%s]' % ','.join(value(r, 1) for _ in range(r.randint(0, 3)))
    keys = [r.choice(['"k"', '"j"', '"\\u006b"', '"a"']) for _ in
            range(r.randint(0, 3))]
    return '{%s}' % ','.join('%s:%s' % (kk, value(r, 1)) for kk in keys)


def record(r, i):
    members = ['"id":%d' % i]
    for f in FIELDS:
        if r.random() < 0.85:
            members.append('"%s":%s' % (f, value(r)))
    if r.random() < 0.15:
        f = r.choice(FIELDS)
        members.append('"%s":%s' % (f, value(r)))   # a duplicate key
    if r.random() < 0.1:
        members.append('"\\u0073":%s' % jstr(r))     # "s", escaped
    r.shuffle(members)
    return '{%s}' % ','.join(members)


# ---- jq's messages, typed (the rules of lib/jqmsg.h) -------------------

KINDS = ['null', 'boolean', 'number', 'string', 'array', 'object']
OWN = 'error(...) raised by the condition'
WHOLE = {'halt_error/1: number required',
         'mktime requires array of 6 numbers',
         'only strings have UTF-8 byte length',
         'strftime/1 requires parsed datetime inputs',
         'strftime/1 requires a string format',
         'strflocaltime/1 requires parsed datetime inputs',
         'strflocaltime/1 requires a string format',
         'strptime/1 requires string inputs and arguments',
         'Invalid string: control characters from U+0000 through U+001F '
         'must be escaped'}


def json_ok(s):
    try:
        json.loads(s)
        return True
    except ValueError:
        return False


def dump_end(s, at, after):
    """Where a value jq dumped at s[at:] ends, followed by after (None:
    the end), or -1."""
    for e in range(at + 1, min(len(s), at + 32) + 1):
        tail_ok = (e == len(s)) if after is None else s.startswith(after, e)
        if tail_ok and json_ok(s[at:e]):
            return e
    # Truncated dumps, by bytes ("..." within 14 to 31 bytes).
    sb = s.encode()
    atb = len(s[:at].encode())
    for eb in range(atb + 14, min(len(sb), atb + 31) + 1):
        if sb[eb - 3:eb] != b'...':
            continue
        rest = sb[eb:]
        if (after is None and not rest) or (after is not None and
                                            rest.startswith(after.encode())):
            return len(sb[:eb].decode(errors='replace'))
    return -1


def typed_words(s, vocab_ok, parser=False):
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isascii() and c.isalpha():
            w = i
            while w < len(s) and s[w].isascii() and s[w].isalpha():
                w += 1
            word = s[i:w]
            if word in KINDS and s.startswith(' (', w):
                e = dump_end(s, w + 2, ')')
                if e > 0:
                    out.append('%s (...)' % word)
                    i = e + 1
                    continue
            if not vocab_ok(word):
                return None
            out.append(word)
            i = w
        elif c in " ,.:;()/-_'!?" or (parser and c in '0123456789[]{}\\'):
            out.append(c)
            i += 1
        else:
            return None
    return ''.join(out)


def dkind(c):
    return {'"': 'string', '[': 'array', '{': 'object', 't': 'boolean',
            'f': 'boolean', 'n': 'null'}.get(c, 'number')


def typed(msg, vocab_ok):
    if msg is None or msg == '':
        return OWN
    if msg in WHOLE:
        return msg
    m = re.fullmatch(r'Cannot index (\w+) with string "(.*)"', msg, re.S)
    if m and m.group(1) in KINDS:
        return 'Cannot index %s with string "..."' % m.group(1)
    for pre in ('Invalid path expression with result ',
                'Invalid path expression near attempt to iterate through '):
        if msg.startswith(pre) and dump_end(msg, len(pre), None) > 0:
            return pre + dkind(msg[len(pre)]) + ' (...)'
    if msg.startswith('Regex failure: '):
        return re.sub(r'<[^>]*>', '<...>', re.sub(r'\{[^}]*\}', '{...}', msg))
    if msg.startswith('date "') and '" does not match format "' in msg:
        return 'date "..." does not match format "..."'
    if msg.endswith(' is not a valid modifier string'):
        return '... is not a valid modifier string'
    p = msg.find(" (while parsing '")
    if p >= 0 and msg.endswith("')"):
        t = typed_words(msg[:p], vocab_ok, True)
        if t is not None:
            return t + " (while parsing '...')"
    t = typed_words(msg, vocab_ok)
    return t if t is not None else OWN


def load_vocab(root):
    text = open(os.path.join(root, 'lib', 'jqmsg.c')).read()
    block = text[text.index('vocab[] = {'):]
    block = block[:block.index('};')]
    words = set(re.findall(r'"([^"]*)"', block))
    return words.__contains__


# ---- the three evaluators ---------------------------------------------

def rt_outcomes(bin_dir, rules, data, extra):
    env = dict(os.environ, RT_CLASSIFY_OUTCOMES='1', LC_ALL='C.UTF-8')
    # No budget: the jq binary has none (a string repeated into 50 MB is
    # over rt-classify's, not a disagreement).
    p = subprocess.run([os.path.join(bin_dir, 'rt-classify'), '--rules', rules,
                        '--label', 'x=1', '--check-fields', '0',
                        '--max-eval-ms', '0', '--max-regex-steps', '0'] + extra +
                       [data], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    if p.returncode not in (0, 1):
        sys.exit('rt-classify %s failed: %s' % (' '.join(extra),
                                                 p.stderr.decode()[:400]))
    out = {}
    for line in p.stdout.decode().splitlines():
        rec = json.loads(line)
        out[rec['id']] = rec['_outcomes']
    return out


def jq_outcomes(conds, data, vocab_ok):
    parts = ['(try (if ([first((%s\n) | select(.))] | length > 0) then "t" '
             'else "f" end) catch ("e:" + (if type == "string" then . else '
             '"\\u0001" end)))' % c for c in conds]
    prog = '{id: .id, o: [%s]}' % ',\n'.join(parts)
    p = subprocess.run(['jq', '-c', prog, data], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit('jq failed: %s' % p.stderr.decode()[:400])
    out = {}
    for line in p.stdout.decode().splitlines():
        rec = json.loads(line)
        o = []
        for x in rec['o']:
            if x.startswith('e:'):
                raw = x[2:]
                x = 'e:' + typed(None if raw == '\x01' else raw, vocab_ok)
            o.append(x)
        out[rec['id']] = o
    return out


def compiles(bin_dir, rules):
    p = subprocess.run([os.path.join(bin_dir, 'rt-classify'), '--rules', rules,
                        '--label', 'x=1'], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode == 0:
        return None
    m = re.search(r":(\d+): rule 'r(\d+)'", p.stderr.decode())
    if not m:
        sys.exit('rules do not load: %s' % p.stderr.decode()[:400])
    return int(m.group(2))


def one_run(args, seed, tmp, vocab_ok):
    r = random.Random(seed)
    conds = [expr(r, r.randint(1, 4)) for _ in range(args.rules)]
    rules = os.path.join(tmp, 'r.rules')
    while True:
        with open(rules, 'w') as f:
            for i, c in enumerate(conds):
                f.write('r%d 1 %s\n' % (i, c))
        bad = compiles(args.bin, rules)
        if bad is None:
            break
        conds[bad] = '.a == 1'      # jq's compiler refused it (folding)
    data = os.path.join(tmp, 'in.ndjson')
    with open(data, 'w') as f:
        for i in range(args.records):
            f.write(record(r, i) + '\n')
    fast = rt_outcomes(args.bin, rules, data, [])
    slow = rt_outcomes(args.bin, rules, data, ['--no-fast-path'])
    jq = jq_outcomes(conds, data, vocab_ok)
    cases, bad = 0, []
    for i in range(args.records):
        if i not in fast or i not in slow:
            bad.append((seed, i, None, 'rejected by rt-classify', '', ''))
            continue
        for j, c in enumerate(conds):
            cases += 1
            a, b, q = fast[i][j], slow[i][j], jq[i][j]
            if not (a == b == q):
                bad.append((seed, i, c, a, b, q))
    return cases, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--runs', type=int, default=1)
    ap.add_argument('--rules', type=int, default=30)
    ap.add_argument('--records', type=int, default=100)
    ap.add_argument('--bin', default=os.environ.get('RT_BIN', 'build/rel/bin'))
    args = ap.parse_args()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    vocab_ok = load_vocab(root)
    total, bad = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.runs):
            n, b = one_run(args, args.seed + k, tmp, vocab_ok)
            total += n
            bad += b
    for seed, i, c, a, b, q in bad[:10]:
        print('seed %d record %d: %s\n  fast %s\n  libjq %s\n  jq %s' %
              (seed, i, c, a, b, q))
    print('%d cases, %d disagreements' % (total, len(bad)))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
