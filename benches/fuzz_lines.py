#!/usr/bin/env python3
"""Hostile input lines for netrepl, for benches/fuzz.sh (run by hand only).

    fuzz_lines.py COUNT [SEED]     writes COUNT lines to stdout

Mutations of valid lines, deep nesting, long chains, huge numbers in size
computations, odd characters and values grown one line at a time. Every
line is valid UTF-8 (netrepl stops reading a script at the first that is
not, which would end a batch early and test nothing).

Network rule: lines come from local commands and Python only; any line that
mentions a command that resolves names, sends packets, starts servers or
changes the machine (as a substring, so mutations cannot spell one) is
dropped. fuzz.sh runs them inside the sandbox even so.
"""

import random
import sys

# Substrings of every command that may reach the network or change the
# machine, the lessons' commands (they write progress) and socket creation.
FORBIDDEN = [
    "getaddrinfo", "getnameinfo", "gethostby", "getfqdn", "gethostname",
    "get_ip", "create_connection", "create_server", "map_network", "ping", "traceroute",
    "serve", "socket(", "socketpair", "lab", "lesson", "next", "back",
    "hint", "check", "reset", "connect", "sendto", "bind", "listen",
    "tutorial", ":timeout", "dig",
]

SEEDS = [
    "inet_aton 127.0.0.1", "inet_aton('10.0.0.1')", "inet_ntoa(b'\\x7f\\x00\\x00\\x01')",
    "inet_pton AF_INET6 ::1", "inet_ntop(AF_INET, b'\\x01\\x02\\x03\\x04')",
    "htons 80", "ntohl(1)", "htonl 4294967295", "getservbyname http",
    "getservbyport 443", "getprotobyname tcp", "hexdump b'abc'", "constants AF_",
    "ipinfo 10.0.0.0/8", "ipinfo 127.0.0.1", "interfaces", "ports", "servers",
    "sockets", "AF_INET | SOCK_STREAM", "AI_PASSIVE|AI_CANONNAME",
    "x = 1", "x + 1", "s = 'hello'", "s.upper()", "s.split('l')", "'-'.join(['a', 'b'])",
    "b'a,b'.split(b',')", "'{}://{}'.format('http', 'x')", "'abc'[::-1]", "b'xyz'[1:]",
    "len([1, 2, 3])", "repr(b'\\x00')", "str(b'ab', 'latin-1')", "bytes(4)",
    "int('ff', 16)", "hex(255)", "list(b'ab')", "tuple('ab')", "print(1, 2, sep='-')",
    "2**64 // 3", "10 / 4", "-7 % 3", "1 << 8", "(1, 2) + (3,)", "[0] * 4", "'ab' * 3",
    "a, b = 1, 2", "_", ":vars", ":format json", ":format python", "help", "htons?",
    "import socket", "'é'.encode()", "b'\\xff'.decode('utf-8', 'replace')",
    "'a' in 'abc'", "80 not in [22, 443]", "1 == 1.0", "None", "True + True",
]

ODD = ["\x00", "\x01", "\x1b[31m", "\t", "\u200b", "\u202e", "\ufeff", "é", "ß", "\U0001f600",
       "\\", "\\x", "\\N{", "'", '"', "b'", "r'", "#", ";", ":", "?", "=", "==", "|", "**",
       "<<", ">>", "(", ")", "[", "]", ",", ".", "_", " ", "0x", "0b", "1e309", "9" * 40]

HUGE = ["2**62", "2**63", "2**63-1", "2**64", "2**64-1", "-2**64", "18446744073709551615",
        "2**127-1", "170141183460469231731687303715884105727", "10**10**10", "2**31",
        "2**32", "10**8", "67108864", "-1", "0", "2**16", "2**65535"]

SIZE_SHAPES = [
    "1 << {}", "-1 << {}", "1 >> {}", "2 ** {}", "{} ** 2", "{} * {}", "'ab' * {}",
    "{} * 'x'", "b'xy' * {}", "[1, 'a'] * {}", "(0,) * {}", "[] * {}",
    "['a'*10**6] * {}", "[b'x'*2**20] * {}", "bytes({})", "str({})", "hex({})",
    "'x'.ljust({})", "'{{:>{}}}'.format(1)", "'x' * ({} % 2**27)",
    "('a' * ({} % 2**22)).replace('a', 'abc')", "'-'.join(['ab'] * ({} % 2**24))",
    "(b',' * ({} % 2**25)).split(b',')", "list('a' * ({} % 2**25))", "b'x'[{}:]",
    "'x'[{}]", "int('9' * ({} % 100000))", "'{{}}' * ({} % 2**24)", "'abc'[1::{}]",
    "b'abc'[{}::-{}]", "'abc'.find('', {})", "b'abc'.startswith(b'', {})", "[1, 2][{}:{}]",
]

GROWERS = ["a = [a]", "a = [a, a]", "a = (a,)", "t = t + t", "t = t * 2", "u = [u] * 2",
           "v = v + [v]", "a == a", "len(a)", "repr(a)", "w = str(w) + str(w)"]
GROWER_STARTS = ["a = []", "t = 'ab'", "u = [1]", "v = []", "w = 'x'"]


def mutate(rng, line):
    chars = list(line)
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        at = rng.randint(0, len(chars))
        if kind == 0 and chars:
            del chars[min(at, len(chars) - 1)]
        elif kind == 1:
            chars.insert(at, rng.choice(ODD))
        elif kind == 2 and chars:
            chars[min(at, len(chars) - 1)] = rng.choice(ODD)
        elif kind == 3:
            chars[at:at] = list(rng.choice(SEEDS))
        else:
            piece = "".join(chars[at:at + rng.randint(1, 8)])
            chars.insert(at, piece * rng.randint(2, 50))
    return "".join(chars)


def deep(rng):
    opener, closer = rng.choice([("(", ")"), ("[", "]"), ("str(", ")"), ("len(", ")"),
                                 ("(1,", ")"), ("inet_aton(", ")"), ("([", "])")])
    depth = rng.choice([rng.randint(0, 250), rng.randint(0, 5000)])
    closes = rng.choice([depth, depth // 2, 0, depth + 1])
    line = opener * depth + rng.choice(["1", "'x'", "b''", "x", ""]) + closer * closes
    return rng.choice(["", "inet_aton ", "x = ", "help "]) + line


def chain(rng):
    link = rng.choice(["-", "+", "- ", "~", "not ", "+-", "1+", "1-", "1*", "1**", "2**-",
                       "1|", "1<<", "x.", "'a'.upper().", "[0]", "()", "[::1]"])
    return link * rng.choice([rng.randint(0, 1100), rng.randint(0, 20000)]) + rng.choice(["1", "x", ""])


def huge(rng):
    shape = rng.choice(SIZE_SHAPES)
    count = lambda: rng.choice(HUGE + [str(rng.getrandbits(rng.randint(1, 130)))])
    return shape.replace("{}", count(), 1).replace("{}", count(), 1)


def odd(rng):
    length = rng.choice([rng.randint(0, 40), rng.randint(0, 2000)])
    alphabet = ODD + [chr(rng.randint(0x20, 0x7e)) for _ in range(5)]
    if rng.random() < 0.001:
        return rng.choice(["x", "(", "'", "1+", " ", "é"]) * rng.randint(10**5, 10**6)
    return "".join(rng.choice(alphabet) for _ in range(length))


def grower(rng):
    return rng.choice(GROWER_STARTS if rng.random() < 0.05 else GROWERS)


def ends_the_session(line):
    """`exit` and `:quit` would end a batch early, testing nothing after."""
    text = line.strip()
    if text in ("exit", "quit", "exit()", "quit()"):
        return True
    return text.startswith(":") and text[1:].split() in (["quit"], ["q"], ["exit"])


def lines(count, seed):
    rng = random.Random(seed)
    # Sizes and growers build values near the byte budget, tens of
    # milliseconds a line; a lower share keeps a million lines within the hour.
    makers = [(35, lambda r: mutate(r, r.choice(SEEDS))), (12, lambda r: r.choice(SEEDS)),
              (10, deep), (10, chain), (8, huge), (20, odd), (5, grower)]
    weights = [w for w, _ in makers]
    made = 0
    while made < count:
        make = rng.choices(makers, weights)[0][1]
        line = make(rng).replace("\n", " ").replace("\r", " ")
        if any(word in line for word in FORBIDDEN):
            continue
        if ends_the_session(line):
            continue
        yield line
        made += 1


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    out = sys.stdout
    for line in lines(count, seed):
        out.write(line)
        out.write("\n")


if __name__ == "__main__":
    main()
