//! Differential test against CPython: every call below runs through one netrepl
//! process (`--format python`) and one python3 process, and each answer (a
//! `repr()` or the last traceback line) must be the same.
//!
//! Network rule: only names in /etc/hosts (localhost, vm) and numeric
//! addresses are resolved, and reverse look-ups only ask for 127.0.0.1, so no
//! call here ever reaches DNS. Failures that need "no such name" use
//! AI_NUMERICHOST, which fails inside the C library.

mod support;

use std::process::Command;

use support::{marker, split_at_markers};

/// One call: the line typed into netrepl and the Python expression it means.
struct Case {
    line: String,
    python: String,
}

/// A line already written in Python: netrepl and CPython get the same text.
fn py(line: &str) -> Case {
    Case {
        line: line.to_string(),
        python: line.to_string(),
    }
}

/// A command-style line and its Python translation.
fn cmd(line: &str, python: &str) -> Case {
    Case {
        line: line.to_string(),
        python: python.to_string(),
    }
}

const TWO_POW_40: &str = "1099511627776";
const TWO_POW_64: &str = "18446744073709551616";
const TWO_POW_70: &str = "1180591620717411303424";

fn host_name_cases() -> Vec<Case> {
    let long_label = "a".repeat(64);
    vec![
        cmd("gethostname", "socket.gethostname()"),
        py("socket.gethostname()"),
        py("socket.gethostname(1)"),
        cmd(
            "gethostbyname localhost",
            "socket.gethostbyname('localhost')",
        ),
        cmd("gethostbyname vm", "socket.gethostbyname('vm')"),
        cmd(
            "gethostbyname LOCALHOST",
            "socket.gethostbyname('LOCALHOST')",
        ),
        cmd("gethostbyname 127.1", "socket.gethostbyname('127.1')"),
        cmd(
            "gethostbyname localhost  # a comment",
            "socket.gethostbyname('localhost')",
        ),
        cmd("gethostbyname ''", "socket.gethostbyname('')"),
        cmd("gethostbyname 10", "socket.gethostbyname('10')"),
        cmd("gethostbyname 0x7f.1", "socket.gethostbyname('0x7f.1')"),
        py("socket.gethostbyname('127.0.0.1')"),
        py("socket.gethostbyname('')"),
        py("socket.gethostbyname('<broadcast>')"),
        py("socket.gethostbyname('255.255.255.255')"),
        py("socket.gethostbyname('::1')"),
        py("socket.gethostbyname(b'localhost')"),
        py("socket.gethostbyname(None)"),
        py("socket.gethostbyname(127)"),
        py("socket.gethostbyname()"),
        py("socket.gethostbyname('localhost', 'vm')"),
        py("socket.gethostbyname(hostname='localhost')"),
        py("socket.gethostbyname('local\\x00host')"),
        py("socket.gethostbyname(b'local\\x00host')"),
        py(&format!("socket.gethostbyname('{long_label}')")),
        py("socket.gethostbyname('a..b')"),
        cmd("gethostbyname", "socket.gethostbyname()"),
        cmd(
            "gethostbyname localhost vm",
            "socket.gethostbyname('localhost', 'vm')",
        ),
        cmd(
            "gethostbyname hostname=localhost",
            "socket.gethostbyname(hostname='localhost')",
        ),
        cmd(
            "gethostbyname_ex localhost",
            "socket.gethostbyname_ex('localhost')",
        ),
        py("socket.gethostbyname_ex('vm')"),
        py("socket.gethostbyname_ex('127.0.0.1')"),
        py("socket.gethostbyname_ex('127.1')"),
        py("socket.gethostbyname_ex(b'localhost')"),
        py("socket.gethostbyname_ex(None)"),
        py("socket.gethostbyname_ex('localhost', 1)"),
        py("socket.gethostbyname_ex('::1')"),
        cmd(
            "gethostbyaddr 127.0.0.1",
            "socket.gethostbyaddr('127.0.0.1')",
        ),
        py("socket.gethostbyaddr('localhost')"),
        py("socket.gethostbyaddr('127.1')"),
        py("socket.gethostbyaddr(b'127.0.0.1')"),
        py("socket.gethostbyaddr(2130706433)"),
        py("socket.gethostbyaddr()"),
        py("socket.gethostbyaddr(ip_address='127.0.0.1')"),
        py("gethostbyaddr(gethostbyname('localhost'))"),
        cmd("getfqdn", "socket.getfqdn()"),
        cmd("getfqdn localhost", "socket.getfqdn('localhost')"),
        py("socket.getfqdn('127.0.0.1')"),
        py("socket.getfqdn('  localhost  ')"),
        py("socket.getfqdn('0.0.0.0')"),
        py("socket.getfqdn(b'localhost')"),
        py("socket.getfqdn(1)"),
        py("socket.getfqdn(None)"),
        py("socket.getfqdn('localhost', 'vm')"),
        py("socket.getfqdn(name='localhost')"),
        py("socket.getfqdn(nome='localhost')"),
        py(&format!("socket.getfqdn('{long_label}')")),
        py("socket.getfqdn(b' localhost\\x0b')"),
        py("socket.getfqdn(b'')"),
        py("socket.getfqdn(b'127.0.0.1')"),
        py("socket.getfqdn('local\\x00host')"),
        py("socket.getfqdn(b'local\\x00host')"),
    ]
}

fn address_info_cases() -> Vec<Case> {
    vec![
        cmd(
            "getaddrinfo localhost 80",
            "socket.getaddrinfo('localhost', 80)",
        ),
        cmd(
            "getaddrinfo 127.0.0.1 http family=AF_INET type=SOCK_STREAM",
            "socket.getaddrinfo('127.0.0.1', 'http', family=socket.AF_INET, type=socket.SOCK_STREAM)",
        ),
        cmd(
            "getaddrinfo ::1 http type=SOCK_STREAM",
            "socket.getaddrinfo('::1', 'http', type=socket.SOCK_STREAM)",
        ),
        cmd(
            "getaddrinfo None 80 flags=AI_PASSIVE type=SOCK_STREAM",
            "socket.getaddrinfo(None, 80, flags=socket.AI_PASSIVE, type=socket.SOCK_STREAM)",
        ),
        cmd(
            "getaddrinfo localhost 80 flags=AI_NUMERICHOST",
            "socket.getaddrinfo('localhost', 80, flags=socket.AI_NUMERICHOST)",
        ),
        cmd(
            "getaddrinfo localhost 80 AF_INET SOCK_DGRAM",
            "socket.getaddrinfo('localhost', 80, socket.AF_INET, socket.SOCK_DGRAM)",
        ),
        py(
            "socket.getaddrinfo('localhost', 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_CANONNAME)",
        ),
        py("socket.getaddrinfo('vm', 22, family=socket.AF_INET, proto=socket.IPPROTO_UDP)"),
        py("socket.getaddrinfo(None, 80, flags=socket.AI_PASSIVE)"),
        py("socket.getaddrinfo(None, 'ssh', socket.AF_INET6, socket.SOCK_STREAM)"),
        py("socket.getaddrinfo(None, None)"),
        py("socket.getaddrinfo(host='127.0.0.1', port=80, type=socket.SOCK_STREAM)"),
        py("socket.getaddrinfo(b'127.0.0.1', b'80', socket.AF_INET, socket.SOCK_STREAM)"),
        py(
            "socket.getaddrinfo('fe80::1%lo', 80, socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)",
        ),
        py("socket.getaddrinfo('::ffff:127.0.0.1', 80, socket.AF_INET6, socket.SOCK_STREAM)"),
        py(
            "socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_V4MAPPED)",
        ),
        py("socket.getaddrinfo('127.0.0.1', 'nosuchservice')"),
        py(
            "socket.getaddrinfo('127.0.0.1', 'http', socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_NUMERICSERV)",
        ),
        py("socket.getaddrinfo('127.0.0.1', 80, 999)"),
        py("socket.getaddrinfo('127.0.0.1', 80, 0, 999)"),
        py("socket.getaddrinfo('127.0.0.1', 80, 0, 0, 0, 999999)"),
        py("socket.getaddrinfo('::1', 80, socket.AF_INET, 0, 0, socket.AI_NUMERICHOST)"),
        py("socket.getaddrinfo('127.0.0.1', -1, socket.AF_INET, socket.SOCK_STREAM)"),
        py("socket.getaddrinfo('127.0.0.1', 65536, socket.AF_INET, socket.SOCK_STREAM)"),
        py("socket.getaddrinfo('127.0.0.1', True)"),
        py("socket.getaddrinfo('127.0.0.1', socket.AF_INET)"),
        py("socket.getaddrinfo('127.0.0.1', 1.5)"),
        py(&format!("socket.getaddrinfo('127.0.0.1', {TWO_POW_70})")),
        py("socket.getaddrinfo(1, 80)"),
        py("socket.getaddrinfo(1, 80, 'x')"),
        py("socket.getaddrinfo('127.0.0.1', 1.5, 'x')"),
        py(
            "socket.getaddrinfo('127.0.0.1', 9223372036854775807, socket.AF_INET, socket.SOCK_STREAM)",
        ),
        py("socket.getaddrinfo('127.0.0.1', 9223372036854775808)"),
        py("socket.getaddrinfo('127.0.0.1', -9223372036854775809)"),
        py(
            "socket.getaddrinfo('::1.2.3.4', 80, socket.AF_INET6, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)",
        ),
        py("socket.getaddrinfo('127.0.0.1', 80, 'x')"),
        py(&format!(
            "socket.getaddrinfo('127.0.0.1', 80, {TWO_POW_40})"
        )),
        py("socket.getaddrinfo('127.0.0.1', 80, 0, 1.5)"),
        py("socket.getaddrinfo('localhost\\x00junk', 80, socket.AF_INET, socket.SOCK_STREAM)"),
        py("socket.getaddrinfo('127.0.0.1', '8\\x000', socket.AF_INET, socket.SOCK_STREAM)"),
        py(&format!("socket.getaddrinfo('{}', 80)", "a".repeat(64))),
        py("socket.getaddrinfo('localhost')"),
        py("socket.getaddrinfo()"),
        py("socket.getaddrinfo('localhost', 80, 0, 0, 0, 0, 0)"),
        py("socket.getaddrinfo('localhost', 80, famly=2)"),
        py("socket.getaddrinfo('localhost', 80, 2, family=2)"),
        py("socket.getaddrinfo('127.0.0.1', 80, socket.AF_INET, socket.SOCK_STREAM)[0][4]"),
        cmd(
            "getnameinfo 127.0.0.1:22 NI_NUMERICHOST|NI_NUMERICSERV",
            "socket.getnameinfo(('127.0.0.1', 22), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)",
        ),
        cmd(
            "getnameinfo [::1]:22 NI_NUMERICHOST|NI_NUMERICSERV",
            "socket.getnameinfo(('::1', 22), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)",
        ),
        cmd(
            "getnameinfo 127.0.0.1:80 0",
            "socket.getnameinfo(('127.0.0.1', 80), 0)",
        ),
        py("socket.getnameinfo(('127.0.0.1', 53), socket.NI_DGRAM | socket.NI_NUMERICHOST)"),
        py("socket.getnameinfo(('127.0.0.1', 80), socket.NI_NAMEREQD)"),
        py("socket.getnameinfo(('127.0.0.1', 80, 0, 0), 0)"),
        py("socket.getnameinfo(('::1', 80, 0), socket.NI_NUMERICHOST)"),
        py("socket.getnameinfo(('::1', 80, 5, 7), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)"),
        py("socket.getnameinfo(('::1', 80, 1048576, 0), socket.NI_NUMERICHOST)"),
        py("socket.getnameinfo(('::1', 80, -1, 0), socket.NI_NUMERICHOST)"),
        py("socket.getnameinfo(('fe80::1%lo', 80, 0, 0), socket.NI_NUMERICHOST)"),
        py(
            "socket.getnameinfo(('::1.2.3.4', 80, 0, 0), socket.NI_NUMERICHOST | socket.NI_NUMERICSERV)",
        ),
        py("socket.getnameinfo(('localhost', 80), 0)"),
        py("socket.getnameinfo(('127.0.0.1',), 0)"),
        py("socket.getnameinfo(('127.0.0.1', 80, 0, 0, 0), 0)"),
        py("socket.getnameinfo((127, 80), 0)"),
        py("socket.getnameinfo((b'127.0.0.1', 80), 0)"),
        py("socket.getnameinfo(('127.0.0.1', 'http'), 0)"),
        py("socket.getnameinfo(('::1', 80, 'x'), 0)"),
        py("socket.getnameinfo(('127\\x00.0.0.1', 80), 0)"),
        py("socket.getnameinfo(['127.0.0.1', 80], 0)"),
        py("socket.getnameinfo('127.0.0.1', 0)"),
        py("socket.getnameinfo(('127.0.0.1', 80), 'x')"),
        py("socket.getnameinfo(('127.0.0.1', 80))"),
        py("socket.getnameinfo(('127.0.0.1', 80), 2147483648)"),
        py("socket.getnameinfo(('127.0.0.1', 2147483648), 0)"),
        py("socket.getnameinfo(('::1', 80, 4294967296, 0), socket.NI_NUMERICHOST)"),
        py("socket.getnameinfo(('fe80::1', 80, 0, 4294967297), socket.NI_NUMERICHOST)"),
        py("socket.getnameinfo(sockaddr=('127.0.0.1', 80), flags=0)"),
    ]
}

fn service_cases() -> Vec<Case> {
    vec![
        cmd("getservbyname https", "socket.getservbyname('https')"),
        cmd(
            "getservbyname ssh tcp",
            "socket.getservbyname('ssh', 'tcp')",
        ),
        cmd(
            "getservbyname domain udp",
            "socket.getservbyname('domain', 'udp')",
        ),
        cmd(
            "getservbyname nosuchservice",
            "socket.getservbyname('nosuchservice')",
        ),
        py("socket.getservbyname('http', 'xyz')"),
        py("socket.getservbyname(80)"),
        py("socket.getservbyname(None)"),
        py("socket.getservbyname('http', 6)"),
        py("socket.getservbyname()"),
        py("socket.getservbyname('a', 'b', 'c')"),
        py("socket.getservbyname(servicename='http')"),
        py("socket.getservbyname('ht\\x00tp')"),
        cmd("getservbyport 443", "socket.getservbyport(443)"),
        cmd("getservbyport 53 udp", "socket.getservbyport(53, 'udp')"),
        cmd("getservbyport 70000", "socket.getservbyport(70000)"),
        cmd("getservbyport -1", "socket.getservbyport(-1)"),
        cmd("getservbyport http", "socket.getservbyport('http')"),
        cmd("getservbyport 0", "socket.getservbyport(0)"),
        cmd(
            "getservbyport 22 tcp udp",
            "socket.getservbyport(22, 'tcp', 'udp')",
        ),
        py("socket.getservbyport(80, 'xyz')"),
        py("socket.getservbyport(80, None)"),
        py("socket.getservbyport(70000, 5)"),
        py(&format!("socket.getservbyport({TWO_POW_40})")),
        py(&format!("socket.getservbyport({TWO_POW_70})")),
        py("socket.getservbyport(80.0)"),
        py("socket.getservbyport(True)"),
        py("socket.getservbyport(socket.IPPROTO_TCP)"),
        py("socket.getservbyport()"),
        py("socket.getservbyport(port=80)"),
        cmd("getprotobyname udp", "socket.getprotobyname('udp')"),
        cmd("getprotobyname TCP", "socket.getprotobyname('TCP')"),
        py("socket.getprotobyname('icmp')"),
        py("socket.getprotobyname('nosuchprotocol')"),
        py("socket.getprotobyname(6)"),
        py("socket.getprotobyname('tcp', 'udp')"),
    ]
}

fn packing_cases() -> Vec<Case> {
    vec![
        cmd("inet_aton 127.1", "socket.inet_aton('127.1')"),
        cmd("inet_aton 192.168.1.1", "socket.inet_aton('192.168.1.1')"),
        cmd("inet_aton 10", "socket.inet_aton('10')"),
        cmd("inet_aton 0x7f.1", "socket.inet_aton('0x7f.1')"),
        cmd("inet_aton 010.0.0.1", "socket.inet_aton('010.0.0.1')"),
        cmd("inet_aton 1.2.3.256", "socket.inet_aton('1.2.3.256')"),
        cmd("inet_aton 4294967295", "socket.inet_aton('4294967295')"),
        cmd("inet_aton 4294967296", "socket.inet_aton('4294967296')"),
        py("socket.inet_aton('127.1')"),
        py("socket.inet_aton('')"),
        py("socket.inet_aton('1.2.3.4 junk')"),
        py("socket.inet_aton('1.2.3.4\\x00')"),
        py("socket.inet_aton(b'1.2.3.4')"),
        py("socket.inet_aton(None)"),
        py("socket.inet_aton()"),
        py("socket.inet_aton('1.2.3.4', 'x')"),
        py("socket.inet_aton(ip_string='1.2.3.4')"),
        cmd(
            "inet_ntoa b'\\x7f\\x00\\x00\\x01'",
            "socket.inet_ntoa(b'\\x7f\\x00\\x00\\x01')",
        ),
        cmd("inet_ntoa 1.2.3.4", "socket.inet_ntoa('1.2.3.4')"),
        py("socket.inet_ntoa(b'abc')"),
        py("socket.inet_ntoa(b'abcde')"),
        py("socket.inet_ntoa(None)"),
        py("socket.inet_ntoa(3)"),
        py("socket.inet_ntoa(inet_aton('10.1'))"),
        py("socket.inet_ntoa()"),
        cmd(
            "inet_pton AF_INET6 2001:db8::1",
            "socket.inet_pton(socket.AF_INET6, '2001:db8::1')",
        ),
        cmd("inet_pton 10 ::1", "socket.inet_pton(10, '::1')"),
        cmd(
            "inet_pton AF_INET6 ::ffff:1.2.3.4",
            "socket.inet_pton(socket.AF_INET6, '::ffff:1.2.3.4')",
        ),
        cmd("inet_pton AF_INET", "socket.inet_pton(socket.AF_INET)"),
        cmd(
            "inet_pton AF_INET 127.1",
            "socket.inet_pton(socket.AF_INET, '127.1')",
        ),
        py("socket.inet_pton(socket.AF_INET, '1.2.3.4')"),
        py("socket.inet_pton(socket.AF_INET, '01.2.3.4')"),
        py("socket.inet_pton(socket.AF_INET6, '::ffff:1.2.3.4')"),
        py("socket.inet_pton(socket.AF_INET6, '1::2::3')"),
        py("socket.inet_pton(socket.AF_INET6, 'fe80::1%lo')"),
        py("socket.inet_pton(99, '1.2.3.4')"),
        py("socket.inet_pton('2', '1.2.3.4')"),
        py("socket.inet_pton(socket.AF_INET, b'1.2.3.4')"),
        py("socket.inet_pton(socket.AF_INET, '1.2.3.4\\x00')"),
        py("socket.inet_pton(socket.AF_INET)"),
        py("socket.inet_pton(socket.AF_INET6, '')"),
        py(&format!("socket.inet_pton({TWO_POW_40}, '1.2.3.4')")),
        py(&format!("socket.inet_pton({TWO_POW_70}, '1.2.3.4')")),
        cmd(
            "inet_ntop AF_INET b'\\x7f\\x00\\x00\\x01'",
            "socket.inet_ntop(socket.AF_INET, b'\\x7f\\x00\\x00\\x01')",
        ),
        py(&format!(
            "socket.inet_ntop(socket.AF_INET6, b'{}')",
            "\\x00".repeat(16)
        )),
        py(
            "socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, '2001:0db8:0000:0000:0000:0000:0000:0001'))",
        ),
        py(
            "socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, '::ffff:1.2.3.4'))",
        ),
        py("socket.inet_ntop(socket.AF_INET, b'abc')"),
        py("socket.inet_ntop(socket.AF_INET6, b'abcd')"),
        py("socket.inet_ntop(99, b'abcd')"),
        py("socket.inet_ntop(socket.AF_INET, '1.2.3.4')"),
        py("socket.inet_ntop('x', b'abcd')"),
        py("socket.inet_ntop(socket.AF_INET)"),
    ]
}

fn byte_order_cases() -> Vec<Case> {
    vec![
        cmd("htons 80", "socket.htons(80)"),
        cmd("htons 0", "socket.htons(0)"),
        cmd("htons 65535", "socket.htons(65535)"),
        cmd("htons 65536", "socket.htons(65536)"),
        cmd("htons -1", "socket.htons(-1)"),
        cmd("htons x", "socket.htons('x')"),
        cmd("htons x=1", "socket.htons(x=1)"),
        cmd("htons 0x1234", "socket.htons(0x1234)"),
        cmd("htons 2147483648", "socket.htons(2147483648)"),
        cmd("htonl True", "socket.htonl(True)"),
        py(&format!("socket.htons({TWO_POW_40})")),
        py(&format!("socket.htons({TWO_POW_70})")),
        py(&format!("socket.htons(-{TWO_POW_70})")),
        py("socket.htons(1.0)"),
        py("socket.htons(True)"),
        py("socket.htons(socket.AF_INET6)"),
        py("socket.htons()"),
        py("socket.htons(1, 2)"),
        cmd("ntohs 20480", "socket.ntohs(20480)"),
        cmd("ntohs True", "socket.ntohs(True)"),
        cmd("ntohl 0xffffffff", "socket.ntohl(0xffffffff)"),
        cmd("ntohl AF_INET6|1", "socket.ntohl(socket.AF_INET6 | 1)"),
        py("socket.ntohs(-5)"),
        cmd("htonl 1", "socket.htonl(1)"),
        cmd("htonl 0x01020304", "socket.htonl(0x01020304)"),
        cmd("ntohl 16777216", "socket.ntohl(16777216)"),
        py("socket.htonl(4294967295)"),
        py("socket.htonl(4294967296)"),
        py(&format!("socket.htonl({TWO_POW_64})")),
        py("socket.htonl(-1)"),
        py("socket.htonl(True)"),
        py("socket.htonl(socket.AF_INET)"),
        py("socket.htonl(1.0)"),
        py("socket.htonl('1')"),
        py("socket.htonl(None)"),
        py("socket.htonl()"),
        py("socket.htonl(1, 2)"),
        py("socket.htonl(x=1)"),
        py("socket.ntohl(-1)"),
    ]
}

/// Flag arithmetic and enum reprs, which Python's `enum` module decides.
fn operator_cases() -> Vec<Case> {
    vec![
        py("socket.AI_PASSIVE | socket.AI_CANONNAME"),
        py("AI_CANONNAME | AI_PASSIVE"),
        py("socket.AI_PASSIVE | 4096"),
        py("socket.NI_NUMERICHOST | socket.NI_NUMERICSERV"),
        py("socket.AF_INET | socket.AF_INET6"),
        py("socket.MSG_PEEK | socket.MSG_DONTWAIT"),
        py("socket.SOCK_STREAM | socket.SOCK_NONBLOCK"),
        py("-socket.AF_INET"),
        py("socket.gethostbynam"),
        py("socket.inet_aton('1.2.3.4')[0]"),
        py("socket.gethostbyname_ex('localhost')[2]"),
    ]
}

/// Python literals, including the malformed ones whose SyntaxError wording
/// CPython's tokenizer decides.
fn literal_cases() -> Vec<Case> {
    [
        r#"b'\x+f'"#,
        r#"'\x+f'"#,
        r#"b'\xZZ'"#,
        r#"'\xZZ'"#,
        r#"b'\x4'"#,
        r#"'\x4'"#,
        r#"'\u12'"#,
        r#"'\U0001f600'"#,
        r#"'\U00110000'"#,
        r#"b'\777'"#,
        r#"'\777'"#,
        r#"'\N'"#,
        r#"b'\N'"#,
        r#"'\q'"#,
        r#"b'é'"#,
        r#""it's""#,
        r#"'say "hi"'"#,
        r#"'both \' and "'"#,
        r#"b'\x00\xff'"#,
        r#"'\x00\x7f\x80\xa0\xad'"#,
        r#"'\u200b\u2028 \ufeff'"#,
        r#"0x_ff"#,
        r#"1_000"#,
        r#"1__000"#,
        r#"0b102"#,
        r#"0o8"#,
        r#"00"#,
        r#"007"#,
        r#"1e309"#,
        r#"-1e309"#,
        r#"1.5e-7"#,
        r#"1e16"#,
        r#"123456789012345678.0"#,
        r#"0.1"#,
        r#"1e22"#,
        r#"1.0e-5"#,
        r#"0.0001"#,
        r#"-0.0"#,
        r#"True"#,
        r#"(1,)"#,
        r#"()"#,
        r#"[]"#,
        r#"[1, 2,]"#,
        r#"r'\x'"#,
        r#"rb'\x'"#,
        r#"Rb"\n""#,
        r#"u'x'"#,
        r#"1_"#,
        r#"0x"#,
        r#"0xg"#,
        r#"0x__ff"#,
        r#"0b"#,
        r#"0b1_"#,
        r#"0o"#,
        r#"1e"#,
        r#"1e+"#,
        r#"1e300"#,
        r#"'\u0600\u061c\u180e\u2066\ufdd0\uffff\U000e0001\U000f0000\xad\u200b'"#,
        r#"'é\u4e2d\U0001f600e\u0301 \u00a0\u3000\u1680'"#,
        r#"b'\x00\x1f\x7f\x80\xff\'"'"#,
        r#"12abc"#,
        r#"1_000.5"#,
        r#"1_.5"#,
        r#"1._5"#,
        r#"1.5_"#,
        r#"0_0"#,
        r#"0_1"#,
        r#"1e5_0"#,
        r#".5"#,
        r#"5."#,
        r#"1.e3"#,
        r#"'é\x4'"#,
        r#"'\N{DASH}'"#,
        r#"'a\N'"#,
        r#"b'ab\x4'"#,
    ]
    .into_iter()
    .map(py)
    .collect()
}

/// `constants PREFIX` mirrors a comprehension over `dir(socket)`; these
/// prefixes name families netrepl lists in full.
fn constants_command_cases() -> Vec<Case> {
    ["SOCK_S", "AI_", "NI_", "SHUT_", "EAI_"]
        .iter()
        .map(|prefix| {
            cmd(
                &format!("constants {prefix}"),
                &format!(
                    "{{n: getattr(socket, n) for n in dir(socket) if n.startswith('{prefix}')}}"
                ),
            )
        })
        .collect()
}

/// Constants that CPython defines only when built with optional headers
/// (AF_BLUETOOTH needs BlueZ's), so a given python3 may lack them.
const BUILD_DEPENDENT_CONSTANTS: &[&str] = &["AF_BLUETOOTH"];

/// Every constant netrepl knows, read both bare and as `socket.NAME`.
fn constant_cases() -> Vec<Case> {
    netrepl::commands::socket_constants::CONSTANTS
        .iter()
        .filter(|c| !BUILD_DEPENDENT_CONSTANTS.contains(&c.name))
        .flat_map(|c| [py(c.name), py(&format!("socket.{}", c.name))])
        .collect()
}

/// Live sockets: only calls whose answers do not depend on file descriptor
/// numbers or ports the OS picks.
fn socket_cases() -> Vec<Case> {
    vec![
        py("socket.socket(99)"),
        py("socket.socket(socket.AF_INET, 99)"),
        cmd("socket 99", "socket.socket(99)"),
        py("socket.socket().bind(1)"),
        py("socket.socket().bind(('127.0.0.1',))"),
        py("socket.socket().bind(('127.0.0.1', 70000))"),
        py("socket.socket().bind(('127.0.0.1', 'x'))"),
        py("socket.socket().bind()"),
        py("socket.socket(socket.AF_INET6).bind(('::1',))"),
        py("socket.socket().connect(('127.0.0.1', 1))"),
        py("socket.socket().connect_ex(('127.0.0.1', 1))"),
        py("socket.socket().getpeername()"),
        py("socket.socket().recv(-1)"),
        py("socket.socket().recv()"),
        py("socket.socket().send('x')"),
        py("socket.socket().settimeout(-1)"),
        py("socket.socket().getblocking()"),
        py("socket.socket(socket.AF_INET, socket.SOCK_DGRAM).getsockname()"),
        py("socket.socket().getsockopt(socket.SOL_SOCKET, socket.SO_TYPE)"),
        py("socket.socket().shutdown(5)"),
        py("socket.socket(socket.AF_UNIX).connect('/nonexistent/x')"),
        py("socket.socket().sendto(b'x')"),
        py("socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('127.0.0.1',))"),
        py("socket.socketpair(99)"),
        cmd("socketpair 99", "socket.socketpair(99)"),
        py("socket.create_connection(('127.0.0.1', 1))"),
        cmd(
            "create_connection 127.0.0.1:1",
            "socket.create_connection(('127.0.0.1', 1))",
        ),
        py("socket.create_server(('127.0.0.1', 70000))"),
        cmd(
            "create_server 127.0.0.1:70000",
            "socket.create_server(('127.0.0.1', 70000))",
        ),
    ]
}

/// Keyword misuse on a function of no arguments, and indexing past the end of bytes.
fn keyword_and_subscript_cases() -> Vec<Case> {
    vec![
        py("socket.gethostname(x=1)"),
        py("socket.inet_aton('1.2.3.4')[4]"),
        py("socket.inet_aton('1.2.3.4')['x']"),
        py("-socket.htonl(1)"),
    ]
}

/// Python built-ins, str and bytes methods, slicing and comparisons: what a
/// line pasted from a note uses around the socket calls.
fn builtin_and_text_cases() -> Vec<Case> {
    vec![
        py(r#"len()"#),
        py(r#"len(1,2)"#),
        py(r#"len(x=1)"#),
        py(r#"len(5)"#),
        py(r#"repr()"#),
        py(r#"str(1,2)"#),
        py(r#"str(b'a','utf-8')"#),
        py(r#"str(1,2,3,4)"#),
        py(r#"str(x=1)"#),
        py(r#"int()"#),
        py(r#"int('12',16)"#),
        py(r#"int(5,16)"#),
        py(r#"int('x')"#),
        py(r#"int(None)"#),
        py(r#"int(' 0x1f ',0)"#),
        py(r#"int('1_000')"#),
        py(r#"int(2.7)"#),
        py(r#"int('12', 1)"#),
        py(r#"int(1,2,3)"#),
        py(r#"hex('a')"#),
        py(r#"hex(-255)"#),
        py(r#"hex()"#),
        py(r#"bytes(3)"#),
        py(r#"bytes(-1)"#),
        py(r#"bytes('a')"#),
        py(r#"bytes('é','ascii')"#),
        py(r#"bytes([1,256])"#),
        py(r#"bytes(['a'])"#),
        py(r#"bytes(1,2,3,4)"#),
        py(r#"list(5)"#),
        py(r#"tuple('ab')"#),
        py(r#"print(1, 'a', b'x', sep='-')"#),
        py(r#"str(socket.AF_INET)"#),
        py(r#"repr(socket.AF_INET)"#),
        py(r#"print(socket.AF_INET)"#),
        py(r#"str(None)"#),
        py(r#"str(1.0)"#),
        py(r#"str((1,'a'))"#),
        py(r#"len(socket.AF_INET)"#),
        py(r#"'abc'[1:]"#),
        py(r#"b'abc'[::-1]"#),
        py(r#"(1,2,3)[-2:]"#),
        py(r#"'abc'[1:2:0]"#),
        py(r#"'abc'['a':]"#),
        py(r#"5[1:]"#),
        py(r#"1 in 'a'"#),
        py(r#"'a' in b'a'"#),
        py(r#"1 in 5"#),
        py(r#"2 in b'\x02'"#),
        py(r#"1 == 1.0"#),
        py(r#"True == 1"#),
        py(r#"socket.AF_INET == 2"#),
        py(r#"(1,2) == [1,2]"#),
        py(r#"'a' != b'a'"#),
        py(r#"256 in b'a'"#),
        py(r#"'{}://x/{}'.format('http', 80)"#),
        py(r#"'{0}-{1}-{0}'.format('a','b')"#),
        py(r#"'{}'.format()"#),
        py(r#"'{x}'.format(x=1)"#),
        py(r#"'{'.format(1)"#),
        py(r#"'{0}{}'.format(1,2)"#),
        py(r#"'é'.encode('ascii')"#),
        py(r#"b'\xff'.decode()"#),
        py(r#"b'\xc3'.decode()"#),
        py(r#"b'\xc3('.decode()"#),
        py(r#"'a'.encode('nope')"#),
        py(r#"b'abc'.hex()"#),
        py(r#"b'abc'.hex(':')"#),
        py(r#"'a,b'.split(',')"#),
        py(r#"' a  b '.split()"#),
        py(r#"'-'.join(['a','b'])"#),
        py(r#"'-'.join([1])"#),
        py(r#"'x'.upper()"#),
        py(r#"'ab'.startswith(('a','c'))"#),
        py(r#"'ab'.startswith(1)"#),
        py(r#"'a'.nope()"#),
        py(r#"b'a b'.split()"#),
        py(r#"'abc'.replace('b','x')"#),
        py(r#"'abc'.find('c')"#),
        py(r#"b'a'.decode('latin-1')"#),
        py(r#"'é'.encode('latin-1')"#),
        py(r#"'€'.encode('latin-1')"#),
        py(r#"print()"#),
        py(r#"'a'.strip('ab')"#),
        py(r#"'a'.encode(1)"#),
        py(r#"b'ab'.decode('ascii', 'nope')"#),
        py(r#"'é'.encode('ascii', 'ignore')"#),
        py(r#"b'\xe9'.decode('ascii')"#),
        py(r#"'a'.split('')"#),
        py(r#"'abc'[5]"#),
        py(r#"'abc'[-10:10]"#),
        py(r#"str(b'a')"#),
        py(r#"'a' in 'abc'"#),
        py(r#"'x' not in ('x',)"#),
        py(r#"b'ab' in b'cabd'"#),
        py(r#"'abc'[::2]"#),
        py(r#"'hello'[-3:]"#),
        py(r#"(1,2,3)[::-1]"#),
        py(r#"[1,2,3][1:]"#),
        py(r#"'é'.encode()"#),
        py(r#"b'\xc3\xa9'.decode()"#),
        py(r#"'a b c'.split(' ', 1)"#),
        py(r#"int('0b101', 0)"#),
        py(r#"int('010', 0)"#),
        py(r#"int('0x_1f', 16)"#),
        py(r#"int(b'12')"#),
        py(r#"int('-12')"#),
        py(r#"bytes('hi', 'utf-8')"#),
        py(r#"bytes([104, 105])"#),
        py(r#"str(b'\xc3\xa9', 'utf-8')"#),
        py(r#"list(b'ab')"#),
        py(r#"tuple()"#),
        py(r#"len(b'abc')"#),
        py(r#"repr('x')"#),
        py(r#"hex(255)"#),
        py(r#"'%'.join('abc')"#),
        py(r#"b'-'.join([b'a', b'b'])"#),
        py(r#"b' x '.strip()"#),
        py(r#"'xxhixx'.strip('x')"#),
        py(r#"b'abc'.replace(b'', b'-')"#),
        py(r#"'abc'.replace('', '-')"#),
        py(r#"b'a'.find(b'')"#),
        py(r#"'{!r}'.format('a')"#),
        py(r#"'{a}{b}'.format(a=1, b=2)"#),
        py(r#"'{0}'.format()"#),
        py(r#"'}'.format()"#),
        py(r#"'{'.format()"#),
        py(r#"socket.gethostbyname('localhost') == '127.0.0.1'"#),
        py(r#"socket.inet_aton('1.2.3.4')[1:3]"#),
        py(r#"socket.getservbyname('http') in (80, 443)"#),
        py(r#"print('{}://example.com/'.format(socket.getservbyport(80)))"#),
        py(r#"print(socket.gethostbyname('localhost'), 80, sep=':')"#),
        py(r#"b'\xe2\x82'.decode()"#),
        py(r#"b'\xe2\x82('.decode()"#),
        py(r#"'éé'.encode('ascii')"#),
        py(r#"'é'.encode('ascii', 'replace')"#),
        py(r#"b'a\xffb'.decode('utf-8', 'replace')"#),
        py(r#"'a'.upper(1)"#),
        py(r#"'a'.split(1)"#),
        py(r#"'ab'.find(1)"#),
        py(r#"int('99999999999999999999')"#),
        py(r#"'a'.split(1,2,3)"#),
        py(r#"'a'.encode(1,2,3)"#),
        py(r#"b'a'.decode(x=1)"#),
        py(r#"'a'.strip(1,2)"#),
        py(r#"'a'.upper(x=1)"#),
        py(r#"'a'.replace()"#),
        py(r#"'a'.replace('a')"#),
        py(r#"'a'.join()"#),
        py(r#"'a'.startswith()"#),
        py(r#"b'a'.find()"#),
        py(r#"'a'.strip(x=1)"#),
        py(r#"'a'.find('a',0,1,2)"#),
        py(r#"b'a'.upper(1)"#),
        py(r#"b'a'.join()"#),
        py(r#"'abcabc'.find('b', 2)"#),
        py(r#"'abc'.find('b', -1)"#),
        py(r#"'abc'.startswith('b', 1)"#),
        py(r#"'abc'.find('', 5)"#),
        py(r#"'abc'.endswith('b', 0, 2)"#),
        py(r#"b'abc'.find(b'c', 1, 2)"#),
        py(r#"'a'.find('a', 'x')"#),
        py(r#"'a'.replace('a', 'b', count=1)"#),
        py(r#"b'a'.split(1)"#),
        py(r#"len('héllo'), len('héllo'.encode())"#),
        py(r#"1,"#),
        py(r#"'bücher.example'.encode('idna')"#),
        py(r#"'a..b'.encode('idna')"#),
        cmd("len b'abc'", "len(b'abc')"),
        cmd("print hello world", "print('hello', 'world')"),
    ]
}

/// Arithmetic and ordering: Python's ints of any size (`2**128` IPv6
/// addresses), floor division, true division, shifts and masks.
fn arithmetic_cases() -> Vec<Case> {
    vec![
        py(r#"1/0"#),
        py(r#"1//0"#),
        py(r#"1%0"#),
        py(r#"1.0/0"#),
        py(r#"1.0//0"#),
        py(r#"1.0%0"#),
        py(r#"0**-1"#),
        py(r#"2**-1"#),
        py(r#"7//-2"#),
        py(r#"-7%3"#),
        py(r#"7.5%-2"#),
        py(r#"2**100"#),
        py(r#"1<<100"#),
        py(r#"-1>>1"#),
        py(r#"1<<-1"#),
        py(r#"5&3"#),
        py(r#"5^3"#),
        py(r#"'a'*3"#),
        py(r#"b'ab'*2"#),
        py(r#"[1]*3"#),
        py(r#"(1,)*0"#),
        py(r#"'a'*-1"#),
        py(r#"'a'*'b'"#),
        py(r#"'a'-1"#),
        py(r#"'a'**2"#),
        py(r#"1<'a'"#),
        py(r#"'a'<'b'"#),
        py(r#"(1,2)<(1,3)"#),
        py(r#"[1]<(1,)"#),
        py(r#"True+True"#),
        py(r#"1.5*2"#),
        py(r#"10/4"#),
        py(r#"2**0.5"#),
        py(r#"2**63*4"#),
        py(r#"-2**2"#),
        py(r#"3-1-1"#),
        py(r#"2**3**2"#),
        py(r#"1.0<<1"#),
        py(r#"5//2.0"#),
        py(r#"10**40//3"#),
        py(r#"1e300*1e300"#),
        py(r#"(2**1100)/1"#),
        py(r#"2**32"#),
        py(r#"2**128"#),
        py(r#"2**128 - 1"#),
        py(r#"(2**128) // (2**32)"#),
        py(r#"255 & 0x0f"#),
        py(r#"192 << 24 | 168 << 16"#),
        py(r#"1 + 2 * 3"#),
        py(r#"(1 + 2) * 3"#),
        py(r#"-5 // 2"#),
        py(r#"5 % -3"#),
        py(r#"1 <= 1"#),
        py(r#"2 >= 3"#),
        py(r#"b'a' < b'b'"#),
        py(r#"socket.AF_INET * 2"#),
        py(r#"socket.htons(1) >> 8"#),
        py(r#"0.1 + 0.2"#),
        py(r#"2**64 > 2**63"#),
        py(r#"-(2**200)"#),
        py(r#"10 - 2**130"#),
    ]
}

/// Issue 10: nesting and sizes past CPython's own limits get CPython's
/// errors (where CPython says only `MemoryError`, netrepl says more, so
/// those are in tests/limits.rs instead).
fn limit_cases() -> Vec<Case> {
    let nested = |open: &str, close: &str, depth: usize| {
        format!("{}1{}", open.repeat(depth), close.repeat(depth))
    };
    let mut cases = vec![
        py(&nested("(", ")", 200)),
        py(&nested("(", ")", 201)),
        py(&nested("[", "]", 2500)),
        py(&nested("str(", ")", 201)),
        py(&nested("len(str(", "))", 101)),
        py(&"(".repeat(2500)),
        py(&format!("{}1", "[".repeat(300))),
        py(&format!("{}1", "(".repeat(150))),
    ];
    cases.extend(
        [
            "'ab' * 2**62",
            "b'ab' * 2**62",
            "'' * 2**62",
            "[] * 2**62",
            "'ab' * 2**63",
            "'ab' * 2**64",
            "'ab' * -2**64",
            "2**64 * 'ab'",
            "b'x' * 2**64",
            "[] * 2**64",
            "(1,) * 2**63",
            "'ab' * -5",
            "bytes(2**64)",
            "bytes(-2**64)",
            "bytes(2**200)",
            "bytes(-1)",
            "0 << 18446744073709551615",
            "1 >> 18446744073709551615",
            "-1 >> 2**64",
            "0 << 2**64",
            "1 << -1",
            "0 ** 18446744073709551615",
            "1 ** 18446744073709551615",
            "(-1) ** 18446744073709551615",
            "b'x' in b'a' * 1000",
            "b'ab' * 500 + b'c' in b'ab' * 1000",
            "(b'ab' * 1000).find(b'ba' * 10)",
            "(b'ab' * 1000).split(b'b' * 2)",
            "(b'ab' * 10).replace(b'ab', b'')",
            "(b'aaa').replace(b'aa', b'x')",
            "'abc'[1:]",
            "'héllo'[1:4]",
            "'héllo'[-2:]",
            "'héllo'[4:1]",
            "b'\\x00\\xff'.hex(':')",
            "'abc'[1::2**127-1]",
            "'abc'[::-2**127]",
            "b'abc'[1::2**127-1]",
            "'abc'.find('', 2**100)",
            "b'abc'.find(b'', 2**100)",
            "'abc'.startswith('', 2**100)",
            "'abc'.endswith('', 4)",
            "b'abc'.startswith(b'', 4)",
            "'abc'.startswith('', 3)",
        ]
        .map(py),
    );
    cases
}

fn all_cases() -> Vec<Case> {
    [
        host_name_cases(),
        address_info_cases(),
        service_cases(),
        packing_cases(),
        byte_order_cases(),
        operator_cases(),
        literal_cases(),
        constants_command_cases(),
        keyword_and_subscript_cases(),
        socket_cases(),
        constant_cases(),
        builtin_and_text_cases(),
        arithmetic_cases(),
        limit_cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Evaluates one expression a line, printing what the REPL would: the repr of
/// a result (nothing for None) or the last line of the traceback as the
/// interpreter's own hook prints it (with "Did you mean" hints, which 3.11's
/// `traceback` module leaves out).
const PYTHON_EVALUATOR: &str = r#"
import io, socket as module, sys
names = {k: getattr(module, k) for k in dir(module) if not k.startswith('_')}
names['socket'] = module

def last_traceback_line(e):
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        sys.__excepthook__(type(e), e, e.__traceback__)
        return sys.stderr.getvalue().strip().splitlines()[-1]
    finally:
        sys.stderr = saved

for line in sys.stdin.read().splitlines():
    try:
        result = eval(line, names)
        if result is not None:
            print(repr(result))
    except Exception as e:
        print(last_traceback_line(e))
"#;

fn interleave(cases: &[Case], line_of: impl Fn(&Case) -> &str) -> String {
    let mut input = String::new();
    for (n, case) in cases.iter().enumerate() {
        input.push_str(&marker(n));
        input.push('\n');
        input.push_str(line_of(case));
        input.push('\n');
    }
    input
}

/// Runs the cases through both interpreters; one report per differing call.
fn differences_from_cpython(cases: &[Case]) -> Vec<String> {
    let ours = support::run_merged(support::netrepl("python"), &interleave(cases, |c| &c.line));

    let mut python = Command::new("python3");
    // Newer Pythons warn on stderr about escapes such as \q; only answers count.
    python.args(["-W", "ignore", "-c", PYTHON_EVALUATOR]);
    let theirs = support::run_merged(python, &interleave(cases, |c| &c.python));

    let ours = split_at_markers(&ours, cases.len());
    let theirs = split_at_markers(&theirs, cases.len());
    cases
        .iter()
        .zip(ours.iter().zip(&theirs))
        // An empty answer means the harness lost the call: never a pass.
        .filter(|(_, (actual, expected))| actual != expected || expected.is_empty())
        .map(|(case, (actual, expected))| {
            format!(
                "call:     {}\npython:   {}\nexpected: {}\nactual:   {}\n",
                case.line,
                case.python,
                expected.join("\n          "),
                actual.join("\n          ")
            )
        })
        .collect()
}

fn assert_same_as_cpython(test: &str, cases: &[Case]) {
    if !support::python_available() {
        println!(
            "SKIPPED {test}: python3 is not installed, so there is no CPython to compare with"
        );
        return;
    }
    let differences = differences_from_cpython(cases);
    assert!(
        differences.is_empty(),
        "{} of {} calls differ from CPython:\n\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
}

#[test]
fn netrepl_answers_like_cpython() {
    let cases = all_cases();
    assert!(cases.len() >= 120, "the oracle should cover many calls");
    assert_same_as_cpython("netrepl_answers_like_cpython", &cases);
}

#[test]
fn every_command_that_mirrors_python_is_in_the_oracle() {
    let cases = all_cases();
    let missing: Vec<String> = netrepl::commands::all()
        .iter()
        .filter_map(|command| Some((command.name, command.python?)))
        .flat_map(|(name, python)| {
            let command_style = cases
                .iter()
                .any(|c| c.line == name || c.line.starts_with(&format!("{name} ")));
            let python_style = !python.starts_with("socket.")
                || cases
                    .iter()
                    .any(|c| c.line.starts_with(&format!("socket.{name}(")));
            [
                (!command_style).then(|| format!("{name}: no command-style case")),
                (!python_style).then(|| format!("{name}: no Python-style case")),
            ]
        })
        .flatten()
        .collect();
    assert!(
        missing.is_empty(),
        "add oracle cases:\n{}",
        missing.join("\n")
    );
}
