//! Differential test of the Python around socket calls: statements,
//! comprehensions, lambdas, built-ins and the socket module's names. Each
//! case (one line, or a block and the blank line that ends it) runs through
//! one netrepl process (`--format python`, reading a script on stdin) and one
//! python3 `code.InteractiveConsole`, as typed at Python's prompt; what each
//! shows (reprs, printed text, the last traceback line) must be the same.
//!
//! Network rule: only loopback, numeric addresses and names in /etc/hosts
//! (localhost) are used, so no case reaches DNS or leaves the machine.

mod support;

use std::process::Command;

use support::{marker, split_at_markers};

/// Python's prompt, fed line by line, showing errors as their last
/// traceback line, with the socket module's names at hand as netrepl has them.
const PYTHON_CONSOLE: &str = r#"
import code, io, socket as module, sys
names = {k: getattr(module, k) for k in dir(module) if not k.startswith('_')}
names['socket'] = module

def last_traceback_line(e):
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        sys.__excepthook__(type(e), e, e.__traceback__)
        return sys.stderr.getvalue().strip().splitlines()[-1]
    finally:
        sys.stderr = saved

class Console(code.InteractiveConsole):
    def showtraceback(self):
        print(last_traceback_line(sys.exc_info()[1]))
    def showsyntaxerror(self, filename=None):
        print(last_traceback_line(sys.exc_info()[1]))

console = Console(names)
for line in sys.stdin.read().splitlines():
    console.push(line)
"#;

/// The cases: each runs after the ones before it, in one session.
const CASES: &[&str] = &[
    // Comprehensions and generator expressions.
    "[x * 2 for x in range(5)]",
    "[x for x in range(10) if x % 3 == 0]",
    "[(x, y) for x in range(3) for y in 'ab' if x != 1]",
    "[[j for j in range(i)] for i in range(4)]",
    "{n: len(n) for n in ['ab', 'c', 'def']}",
    "{x % 3 for x in range(10)}",
    "list(x + 1 for x in (1, 2, 3))",
    "''.join(str(x) for x in range(5))",
    "'-'.join(str(b) for b in b'\\x01\\x02\\xff')",
    "sum(x * x for x in range(10))",
    "any(x > 3 for x in [1, 5])",
    "all(x > 3 for x in [1, 5])",
    "sorted(c for c in 'netrepl')",
    "[x for x in []]",
    "x = 'outer'",
    "[x for x in range(2)]",
    "x",
    "[y for y in 5]",
    "[a + b for a, b in [(1, 2), (3, 4)]]",
    "[first for first, *rest in [(1, 2, 3), (4,)]]",
    "{k: v for k, v in zip('abc', range(3))}",
    "{(i, i): i for i in range(2)}",
    "{[1]: 2}",
    "{1, [2]}",
    "f(x for x in y, 1)",
    // Lambdas.
    "f = lambda a, b: a * b",
    "f(3, 4)",
    "f(3)",
    "f(1, 2, 3)",
    "f(a=2, b=5)",
    "f(2, c=1)",
    "(lambda: 42)()",
    "(lambda x: x if x > 0 else -x)(-7)",
    "g = lambda n: [i * n for i in range(3)]",
    "g(5)",
    "list(map(lambda p: p[0], [(1, 'a'), (2, 'b')]))",
    "list(filter(lambda x: x % 2, range(10)))",
    "list(filter(None, [0, 1, '', 'a', None, [], [0]]))",
    "sorted(['bb', 'a', 'ccc'], key=len)",
    "sorted([3, 1, 2], reverse=True)",
    "sorted([(1, 'b'), (1, 'a'), (0, 'z')], key=lambda t: t[0])",
    "sorted([1, 'a'])",
    "max([3, 9, 2], key=lambda v: -v)",
    "min('hello')",
    "max(4, 8, 1)",
    "min([])",
    "max([], default='none')",
    "min(1, 2, default=0)",
    // Dict and set displays.
    "{}",
    "{'a': 1, 'b': [1, 2], 3: None}",
    "{1: 'one', True: 'true', 1.0: 'float'}",
    "{(1, 'a'): 1, (1.0, 'a'): 2, (True, 'a'): 3}",
    "{0.5: 'half', 1: 'one', None: 'none', b'k': 'bytes', 'k': 'str'}",
    "len({i: i for i in range(100000)})",
    "len({i % 1000 for i in range(100000)})",
    "len(set(range(50000))), len(dict(zip(range(50000), range(50000))))",
    "{x: x * x for x in [2, 2.0, 3]}",
    "9 in range(0, 10, 3), 10 in range(0, 10, 3), -3 in range(0, -10, -3)",
    "list(enumerate('a', 2**100))",
    "{1, 2, 2, 3}",
    "set()",
    "set([3, 3, 1])",
    "{'k': 1}['k']",
    "{'k': 1}['missing']",
    "{(1, 2): 'pair'}[(1, 2)]",
    "{1: 2}[[1]]",
    "'k' in {'k': 1}",
    "2 in {1, 2}",
    "3 not in {1: 2}",
    "len({1: 2, 3: 4})",
    "len({5, 6})",
    "{1: 2} == {1: 2}",
    "{1, 2} == {2, 1}",
    "dict(a=1, b=2)",
    "dict([('x', 1), ('y', 2)])",
    "dict([(1, 2, 3)])",
    "dict(5)",
    "dict({'a': 1}, b=2)",
    "type({})",
    "type({1})",
    // Boolean operators and comparisons.
    "1 and 2",
    "0 and 2",
    "0 or 'default'",
    "'' or [] or None",
    "not 0",
    "not [1]",
    "not 1 == 2",
    "1 < 2 < 3",
    "1 < 3 < 2",
    "3 > 2 == 2",
    "1 <= 1 < 2 <= 2",
    "1 < 'a' < 2",
    "None is None",
    "None is not None",
    "[] is []",
    "x = [1]",
    "y = x",
    "5 if x else 6",
    "'yes' if [] else 'no'",
    "1 if 0 else 2 if 0 else 3",
    "~5",
    "~-1",
    "~True",
    "~1.5",
    "~'a'",
    "-~3",
    "not not 'x'",
    // Assignment forms.
    "a, b = 1, 2",
    "a, b = b, a",
    "(a, b)",
    "first, *rest = [1, 2, 3, 4]",
    "first, rest",
    "*init, last = 'abc'",
    "init, last",
    "p, *q, r = range(5)",
    "p, q, r",
    "m, *n = []",
    "m, n = 1, 2, 3",
    "m, n = 7",
    "c = d = 0",
    "c, d",
    "counter = 10",
    "counter += 5",
    "counter -= 1",
    "counter *= 2",
    "counter //= 3",
    "counter %= 5",
    "counter **= 3",
    "counter <<= 2",
    "counter >>= 1",
    "counter |= 1",
    "counter &= 0xff",
    "counter ^= 3",
    "counter",
    "text = 'ab'",
    "text += 'cd'",
    "text *= 2",
    "text",
    "nums = [1, 2]",
    "nums += [3]",
    "nums",
    "nums[0] = 10",
    "nums[-1] = 30",
    "nums",
    "nums[5] = 1",
    "nums['a'] = 1",
    "table = {}",
    "table['x'] = 1",
    "table[2] = 'two'",
    "table['x'] += 10",
    "table",
    "grid = [[0, 0], [0, 0]]",
    "grid[1][0] = 5",
    "grid",
    "'abc'[0] = 'x'",
    "undefined_name += 1",
    "f() = 1",
    "1 = x",
    // Star arguments and keywords.
    "args = ('127.0.0.1', 80)",
    "print(*args)",
    "print(*[1, 2, 3], sep='-')",
    "print('a', 'b', sep='', end='!\\n')",
    "print(*'abc')",
    "print(*5)",
    "max(*[4, 2, 7])",
    "list(zip(*[(1, 'a'), (2, 'b')]))",
    "socket.inet_ntoa(*[b'\\x7f\\x00\\x00\\x01'])",
    "socket.getservbyname(*['http', 'tcp'])",
    // Built-ins.
    "list(range(5))",
    "list(range(2, 10, 3))",
    "list(range(10, 0, -3))",
    "range(5)",
    "range(1, 5)",
    "range(0, 10, 2)",
    "range(0)",
    "range(1, 2, 0)",
    "range('a')",
    "range(1.5)",
    "len(range(0, 100, 7))",
    "range(10)[3]",
    "range(10)[-1]",
    "range(3)[5]",
    "5 in range(10)",
    "10 in range(10)",
    "list(enumerate('ab'))",
    "list(enumerate(['x', 'y'], start=1))",
    "list(enumerate('ab', 10))",
    "list(zip([1, 2, 3], 'ab'))",
    "list(zip())",
    "list(zip(1, 2))",
    "list(map(str, [1, 2, 3]))",
    "list(map(lambda a, b: a + b, [1, 2], [10, 20, 30]))",
    "list(map(len, ['a', 'bb']))",
    "list(map(socket.htons, [1, 256]))",
    "list(reversed([1, 2, 3]))",
    "sum([1, 2, 3])",
    "sum([1, 2], 10)",
    "sum([[1], [2]], [])",
    "sum(['a', 'b'], '')",
    "sum([0.5, 0.25])",
    "any([])",
    "all([])",
    "any([0, '', None])",
    "all([1, 'a', [0]])",
    "abs(-5)",
    "abs(3.5)",
    "abs(-0.0)",
    "abs('x')",
    "abs(True)",
    "divmod(17, 5)",
    "divmod(-17, 5)",
    "divmod(7.5, 2)",
    "divmod(1, 0)",
    "ord('A')",
    "ord('é')",
    "ord(b'a')",
    "ord('ab')",
    "ord(65)",
    "chr(65)",
    "chr(0x263a)",
    "chr(-1)",
    "chr(0x110000)",
    "chr('a')",
    "bin(10)",
    "bin(-10)",
    "bin(0)",
    "oct(8)",
    "oct(-64)",
    "bin(2.5)",
    "bin(AF_INET6)",
    "bool(0)",
    "bool('x')",
    "bool()",
    "callable(len)",
    "callable(5)",
    "type(1)",
    "type('a')",
    "type(b'')",
    "type(None)",
    "type(1.5)",
    "type([])",
    "type(())",
    "type(True)",
    "type(len)",
    "type(lambda: 0)",
    "type(range(3))",
    "type(socket)",
    "type(socket.AF_INET)",
    "type(socket.SOCK_DGRAM)",
    "type(socket.AI_PASSIVE)",
    "type(socket.IPPROTO_TCP)",
    "type(1) == int",
    "type('a') is str",
    "isinstance(1, int)",
    "isinstance(True, int)",
    "isinstance(AF_INET, int)",
    "isinstance('a', (int, str))",
    "isinstance(1.0, int)",
    "isinstance([], list)",
    "isinstance(1, 1)",
    "str",
    "len",
    "int",
    "sorted",
    "socket.gethostbyname",
    "socket.AddressFamily",
    "socket.SocketKind",
    "hasattr(socket, 'AF_INET')",
    "hasattr(socket, 'AF_NOPE')",
    "getattr(socket, 'SOCK_STREAM')",
    "getattr(socket, 'IPPROTO_UDP')",
    "getattr(socket, 'NOPE')",
    "getattr(socket, 'NOPE', 'fallback')",
    "getattr(socket, 5)",
    "getattr(socket, 'gethostbyname')('localhost')",
    "getattr(AF_INET, 'name')",
    "getattr(AF_INET, 'nope', None)",
    "'AF_INET' in dir(socket)",
    "'gethostbyname' in dir(socket)",
    "'getaddrinfo' in dir(socket)",
    "'gaierror' in dir(socket)",
    "dir(socket) == sorted(dir(socket))",
    "[n for n in dir(socket) if n.startswith('SOCK_') and n in ('SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW')]",
    "{getattr(socket, n): n for n in dir(socket) if n.startswith('IPPROTO_')}",
    "sorted(n for n in dir(socket) if n.startswith('IPPROTO_'))",
    "len([n for n in dir(socket) if n.startswith('IPPROTO_')])",
    "{getattr(socket, n): n for n in dir(socket) if n.startswith('AF_') and n != 'AF_BLUETOOTH'}",
    "families = {getattr(socket, n): n for n in dir(socket) if n.startswith('AF_') and n != 'AF_BLUETOOTH'}",
    "families[socket.AF_INET], families[16], families[12]",
    "protocols = {getattr(socket, n): n for n in dir(socket) if n.startswith('IPPROTO_')}",
    "protocols[6], protocols[17], protocols[1]",
    "protocols.get(58)",
    "protocols.get(999, 'unknown')",
    // List methods.
    "items = [3, 1, 2]",
    "items.append(4)",
    "items",
    "items.extend([5, 6])",
    "items.extend('ab')",
    "items",
    "items.pop()",
    "items.pop(0)",
    "items",
    "items.insert(0, 'first')",
    "items.insert(100, 'last')",
    "items.insert(-1, 'before last')",
    "items",
    "items.remove('a')",
    "items.remove('nope')",
    "items.index(2)",
    "items.index(99)",
    "items.count(2)",
    "items.reverse()",
    "items",
    "numbers = [5, 2, 8, 1]",
    "numbers.sort()",
    "numbers",
    "numbers.sort(reverse=True)",
    "numbers",
    "numbers.sort(key=lambda v: v % 3)",
    "numbers",
    "copy = numbers.copy()",
    "numbers.clear()",
    "numbers, copy",
    "[].pop()",
    "[1].pop(5)",
    "numbers.append()",
    "numbers.append(1, 2)",
    "numbers.nope()",
    "ip_parts = '127.0.0.1'.split('.')",
    "_ = ip_parts.pop()",
    "base_ip = '.'.join(ip_parts) + '.'",
    "base_ip",
    "[base_ip + str(i) for i in range(1, 4)]",
    // Dict methods.
    "ports = {'http': 80, 'ssh': 22}",
    "list(ports.keys())",
    "list(ports.values())",
    "list(ports.items())",
    "sorted(ports.items(), key=lambda kv: kv[1])",
    "ports.get('http')",
    "ports.get('ftp')",
    "ports.get('ftp', 21)",
    "ports.setdefault('dns', 53)",
    "ports.setdefault('http', 8080)",
    "ports",
    "ports.pop('dns')",
    "ports.pop('dns', None)",
    "ports.pop('dns')",
    "ports.update({'https': 443})",
    "ports.update(smtp=25)",
    "ports.update([('pop3', 110)])",
    "ports",
    "len(ports)",
    "for name in ports: print(name)\n",
    "for name, port in ports.items(): print(name, port)\n",
    "for port in sorted(ports.values()): print(port)\n",
    "ports.copy() == ports",
    "ports.clear()",
    "ports",
    // Sets.
    "seen = set()",
    "seen.add(1)",
    "seen.add(1)",
    "seen.add(2)",
    "seen",
    "seen.discard(5)",
    "seen.remove(5)",
    "seen.remove(1)",
    "seen",
    "len({1, 1, 1})",
    // Iteration over strings, bytes, ranges, dicts.
    "for c in 'abc': print(c)\n",
    "for b in b'AB': print(b)\n",
    "for i in range(3): print(i, i * i)\n",
    "for i in range(10, 0, -4): print(i)\n",
    "for k in {'a': 1, 'b': 2}: print(k)\n",
    "for i, c in enumerate('xy'): print(i, c)\n",
    "for a, b in zip('ab', [1, 2]): print(a, b)\n",
    "for x in 5: print(x)\n",
    // Statements.
    "for i in range(3):\n    print(i)\n",
    "for i in range(3):\n    if i == 1:\n        continue\n    print(i)\n",
    "for i in range(10):\n    if i == 2:\n        break\n    print(i)\nelse:\n    print('no break')\n",
    "for i in range(2):\n    print(i)\nelse:\n    print('finished')\n",
    "total = 0",
    "for i in range(101): total += i\n",
    "total",
    "n = 0",
    "while n < 3:\n    print(n)\n    n += 1\n",
    "while True:\n    n -= 1\n    if n < 0: break\n",
    "n",
    "while n < 3:\n    n += 1\nelse:\n    print('while done', n)\n",
    "k = 0",
    "while k < 5:\n    k += 1\n    if k % 2: continue\n    print('even', k)\n",
    "if 1 < 2: print('small')\n",
    "if 0:\n    print('a')\nelif 1:\n    print('b')\nelse:\n    print('c')\n",
    "if []:\n    print('a')\nelif '':\n    print('b')\nelse:\n    print('c')\n",
    "if None: print('never')\n",
    "for i in range(3): print(i); print('-')\n",
    "for i in range(3):\n    print(i, end=' ')\nelse:\n    print('done')\n",
    "for i in range(3):\n    print(i, end=', ' if i < 2 else '\\n')\n",
    "for c in 'ab':\n    print(c, end='')\n    print('!')\n",
    "for i in range(2): print(i, end='\\n\\n')\n",
    "for i in range(2):\n    for j in range(2):\n        print(i, j)\n",
    "for i in range(3):\n    pass\n",
    "i",
    "for i in range(4):\n    if i % 2 == 0:\n        print(i, 'even')\n    else:\n        print(i, 'odd')\n",
    "squares = []",
    "for i in range(5):\n    squares.append(i * i)\n",
    "squares",
    "found = None",
    "for name in ['ftp', 'http', 'ssh']:\n    if name.startswith('h'):\n        found = name\n        break\n",
    "found",
    "for i in range(3):\n    print(undefined_thing)\n",
    "for i in range(3):\n    print(i)\n    1 / (1 - i)\n",
    "for i in range(2):\nprint(i)\n",
    "[1 for a in [1] for b in [2] for c in [3] for d in [4] for e in [5] for f in [6] for g in [7] for h in [8] for i in [9] for j in [10] for k in [11] for l in [12] for m in [13] for n in [14] for o in [15] for p in [16] for q in [17] for r in [18] for s in [19] for t in [20] for u in [21]]",
    "if True:\n    print(1)\n      print(2)\n",
    "for in range(3): pass\n",
    "return 1",
    "break",
    "continue",
    "else: pass",
    "elif x: pass",
    "while: pass\n",
    "with socket.socket() as s:\n    print(s.family, s.type, s.proto)\n",
    "s",
    "with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:\n    u.bind(('127.0.0.1', 0))\n    print(u.getsockname()[0])\n",
    "u.fileno()",
    "with socket.socket(AF_INET6, SOCK_STREAM) as s6: print(s6.family, s6.type)\n",
    "for host in ['localhost', '127.0.0.1']:\n    print(socket.gethostbyname(host))\n",
    "for service in ['http', 'ssh', 'domain']:\n    print(service, socket.getservbyname(service))\n",
    "for port in [22, 80, 443]:\n    print(port, socket.getservbyport(port))\n",
    "for proto in ['tcp', 'udp', 'icmp']:\n    print(proto, socket.getprotobyname(proto))\n",
    "for family in [AF_INET, AF_INET6]:\n    print(family.name, int(family))\n",
    "for a in ['10.0.0.1', '192.168.1.1']:\n    print(a, socket.inet_aton(a))\n",
    // bytearray, where CPython takes bytes-like objects.
    "bytearray(b'ab')",
    "bytearray()",
    "bytearray(3)",
    "bytearray([65, 66])",
    "bytearray('hi', 'ascii')",
    "bytearray('hi')",
    "bytearray(-1)",
    "type(bytearray())",
    "len(bytearray(b'abc'))",
    "bytearray(b'ab') == b'ab'",
    "bytearray(b'a') + b'b'",
    "b'a' + bytearray(b'b')",
    "bytearray(b'\\x7f\\x00\\x00\\x01')[0]",
    "list(bytearray(b'AB'))",
    "bytes(bytearray(b'xy'))",
    "socket.inet_ntoa(bytearray(b'\\x7f\\x00\\x00\\x01'))",
    "socket.inet_ntop(AF_INET6, bytearray(16))",
    "socket.gethostbyname(bytearray(b'localhost'))",
    "bytearray(b'ab').hex()",
    "bytearray(b'ab') in [b'ab']",
    "left, right = socket.socketpair()",
    "left.sendall(bytearray(b'hi'))",
    "right.recv(10)",
    "left.send(bytearray(b'!'))",
    "right.recv(10)",
    "left.close(); right.close()",
    // The socket module's names.
    "AF_INET.name",
    "AF_INET.value",
    "socket.AF_INET6.name",
    "SOCK_DGRAM.name",
    "SOCK_DGRAM.value",
    "(AI_PASSIVE | AI_CANONNAME).value",
    "AF_INET.nope",
    "socket.AddressFamily(2)",
    "socket.AddressFamily(10)",
    "socket.AddressFamily(12345)",
    "socket.AddressFamily('x')",
    "socket.SocketKind(1)",
    "socket.SocketKind(2)",
    "socket.AddressFamily.AF_INET",
    "socket.AddressFamily.AF_INET6.value",
    "socket.SocketKind.SOCK_STREAM",
    "socket.AddressFamily.SOCK_STREAM",
    "socket.error",
    "socket.gaierror",
    "socket.herror",
    "socket.timeout",
    "socket.has_ipv6",
    "AF_INET == 2",
    "AF_INET + 1",
    "[f.name for f in [AF_INET, AF_INET6, AF_UNIX]]",
    "sock = socket.socket(AF_INET, SOCK_DGRAM)",
    "sock.family",
    "sock.type",
    "sock.proto",
    "sock.timeout",
    "sock.family == AF_INET",
    "sock.type.name",
    "sock.settimeout(2.5)",
    "sock.timeout",
    "sock.nope",
    "sock.close()",
    "tcp = socket.socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP)",
    "tcp.family, tcp.type, tcp.proto",
    "tcp.close()",
    "socket.getdefaulttimeout()",
    "socket.setdefaulttimeout(2.5)",
    "getdefaulttimeout()",
    "with socket.socket() as t: print(t.timeout)\n",
    "socket.setdefaulttimeout(None)",
    "getdefaulttimeout()",
    "socket.setdefaulttimeout(-1)",
    "socket.setdefaulttimeout('x')",
    "socket.setdefaulttimeout()",
    "socket.if_nametoindex('lo')",
    "socket.if_nametoindex(b'lo')",
    "socket.if_indextoname(1)",
    "[name for index, name in socket.if_nameindex() if index == 1]",
    "socket.if_nametoindex('no-such-interface')",
    "socket.if_nametoindex(5)",
    "socket.if_indextoname('x')",
    "socket.if_indextoname(-1)",
    "socket.if_indextoname(0)",
    "socket.if_nameindex(1)",
    "'if_nameindex' in dir(socket)",
    // Lambdas with defaults (evaluated where the lambda is) and keywords.
    "with_default = lambda x, y=2: x + y",
    "with_default(1)",
    "with_default(1, 5)",
    "with_default(1, y=10)",
    "with_default(y=3, x=4)",
    "with_default()",
    "with_default(1, 2, 3)",
    "with_default(1, x=3)",
    "with_default(1, z=3)",
    "three = lambda a, b=2, c=3: (a, b, c)",
    "three(1, c=9)",
    "three(1, 2, 3, 4)",
    "three()",
    "early = 1",
    "late = lambda v=early: v",
    "early = 2",
    "late()",
    "late(7)",
    "(lambda: 0)(1)",
    "(lambda a=1: a)(1, 2)",
    "(lambda a, b: a)(1)",
    "(lambda a, b: a)(1, 2, 3)",
    "(lambda a=1, b: 0)",
    "(lambda a, a=1: 0)",
    "(lambda a=[]: a)()",
    "(lambda port=80, host='127.0.0.1': (host, port))(8080)",
    "family_default = lambda p=socket.AF_INET: p",
    "family_default()",
    "sorted([3, 1, 2], key=lambda v, s=-1: s * v)",
    "list(map(lambda x, k=10: x * k, [1, 2]))",
    "(lambda x=1 if True else 2: x)()",
    "(lambda x=lambda: 5: x())()",
    "(lambda a, b=undefined_name: a)",
    // memoryview, where CPython takes bytes-like objects (its repr, an
    // address, is checked by pattern in its own test).
    "view = memoryview(b'\\x7f\\x00\\x00\\x01')",
    "socket.inet_ntoa(view)",
    "socket.inet_ntop(AF_INET, view)",
    "socket.inet_ntop(AF_INET6, memoryview(bytes(16)))",
    "len(view), view[0], view[-1], bytes(view), list(view)",
    "view[1:3].tobytes()",
    "view.tobytes(), view.tolist(), view.hex()",
    "view == b'\\x7f\\x00\\x00\\x01', view == memoryview(b'\\x7f\\x00\\x00\\x01'), view == b'x'",
    "view[9]",
    "view['a']",
    "view.nope",
    "memoryview('abc')",
    "memoryview()",
    "memoryview(5)",
    "memoryview(bytearray(b'ab')).tobytes()",
    "type(view)",
    "1 in memoryview(b'\\x01'), 2 in memoryview(b'\\x01')",
    "socket.gethostbyname(memoryview(b'localhost'))",
    "b'a' + memoryview(b'b'), bytearray(b'a') + memoryview(b'b')",
    "int.from_bytes(memoryview(b'\\x01\\x00'), 'big')",
    "left, right = socket.socketpair()",
    "left.sendall(memoryview(b'hi'))",
    "right.recv(10)",
    "left.send(memoryview(b'!'))",
    "right.recv(10)",
    "left.close(); right.close()",
    "[socket.inet_ntoa(view) for view in [memoryview(b'\\x0a\\x00\\x00\\x01')]]",
    // binascii needs its import, as in CPython, and the session remembers it.
    "binascii.hexlify(b'ab')",
    "binascii.unhexlify('61')",
    "import binascii",
    "binascii.hexlify(b'ab')",
    "binascii.unhexlify('7f000001')",
    "socket.inet_ntoa(binascii.unhexlify('7f000001'))",
    "for h in ['7f000001', '0a000001']: print(socket.inet_ntoa(binascii.unhexlify(h)))\n",
    // Dict views, shown as CPython shows them, and iterator objects, taken once.
    "view_dict = {'a': 1, 'b': 2}",
    "view_dict.keys()",
    "view_dict.values()",
    "view_dict.items()",
    "{}.items()",
    "{1: [2]}.values()",
    "len(view_dict.keys()), len(view_dict.values()), len(view_dict.items())",
    "'a' in view_dict.keys(), 'z' in view_dict.keys()",
    "2 in view_dict.values(), ('b', 2) in view_dict.items()",
    "[1] in view_dict.keys()",
    "list(view_dict.keys()), list(view_dict.items())",
    "sorted(view_dict.values(), reverse=True)",
    "','.join(view_dict.keys())",
    "type(view_dict.keys()), type(view_dict.values()), type(view_dict.items())",
    "view_dict.keys()[0]",
    "bool({}.keys()), bool(view_dict.items())",
    "for k, v in view_dict.items(): print(k, v)\n",
    "list(reversed(view_dict.keys())), list(reversed(view_dict.items()))",
    "view_dict.keys() == view_dict.keys(), view_dict.items() == view_dict.items()",
    "view_dict.keys() == {'a', 'b'}, {'b', 'a'} == view_dict.keys(), view_dict.keys() == ['a', 'b']",
    "view_dict.values() == view_dict.values(), view_dict.keys() == {}.keys()",
    "for i in map(str, range(3)):\n    print(i)\n",
    "print(*map(str, [1, 2])), print(view_dict.keys())",
    "tuple(map(int, '12')), dict(map(lambda k: (k, 1), 'ab')), min(filter(None, [0, 3, 2]))",
    "list(enumerate(zip('ab', 'cd'))), sum(1 for _ in zip('ab', 'cd'))",
    "first, *others = map(int, '123')",
    "first, others",
    "f'{list(map(str, [1]))} {view_dict.values()}'",
    "digits = map(str, [1, 2, 3])",
    "'1' in digits",
    "list(digits)",
    "letters = zip('ab', [1, 2])",
    "dict(letters), dict(letters)",
    "inverses = map(lambda x: 1 / x, [1, 0, 2])",
    "list(inverses)",
    "list(inverses)",
    "not_callable = map(5, [1])",
    "list(not_callable)",
    "uppers = filter(lambda x: x.upper(), ['a', 1])",
    "list(uppers)",
    "quotients = map(lambda x: 10 // x, [5, 0])",
    "10 // 5 in quotients",
    "2 in quotients",
    "map(str, 5)",
    "for v in map(lambda x: 1 / x, [1, 0]):\n    print(v)\n",
    "countdown = iter_source = map(str, range(5))",
    "for v in countdown:\n    if v == '1': break\n",
    "list(countdown), list(iter_source)",
    "{view_dict.keys(): 1}",
    "{view_dict.values()}",
    "{bytearray(b'a'): 1}",
    "len({map(str, []): 1}), len({memoryview(b'a'): 1})",
    "view_dict.keys() + 1",
    "view_dict.items() < 5",
    "list(reversed(memoryview(b'ab'))), memoryview(b'abc')[::-1].tobytes()",
    "squares = map(lambda v: v * v, range(4))",
    "list(squares)",
    "list(squares)",
    "evens = filter(lambda v: v % 2 == 0, range(7))",
    "4 in evens",
    "list(evens)",
    "len(map(str, [1]))",
    "map(str, [1])[0]",
    "','.join(map(str, [1, 2, 3]))",
    "sorted(zip('ba', [1, 2]))",
    "dict(zip('ab', range(2)))",
    "dict(enumerate('xy'))",
    "max(map(len, ['a', 'bbb']))",
    "sum(map(int, '123'))",
    "list(reversed('abc')), list(reversed((1, 2))), list(reversed(range(3)))",
    "reversed({1})",
    "reversed(5)",
    "reversed(map(str, [1]))",
    "list(reversed({'a': 1, 'b': 2}))",
    "bool(map(str, [])), bool(zip())",
    "type(map(str, [])), type(zip()), type(enumerate('')), type(filter(None, ''))",
    "type(reversed([])), type(reversed(range(2))), type(reversed('a'))",
    "pairs = enumerate('ab')",
    "for i, c in pairs: print(i, c)\n",
    "list(pairs)",
    "a, b = zip('xy', 'zw')",
    "a, b",
    "set(map(abs, [-1, 1, 2])), tuple(zip([1], [2]))",
    "[c for c in reversed('ab')]",
    "any(map(bool, [0, 1])), all(filter(None, [0, 1]))",
    // Lines of the notes, with loopback and names from /etc/hosts.
    "import socket",
    "alladdr = socket.getaddrinfo('localhost', 0, socket.AF_INET6)",
    "ip6 = filter(lambda x: x[0] == socket.AF_INET6, alladdr)",
    "list(ip6)[0][4][0]",
    "alladdr = socket.getaddrinfo('127.0.0.1', 0)",
    "[a for a in alladdr if a[0] == socket.AF_INET][0][4]",
    "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
    "s.connect(('127.0.0.1', 80))",
    "ip_addr = s.getsockname()[0]",
    "ip_addr",
    "s.close()",
    "list_ip = ['127.0.0.1']",
    "for i in list_ip:\n    print(socket.gethostbyaddr(i)[0])\n",
    "ip_list = []",
    "ip_list.append('127.0.0.1')",
    "ip_list",
    "results = []",
    "results.append('127.0.0.1')",
    "len(results) > 0",
    "from socket import *",
];

/// The cases with a marker before each, so one case's extra or missing line
/// cannot shift every answer after it.
fn interleave(cases: &[&str]) -> String {
    let mut input = String::new();
    for (n, case) in cases.iter().enumerate() {
        input.push_str(&marker(n));
        input.push('\n');
        input.push_str(case);
        input.push('\n');
    }
    input
}

/// Cases whose answer is nothing on both sides (assignments, appends).
fn differences(cases: &[&str]) -> Vec<String> {
    differences_shown_as(cases, |text| text.to_string())
}

/// `differences`, comparing answers after `shown` has rewritten both sides.
fn differences_shown_as(cases: &[&str], shown: fn(&str) -> String) -> Vec<String> {
    let input = interleave(cases);
    let ours = shown(&support::run_merged(support::netrepl("python"), &input));
    let mut python = Command::new("python3");
    python.args(["-W", "ignore", "-c", PYTHON_CONSOLE]);
    let theirs = shown(&support::run_merged(python, &input));
    let ours = split_at_markers(&ours, cases.len());
    let theirs = split_at_markers(&theirs, cases.len());
    cases
        .iter()
        .zip(ours.iter().zip(&theirs))
        .enumerate()
        .filter(|(_, (_, (actual, expected)))| actual != expected)
        .map(|(n, (case, (actual, expected)))| {
            format!(
                "case {n}: {case}\nexpected: {}\nactual:   {}\n",
                expected.join("\n          "),
                actual.join("\n          ")
            )
        })
        .collect()
}

#[test]
fn statements_and_built_ins_answer_like_cpython() {
    if !support::python_available() {
        println!("SKIPPED: python3 is not installed, so there is no CPython to compare with");
        return;
    }
    assert!(CASES.len() >= 300, "the oracle should cover many lines");
    let found = differences(CASES);
    assert!(
        found.is_empty(),
        "{} of {} cases differ from CPython:\n\n{}",
        found.len(),
        CASES.len(),
        found.join("\n")
    );
}

/// Each hexadecimal address (`0x7f3a...`) as `0xADDRESS`, so that objects
/// shown by address compare by the rest of their repr.
fn without_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let digits = rest[at + 2..]
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(rest.len() - at - 2);
        out.push_str(if digits > 0 { "0xADDRESS" } else { "0x" });
        rest = &rest[at + 2 + digits..];
    }
    out.push_str(rest);
    out
}

/// Iterator objects and memoryviews show their address as CPython does:
/// the same for one object each time, another for another object.
#[test]
fn objects_shown_by_address_look_like_cpython() {
    if !support::python_available() {
        println!("SKIPPED: python3 is not installed, so there is no CPython to compare with");
        return;
    }
    let cases = [
        "m = map(str, [1])",
        "m",
        "m is m, repr(m) == repr(m), repr(m) == repr(map(str, [1]))",
        "filter(None, [])",
        "zip([1], 'a')",
        "enumerate('ab')",
        "reversed([1])",
        "reversed('ab')",
        "reversed(range(3))",
        "reversed({'a': 1}.items())",
        "[map(len, ['a'])]",
        "(zip(), 1)",
        "memoryview(b'ab')",
        "v = memoryview(b'ab')",
        "repr(v) == repr(v), repr(v) == repr(memoryview(b'ab'))",
        "str(v).startswith('<memory at 0x'), str(m).startswith('<map object at 0x')",
    ];
    let found = differences_shown_as(&cases, without_addresses);
    assert!(found.is_empty(), "{}", found.join("\n"));
    let ours = support::run_merged(
        support::netrepl("python"),
        "map(str, [1])\nmemoryview(b'')\n",
    );
    let shown: Vec<&str> = ours.lines().collect();
    assert!(shown.len() == 2, "{ours}");
    assert!(
        shown[0].starts_with("<map object at 0x") && shown[0].ends_with('>'),
        "{ours}"
    );
    assert!(
        shown[1].starts_with("<memory at 0x") && shown[1].ends_with('>'),
        "{ours}"
    );
    assert_eq!(
        without_addresses("<memory at 0x7f3a0c>, 0x"),
        "<memory at 0xADDRESS>, 0x"
    );
}

/// Blocks nest 20 deep, as in CPython; the 21st is refused.
#[test]
fn blocks_nest_as_deep_as_cpython_allows() {
    let nested = |levels: usize| -> String {
        let mut text = String::new();
        for level in 0..levels {
            text.push_str(&format!("{}for a{level} in [1]:\n", " ".repeat(level)));
        }
        text.push_str(&format!("{}print('deep')\n\n", " ".repeat(levels)));
        text
    };
    let out = support::run_merged(support::netrepl("python"), &nested(20));
    assert_eq!(out.trim(), "deep");
    let out = support::run_merged(support::netrepl("python"), &nested(21));
    assert_eq!(out.trim(), "SyntaxError: too many statically nested blocks");
}

/// A pasted note mixes a helper's def with lines that use it: the def says
/// what to call instead, and the lines after it still run.
#[test]
fn a_paste_of_a_def_and_its_use_runs_the_rest() {
    let pasted = "for x in [1]:\n    pass\ndef get_ip_6():\n    return 1\nprint('after')\n";
    let ran = support::run_netrepl(&["--format", "python", "-c", pasted]);
    let out = String::from_utf8_lossy(&ran.stdout).into_owned();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("netrepl has get_ip_6 built in"),
        "{out}"
    );
    assert_eq!(lines[1], "after");
}

/// Names that depend on how python3 was built (AF_BLUETOOTH needs BlueZ's
/// headers), so a given python3 may lack them.
const BUILD_DEPENDENT: &[&str] = &["AF_BLUETOOTH"];

/// Every name netrepl's `dir(socket)` lists is one of CPython's, and means
/// the same kind of thing there (a constant, a function, a class).
#[test]
fn dir_of_the_module_lists_cpython_names() {
    if !support::python_available() {
        println!("SKIPPED: python3 is not installed, so there is no CPython to compare with");
        return;
    }
    let ours = support::run_merged(
        support::netrepl("python"),
        "print(*dir(socket), sep='\\n')\n",
    );
    let theirs = support::run_merged(
        {
            let mut python = Command::new("python3");
            python.args(["-c", "import socket; print(*dir(socket), sep='\\n')"]);
            python
        },
        "",
    );
    let theirs: Vec<&str> = theirs.lines().collect();
    let missing: Vec<&str> = ours
        .lines()
        .filter(|name| !theirs.contains(name) && !BUILD_DEPENDENT.contains(name))
        .collect();
    assert!(ours.lines().count() > 100, "{ours}");
    assert!(
        missing.is_empty(),
        "not in CPython's dir(socket): {missing:?}"
    );
}

/// Lines netrepl refuses on purpose, where CPython would run them: other
/// modules, classes, `try`, functions of one's own. Each says so clearly.
#[test]
fn what_netrepl_does_not_run_it_says_so() {
    let cases = [
        ("import os", "ImportError: netrepl has no module named 'os'"),
        (
            "import subprocess",
            "ImportError: netrepl has no module named 'subprocess'",
        ),
        (
            "class Server:\n    pass\n",
            "SyntaxError: netrepl does not run `class` blocks",
        ),
        (
            "try:\n    pass\nexcept:\n    pass\n",
            "SyntaxError: netrepl does not run `try` blocks",
        ),
        (
            "def helper(x):\n    return x\n",
            "SyntaxError: netrepl does not define functions (def helper)",
        ),
    ];
    for (input, expected) in cases {
        let out = support::run_merged(support::netrepl("python"), input);
        assert_eq!(out.lines().next(), Some(expected), "for {input:?}: {out}");
    }
}

/// A pasted helper of the notes is read quietly, body and all, and netrepl
/// says how to call the built-in one; the lines after it still run.
#[test]
fn a_pasted_helper_of_the_notes_points_to_the_built_in_one() {
    let pasted = "def get_ip_4():\n\ts = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\ttry:\n\t\ts.connect(('10.255.255.255', 1))\n\t\tip_addr = s.getsockname()[0]\n\texcept Exception as e:\n\t\tprint(repr(e))\n\treturn ip_addr\nprint('next')\n";
    let out = support::run_merged(support::netrepl("python"), pasted);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("netrepl has get_ip_4 built in"),
        "{out}"
    );
    assert_eq!(lines[1], "next");
}

/// Runs netrepl on a terminal (util-linux `script` makes one) and types
/// `keys` one group at a time, as a person would; `None` without `script`.
fn on_a_terminal(keys: &[&str]) -> Option<String> {
    use std::io::Write;
    use std::process::Stdio;
    use std::time::Duration;
    if Command::new("script").arg("--version").output().is_err() {
        println!("SKIPPED: no `script` to give netrepl a terminal");
        return None;
    }
    let data = std::env::temp_dir().join(format!("netrepl-pty-{}", std::process::id()));
    let mut child = Command::new("timeout")
        .args(["-s", "KILL", "30", "script", "-qec"])
        .arg(format!("{} --no-color", env!("CARGO_BIN_EXE_netrepl")))
        .arg("/dev/null")
        .env("NETREPL_DATA_DIR", &data)
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(800));
        for group in keys {
            let _ = stdin.write_all(group.as_bytes());
            let _ = stdin.flush();
            std::thread::sleep(Duration::from_millis(600));
        }
        let _ = stdin.write_all(b"\x04");
        std::thread::sleep(Duration::from_secs(2));
    });
    let out = child.wait_with_output().expect("script ends");
    let _ = std::fs::remove_dir_all(&data);
    assert_ne!(out.status.code(), Some(137), "netrepl hung and was killed");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_typed_block_gets_a_continuation_prompt_and_runs_at_the_empty_line() {
    let Some(out) = on_a_terminal(&["for i in range(2):\r", "    print(i * 10)\r", "\r"]) else {
        return;
    };
    assert!(out.contains("\n... "), "no continuation prompt: {out:?}");
    let shown: Vec<&str> = out.lines().map(str::trim_end).collect();
    let at = shown.iter().position(|l| *l == "0").expect("the loop ran");
    assert_eq!(shown.get(at + 1), Some(&"10"), "{out:?}");
}

#[test]
fn ctrl_c_stops_an_endless_loop_and_the_session_goes_on() {
    let Some(out) = on_a_terminal(&[
        "n = 0\r",
        "while True: n += 1\r",
        "\r",
        "\x03",
        "print('after', n > 0)\r",
    ]) else {
        return;
    };
    assert!(out.contains("KeyboardInterrupt"), "{out:?}");
    assert!(out.contains("after True"), "{out:?}");
}

/// A lambda that calls itself, even with a deep body, ends in a
/// RecursionError instead of overflowing the stack; the session goes on.
#[test]
fn recursive_lambdas_are_bounded() {
    let deep_body = "- -".repeat(450);
    let input = format!(
        "f = lambda n: 0 if n == 0 else {deep_body}f(n - 1)\nf(39)\n\
         g = lambda n: 0 if n == 0 else g(n - 1)\ng(5)\ng(100)\n\
         h = lambda n: {deep}n\n{deep}h(1)\nprint('alive')\n",
        deep = "- -".repeat(495)
    );
    let out = support::run_merged(support::netrepl("python"), &input);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "RecursionError: maximum recursion depth exceeded",
            "0",
            "RecursionError: maximum recursion depth exceeded",
            "1",
            "alive"
        ],
        "{out}"
    );
}
