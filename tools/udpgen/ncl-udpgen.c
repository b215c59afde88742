// SPDX-License-Identifier: GPL-2.0
/*
 * ncl-udpgen: open-loop small-packet UDP stream at a fixed offered rate, and
 * its sink. Only libc; link it statically for the initramfs and dom0.
 *
 * Wire format: every datagram starts with a 32-byte header, all fields in
 * network byte order (big endian):
 *
 *	 0 u32 magic	0x4e434c55 ("NCLU")
 *	 4 u8  version	1
 *	 5 u8  kind	1 DATA, 2 ECHO_REPLY, 3 START, 4 START_ACK, 5 STOP, 6 STOP_ACK
 *	 6 u8  flags	bit 0 ECHO (DATA only): the sink sends it back as ECHO_REPLY
 *	 7 u8  reserved, 0
 *	 8 u32 flow	flow id (-f); the sink keys its counters on (source address, flow)
 *	12 u32 reserved, 0
 *	16 u64 seq	DATA: packet index; control: a nonce, copied into the ack
 *	24 u64 ts_ns	DATA: the sender's CLOCK_MONOTONIC when it was sent
 *
 * DATA is zero-padded to -s bytes (the UDP payload, header included). Control
 * packets are 48 bytes: the header, then u64 pkts and u64 bytes, which only
 * STOP_ACK fills in: DATA packets and UDP payload bytes (header included)
 * received on that flow since its START. START resets the flow's counters.
 * An ECHO_REPLY is the DATA packet unchanged except for its kind.
 *
 * Pacing: packet i is due at t0 + i * 1e9 / PPS on CLOCK_MONOTONIC (an
 * absolute schedule: the long-run rate is exact whatever the timer does), or
 * with -a poisson at t0 plus the sum of i exponential gaps of mean 1e9 / PPS
 * (a Poisson process, as the sum of many independent clients is; the gaps
 * come from a fixed generator seeded by -S and the flow id, so a run can be
 * repeated; a constant schedule can lock onto the path's own periods and
 * land its echoes in one of two modes from one run to the next). The
 * sender sleeps in ppoll() on its socket (woken early by echo replies) until
 * the next due time, then sends every packet already due, at most -B per
 * wake-up. It never spins: a due time in the past means send now, otherwise
 * it sleeps. Timer slack is set to 1 ns so that wake-ups are not bunched.
 *
 * Output (send): one key=value line, keys in the order of the usage text.
 * duration_s is the schedule's length (-t), or longer if the sender fell
 * behind it; achieved_pps = sent / duration_s; loss = sent - sink_recv (all
 * -1 if the STOP handshake failed); rtt_* are in us, -1 without samples;
 * wakeups counts ppoll() calls during the stream, max_burst the most packets
 * sent in one wake-up; cpu_* are this process's getrusage() times.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define MAGIC		0x4e434c55u
#define VERSION		1
#define HDR_LEN		32
#define CTL_LEN		48
#define MAX_PAYLOAD	65507		/* largest UDP payload over IPv4 */
#define BUF_LEN		65536
#define FLOWS		256		/* sink flow table, LRU eviction */
#define BATCH		32		/* sink recvmmsg batch */
#define TRIES		30		/* START / STOP attempts ... */
#define TRY_NS		100000000ull	/* ... this far apart */
#define LATE_NS		200000000ull	/* echo replies still taken after the last send */
#define RTT_MAX		(2u << 20)
#define NSEC		1000000000ull

enum { O_MAGIC = 0, O_VER = 4, O_KIND = 5, O_FLAGS = 6, O_FLOW = 8, O_SEQ = 16, O_TS = 24,
	O_PKTS = 32, O_BYTES = 40 };
enum { K_DATA = 1, K_ECHO_REPLY, K_START, K_START_ACK, K_STOP, K_STOP_ACK };
#define F_ECHO		1

static const char usage_text[] =
	"usage: ncl-udpgen sink -p PORT [-b BINDADDR] [-D]\n"
	"       ncl-udpgen send -d DEST -p PORT -r PPS [-s PAYLOAD_BYTES] [-t SECONDS]\n"
	"                       [-e ECHO_EVERY] [-f FLOW_ID] [-B BURST_CAP]\n"
	"                       [-a const|poisson] [-S SEED]\n"
	"       ncl-udpgen -h\n"
	"sink: count DATA per (source, flow), echo packets flagged ECHO; -p 0 picks a free\n"
	"      port; prints 'udpgen-sink port=N pid=N'; -D daemonizes; -b defaults to 0.0.0.0\n"
	"send: PPS 1..10000000; defaults -s 64 (bytes, header included, 32..65507: less is\n"
	"      raised to 32), -t 10 (seconds, may be fractional), -e 50 (every Nth packet\n"
	"      echoed, 0 none), -f 0, -B 64 (most packets sent per wake-up), -a const\n"
	"      (evenly spaced; poisson: exponential gaps of the same mean), -S 1\n"
	"      (seed of the poisson gaps, mixed with the flow id);\n"
	"      DEST and BINDADDR are numeric IPv4 or IPv6 addresses. Prints one line:\n"
	"      udpgen offered_pps= payload_bytes= flow= poisson= sent= duration_s=\n"
	"      achieved_pps=\n"
	"      sink_recv= sink_bytes= loss= loss_frac= echo_sent= echo_recv= rtt_n=\n"
	"      rtt_avg_us= rtt_p50_us= rtt_p90_us= rtt_p99_us= rtt_p999_us= rtt_max_us=\n"
	"      wakeups= max_burst= send_errors= cpu_user_s= cpu_sys_s=\n"
	"exit: 0 ok, 1 runtime error or > 1% send errors, 2 bad arguments or no sink\n";

static __attribute__((noreturn, format(printf, 2, 3))) void fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("ncl-udpgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Big-endian n-byte field at b. */
static void put(u8 *b, u64 v, int n)
{
	while (n--) {
		b[n] = v;
		v >>= 8;
	}
}

static u64 get(const u8 *b, int n)
{
	u64 v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

#define put32(b, v)	put(b, v, 4)
#define put64(b, v)	put(b, v, 8)
#define get32(b)	((u32)get(b, 4))
#define get64(b)	get(b, 8)

static void mkhdr(u8 *b, int kind, int flags, u32 flow, u64 seq, u64 ts)
{
	memset(b, 0, HDR_LEN);
	put32(b + O_MAGIC, MAGIC);
	b[O_VER] = VERSION;
	b[O_KIND] = kind;
	b[O_FLAGS] = flags;
	put32(b + O_FLOW, flow);
	put64(b + O_SEQ, seq);
	put64(b + O_TS, ts);
}

static int valid(const u8 *b, ssize_t len)
{
	return len >= HDR_LEN && get32(b + O_MAGIC) == MAGIC && b[O_VER] == VERSION;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * NSEC + ts.tv_nsec;
}

/* Strict unsigned decimal in [lo, hi], or a usage error naming -opt. */
static u64 num(int opt, const char *s, u64 lo, u64 hi)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno || v < lo || v > hi)
		fail(2, "bad -%c '%s': want an integer %llu..%llu (see -h)", opt, s,
		     (unsigned long long)lo, (unsigned long long)hi);
	return v;
}

static socklen_t mkaddr(struct sockaddr_storage *ss, int opt, const char *host, uint16_t port)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		return sizeof(*a4);
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return sizeof(*a6);
	}
	fail(2, "bad -%c '%s': want a numeric IPv4 or IPv6 address (see -h)", opt, host);
}

static int getopt_or_fail(int argc, char **argv, const char *opts)
{
	int c = getopt(argc, argv, opts);

	if (c == 'h') {
		fputs(usage_text, stdout);
		exit(0);
	}
	if (c == ':')
		fail(2, "option -%c needs a value (see -h)", optopt);
	if (c == '?')
		fail(2, "unknown option -%c (see -h)", optopt);
	if (c == -1 && optind < argc)
		fail(2, "unexpected argument '%s' (see -h)", argv[optind]);
	return c;
}

/* ---- sink --------------------------------------------------------------- */

struct flow {
	struct sockaddr_storage addr;
	socklen_t alen;
	u32 id;
	u64 pkts, bytes;
	u64 used;		/* LRU stamp; 0 = free */
};

static struct flow flows[FLOWS];
static u8 bufs[BATCH][BUF_LEN];

static int flow_is(const struct flow *f, const struct sockaddr_storage *a, socklen_t alen,
		   u32 id)
{
	return f->used && f->id == id && f->alen == alen && !memcmp(&f->addr, a, alen);
}

static struct flow *flow_get(const struct sockaddr_storage *a, socklen_t alen, u32 id,
			     u64 stamp)
{
	static struct flow *last;
	struct flow *f, *lru = flows;

	if (last && flow_is(last, a, alen, id)) {
		f = last;
		goto hit;
	}
	for (f = flows; f < flows + FLOWS; f++) {
		if (flow_is(f, a, alen, id))
			goto hit;
		if (f->used < lru->used)
			lru = f;
	}
	f = lru;		/* a free slot (used 0) or the least recently used */
	memset(f, 0, sizeof(*f));
	memcpy(&f->addr, a, alen);
	f->alen = alen;
	f->id = id;
hit:
	f->used = stamp;
	last = f;
	return f;
}

static void sink_reply(int fd, const u8 *req, int kind, const struct flow *f)
{
	u8 r[CTL_LEN];

	mkhdr(r, kind, 0, f->id, get64(req + O_SEQ), 0);
	put64(r + O_PKTS, kind == K_STOP_ACK ? f->pkts : 0);
	put64(r + O_BYTES, kind == K_STOP_ACK ? f->bytes : 0);
	sendto(fd, r, sizeof(r), MSG_DONTWAIT, (const struct sockaddr *)&f->addr, f->alen);
}

static void sink_pkt(int fd, u8 *b, ssize_t len, const struct sockaddr_storage *from,
		     socklen_t alen, u64 stamp)
{
	int kind = valid(b, len) ? b[O_KIND] : 0;
	struct flow *f;

	if (kind != K_DATA && kind != K_START && kind != K_STOP)
		return;
	f = flow_get(from, alen, get32(b + O_FLOW), stamp);
	if (kind == K_DATA) {
		f->pkts++;
		f->bytes += len;
		if (b[O_FLAGS] & F_ECHO) {
			b[O_KIND] = K_ECHO_REPLY;
			sendto(fd, b, len, MSG_DONTWAIT, (const struct sockaddr *)from, alen);
		}
	} else if (kind == K_START) {
		f->pkts = 0;
		f->bytes = 0;
		sink_reply(fd, b, K_START_ACK, f);
	} else {
		sink_reply(fd, b, K_STOP_ACK, f);
	}
}

static int run_sink(int argc, char **argv)
{
	const char *bind_addr = "0.0.0.0";
	struct sockaddr_storage ss, from[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int c, fd, daemonize = 0, port = -1, rcvbuf = 8 << 20, i, n;
	u64 stamp = 0;
	socklen_t alen;
	pid_t pid;

	while ((c = getopt_or_fail(argc, argv, ":p:b:Dh")) != -1) {
		if (c == 'p')
			port = num(c, optarg, 0, 65535);
		else if (c == 'b')
			bind_addr = optarg;
		else
			daemonize = 1;
	}
	if (port < 0)
		fail(2, "sink: missing -p PORT (see -h)");
	alen = mkaddr(&ss, 'b', bind_addr, port);
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		fail(1, "sink: socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(fd, (struct sockaddr *)&ss, alen) ||
	    getsockname(fd, (struct sockaddr *)&ss, &alen))
		fail(1, "sink: bind %s port %d: %s", bind_addr, port, strerror(errno));
	port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
			      ((struct sockaddr_in6 *)&ss)->sin6_port);
	fflush(stdout);
	pid = daemonize ? fork() : getpid();
	if (pid < 0)
		fail(1, "sink: fork: %s", strerror(errno));
	if (pid) {
		printf("udpgen-sink port=%d pid=%d\n", port, (int)pid);
		fflush(stdout);
		if (daemonize)
			return 0;
	} else {
		int null = open("/dev/null", O_RDWR);

		setsid();
		if (chdir("/") || null < 0)
			_exit(1);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = BUF_LEN };
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_iov = &iov[i],
						   .msg_iovlen = 1 };
	}
	for (;;) {
		for (i = 0; i < BATCH; i++)
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (n < 0 && (errno == EINTR || errno == ENOMEM || errno == ENOBUFS ||
			      errno == ECONNREFUSED))
			continue;
		if (n < 0)
			fail(1, "sink: recvmmsg: %s", strerror(errno));
		for (i = 0; i < n; i++)
			sink_pkt(fd, bufs[i], msgs[i].msg_len, &from[i],
				 msgs[i].msg_hdr.msg_namelen, ++stamp);
	}
}

/* ---- sender ------------------------------------------------------------- */

struct snd {
	int fd;
	u32 flow;
	u64 *rtt;			/* preallocated RTT samples, ns */
	size_t rtt_n, rtt_cap;
	unsigned long long echo_recv, want_seq, pkts, bytes;
	int want_kind, got, refused;	/* control reply awaited / seen */
};

/* Sleep in ppoll() until the socket is readable or ns have passed. */
static int wait_fd(int fd, u64 ns)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct timespec ts = { .tv_sec = ns / NSEC, .tv_nsec = ns % NSEC };

	if (ppoll(&p, 1, &ts, NULL) <= 0)
		return 0;
	return p.revents;
}

/* Read every queued reply without blocking (this also clears a pending error). */
static void drain(struct snd *s)
{
	static u8 b[BUF_LEN];
	ssize_t n;

	for (;;) {
		n = recv(s->fd, b, sizeof(b), MSG_DONTWAIT);
		if (n < 0 && errno == ECONNREFUSED)
			s->refused = 1;
		if (n < 0 && (errno == EINTR || errno == ECONNREFUSED))
			continue;
		if (n < 0)
			return;
		if (!valid(b, n) || get32(b + O_FLOW) != s->flow)
			continue;
		if (b[O_KIND] == K_ECHO_REPLY) {
			s->echo_recv++;
			if (s->rtt_n < s->rtt_cap)
				s->rtt[s->rtt_n++] = now_ns() - get64(b + O_TS);
		} else if (b[O_KIND] == s->want_kind && get64(b + O_SEQ) == s->want_seq &&
			   n >= CTL_LEN) {
			s->got = 1;
			s->pkts = get64(b + O_PKTS);
			s->bytes = get64(b + O_BYTES);
		}
	}
}

/* START or STOP, retried every TRY_NS; 0 once the matching ack arrived. */
static int handshake(struct snd *s, int kind, u64 nonce)
{
	u8 b[CTL_LEN] = { 0 };
	u64 deadline, t;
	int try;

	mkhdr(b, kind, 0, s->flow, nonce, 0);
	s->want_kind = kind + 1;
	s->want_seq = nonce;
	s->got = 0;
	for (try = 0; try < TRIES && !s->got; try++) {
		if (send(s->fd, b, sizeof(b), 0) < 0 && errno == ECONNREFUSED)
			s->refused = 1;
		deadline = now_ns() + TRY_NS;
		while (!s->got && (t = now_ns()) < deadline)
			if (wait_fd(s->fd, deadline - t))
				drain(s);
	}
	return s->got ? 0 : -1;
}

/* The send schedule: when packet i is due (see "Pacing" above). */
struct sched {
	u64 t0, pps, rng;
	double at;			/* poisson: packet i's due time - t0, ns */
	int poisson;
};

/* splitmix64: a fixed, seedable sequence of 64-bit values. */
static u64 next_rand(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Packet i's due time; called for i = 0, 1, 2, ... in turn. Constant:
 * t0 + i * 1e9 / pps, exact and without overflow.
 */
static u64 due(struct sched *sc, u64 i)
{
	double u;

	if (!sc->poisson)
		return sc->t0 + i / sc->pps * NSEC + i % sc->pps * NSEC / sc->pps;
	if (i) {
		u = (double)(next_rand(&sc->rng) >> 11) / (1ull << 53);	/* [0, 1) */
		sc->at += -log1p(-u) * NSEC / sc->pps;
	}
	return sc->t0 + (u64)sc->at;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* " rtt_avg_us=.. rtt_p50_us=.. ... rtt_max_us=..": nearest rank of the sorted samples. */
static void print_rtt(const struct snd *s)
{
	static const char *const key[] = { "avg", "p50", "p90", "p99", "p999", "max" };
	static const unsigned int q[] = { 0, 5000, 9000, 9900, 9990, 10000 };	/* 1/10000 */
	double sum = 0;
	size_t i;

	for (i = 0; i < s->rtt_n; i++)
		sum += s->rtt[i];
	for (i = 0; i < 6; i++) {
		if (!s->rtt_n)
			printf(" rtt_%s_us=-1", key[i]);
		else if (!q[i])
			printf(" rtt_%s_us=%.1f", key[i], sum / s->rtt_n / 1e3);
		else
			printf(" rtt_%s_us=%.1f", key[i],
			       s->rtt[(q[i] * s->rtt_n + 9999) / 10000 - 1] / 1e3);
	}
}

static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static int run_send(int argc, char **argv)
{
	unsigned long long pps = 0, payload = 64, echo_every = 50, burst_cap = 64, total, i;
	unsigned long long sent = 0, echo_sent = 0, errors = 0, wakeups = 0, max_burst = 0;
	unsigned long long t, now, last = 0, burst, dur, nonce, next, seed = 1;
	struct sched sc = { .poisson = 0 };
	const char *dest = NULL, *arg_t = "10";
	static u8 pkt[MAX_PAYLOAD];
	struct snd s = { .flow = 0 };
	struct sockaddr_storage ss;
	int c, port = -1, echo, ret = 0;
	struct rusage ru;
	socklen_t alen;
	double secs;
	char *end;

	while ((c = getopt_or_fail(argc, argv, ":d:p:r:s:t:e:f:B:a:S:h")) != -1) {
		if (c == 'd')
			dest = optarg;
		else if (c == 'p')
			port = num(c, optarg, 1, 65535);
		else if (c == 'r')
			pps = num(c, optarg, 1, 10000000);
		else if (c == 's')
			payload = num(c, optarg, 1, MAX_PAYLOAD);
		else if (c == 't')
			arg_t = optarg;
		else if (c == 'e')
			echo_every = num(c, optarg, 0, UINT32_MAX);
		else if (c == 'f')
			s.flow = num(c, optarg, 0, UINT32_MAX);
		else if (c == 'S')
			seed = num(c, optarg, 0, UINT64_MAX);
		else if (c == 'a' && (!strcmp(optarg, "const") || !strcmp(optarg, "poisson")))
			sc.poisson = optarg[0] == 'p';
		else if (c == 'a')
			fail(2, "bad -a '%s': want const or poisson (see -h)", optarg);
		else
			burst_cap = num(c, optarg, 1, 65536);
	}
	if (!dest || port < 0 || !pps)
		fail(2, "send: missing %s (see -h)",
		     !dest ? "-d DEST" : port < 0 ? "-p PORT" : "-r PPS");
	secs = strtod(arg_t, &end);
	if (*arg_t < '0' || *arg_t > '9' || *end || !(secs > 0 && secs <= 86400))
		fail(2, "bad -t '%s': want seconds in (0, 86400] (see -h)", arg_t);
	total = pps * secs + 0.5;
	if (!total)
		fail(2, "bad -t '%s': not one packet at -r %llu (see -h)", arg_t, pps);
	if (payload < HDR_LEN) {
		fprintf(stderr, "ncl-udpgen: -s %llu is below the %d-byte header; using %d\n",
			payload, HDR_LEN, HDR_LEN);
		payload = HDR_LEN;
	}
	alen = mkaddr(&ss, 'd', dest, port);

	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	s.rtt_cap = echo_every ? total / echo_every + 1024 : 0;
	if (s.rtt_cap > RTT_MAX)
		s.rtt_cap = RTT_MAX;
	s.rtt = malloc((s.rtt_cap + 1) * sizeof(*s.rtt));
	s.fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (!s.rtt || s.fd < 0 || connect(s.fd, (struct sockaddr *)&ss, alen))
		fail(1, "send: setup for %s port %d: %s", dest, port, strerror(errno));
	nonce = (now_ns() << 16) ^ ((unsigned long long)getpid() << 40);
	if (handshake(&s, K_START, nonce))
		fail(2, "send: no START_ACK from %s port %d after %d tries in %.1f s%s: is "
		     "'ncl-udpgen sink' running there?", dest, port, TRIES, TRIES * TRY_NS / 1e9,
		     s.refused ? " (ICMP port unreachable)" : "");

	sc.pps = pps;
	sc.rng = seed ^ (u64)s.flow << 32;
	sc.t0 = now_ns();
	next = due(&sc, 0);
	for (i = 0; i < total; ) {
		now = now_ns();
		for (burst = 0; i < total && burst < burst_cap && next <= now; burst++) {
			echo = echo_every && i % echo_every == 0;
			mkhdr(pkt, K_DATA, echo ? F_ECHO : 0, s.flow, i, echo ? now_ns() : now);
			if (send(s.fd, pkt, payload, MSG_DONTWAIT) == (ssize_t)payload) {
				sent++;
				echo_sent += echo;
			} else {
				errors++;	/* ENOBUFS, EAGAIN, ECONNREFUSED: not sent */
			}
			next = due(&sc, ++i);
		}
		last = now_ns();
		if (burst > max_burst)
			max_burst = burst;
		if (i >= total)
			break;
		wakeups++;	/* next is in the past after a capped burst: don't sleep */
		if (wait_fd(s.fd, next > last ? next - last : 0))
			drain(&s);
	}
	/* The schedule's length (next: packet total's due time), or longer if
	 * the sender fell behind it.
	 */
	dur = (last > next ? last : next) - sc.t0;

	t = last + LATE_NS;
	while (s.echo_recv < echo_sent && (now = now_ns()) < t)
		if (wait_fd(s.fd, t - now))
			drain(&s);
	qsort(s.rtt, s.rtt_n, sizeof(*s.rtt), cmp_u64);
	if (handshake(&s, K_STOP, nonce + 1)) {
		fprintf(stderr, "ncl-udpgen: send: no STOP_ACK from %s port %d: sink gone?\n",
			dest, port);
		ret = 1;
	}

	getrusage(RUSAGE_SELF, &ru);
	printf("udpgen offered_pps=%llu payload_bytes=%llu flow=%u poisson=%d sent=%llu "
	       "duration_s=%.3f achieved_pps=%.1f", pps, payload, s.flow, sc.poisson, sent,
	       dur / 1e9, sent * 1e9 / dur);
	if (ret)
		printf(" sink_recv=-1 sink_bytes=-1 loss=-1 loss_frac=-1");
	else
		printf(" sink_recv=%llu sink_bytes=%llu loss=%lld loss_frac=%.7f", s.pkts,
		       s.bytes, (long long)(sent - s.pkts),
		       sent ? (long long)(sent - s.pkts) / (double)sent : 0.0);
	printf(" echo_sent=%llu echo_recv=%llu rtt_n=%zu", echo_sent, s.echo_recv, s.rtt_n);
	print_rtt(&s);
	printf(" wakeups=%llu max_burst=%llu send_errors=%llu cpu_user_s=%.3f cpu_sys_s=%.3f\n",
	       wakeups, max_burst, errors, tv_s(ru.ru_utime), tv_s(ru.ru_stime));
	if (errors * 100 > total) {
		fprintf(stderr, "ncl-udpgen: send: %llu of %llu sends failed (> 1%%)\n", errors,
			total);
		ret = 1;
	}
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "-h")) {
		fputs(usage_text, stdout);
		return 0;
	}
	opterr = 0;
	if (argc >= 2 && !strcmp(argv[1], "sink"))
		return run_sink(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "send"))
		return run_send(argc - 1, argv + 1);
	fputs(usage_text, stderr);
	return 2;
}
