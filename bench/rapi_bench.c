// A Lambda Runtime API stand-in on 127.0.0.1 that times a function executable the way Lambda runs
// it: cold start (process start to its first response received), warm invocations per second and
// CPU time per warm invocation, and peak RSS. One harness for our runtime and its peers, so their
// figures compare.
//
//   rapi_bench cold BINARY RUNS EVENT     -> "cold_ms min median"
//   rapi_bench warm BINARY COUNT EVENT    -> "warm inv_per_s cpu_us_per_inv peak_rss_kb p50_us p99_us"
//   (p50/p99: event sent to response received, the bare Runtime API round trip)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int listener(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16)) { perror("bind"); exit(2); }
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

// Reads one HTTP request (headers and a Content-Length body); returns 0 when the peer closed.
static char buf[1 << 20];
static int read_request(int fd, int *is_next) {
    size_t have = 0;
    char *end = NULL;
    while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
        ssize_t n = recv(fd, buf + have, sizeof buf - have, 0);
        if (n <= 0) return 0;
        have += n;
    }
    *is_next = strncmp(buf, "GET ", 4) == 0;
    size_t head = end + 4 - buf, body = 0;
    char *cl = strcasestr(buf, "content-length:");
    if (cl && cl < end) body = strtoul(cl + 15, NULL, 10);
    size_t got = have - head;
    while (got < body) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return 0;
        got += n;
    }
    return 1;
}

static void send_all(int fd, const char *data, size_t len) {
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) return;
        data += n;
        len -= n;
    }
}

static long request_counter = 0;
static void send_event(int fd, const char *event) {
    char head[512];
    int n = snprintf(head, sizeof head,
        "HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: req-%ld\r\nLambda-Runtime-Deadline-Ms: 9999999999999\r\n"
        "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:bench\r\n"
        "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n", ++request_counter, strlen(event));
    send_all(fd, head, n);
    send_all(fd, event, strlen(event));
}

static const char accepted[] = "HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n";

static pid_t start(const char *binary, int port) {
    char api[64];
    snprintf(api, sizeof api, "AWS_LAMBDA_RUNTIME_API=127.0.0.1:%d", port);
    char *envp[] = {api, "AWS_LAMBDA_FUNCTION_NAME=bench", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
                    "AWS_REGION=us-east-1", "LOG_LEVEL=ERROR", NULL};
    char *argv[] = {(char *)binary, NULL};
    pid_t pid;
    if (posix_spawn(&pid, binary, NULL, NULL, argv, envp)) { perror("posix_spawn"); exit(2); }
    return pid;
}

// Serves `count` invocations on one connection; returns the time the last response arrived.
static double serve(int lfd, int count, const char *event, int *conn_out) {
    int conn = accept(lfd, NULL, NULL), one = 1, is_next;
    setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    double last = 0;
    for (int i = 0; i < count;) {
        if (!read_request(conn, &is_next)) { fprintf(stderr, "function closed the connection\n"); exit(3); }
        if (is_next) { send_event(conn, event); continue; }
        last = now_ms();
        send_all(conn, accepted, sizeof accepted - 1);
        i++;
    }
    *conn_out = conn;
    return last;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void reap(pid_t pid, int conn, struct rusage *usage) {
    kill(pid, SIGKILL);
    int status;
    wait4(pid, &status, 0, usage);
    close(conn);
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: rapi_bench cold|warm BINARY N EVENT\n"); return 2; }
    const char *mode = argv[1], *binary = argv[2], *event = argv[4];
    int n = atoi(argv[3]), port, lfd = listener(&port), conn;
    struct rusage usage;
    if (strcmp(mode, "cold") == 0) {
        double *times = calloc(n, sizeof *times);
        for (int i = 0; i < n; i++) {
            double t0 = now_ms();
            pid_t pid = start(binary, port);
            times[i] = serve(lfd, 1, event, &conn) - t0;
            reap(pid, conn, &usage);
        }
        qsort(times, n, sizeof *times, cmp);
        printf("cold_ms %.3f %.3f\n", times[0], times[n / 2]);
        return 0;
    }
    // Warm: CPU per invocation is the difference between a process that served 10 + n invocations
    // and one that served 10, so start-up costs cancel out.
    pid_t pid = start(binary, port);
    serve(lfd, 10, event, &conn);
    reap(pid, conn, &usage);
    double base_cpu = usage.ru_utime.tv_sec * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_sec * 1e6 + usage.ru_stime.tv_usec;
    pid = start(binary, port);
    int warm_conn;
    serve(lfd, 10, event, &warm_conn);
    double t0 = now_ms(), sent = 0;
    double *round_trips = calloc(n, sizeof *round_trips);
    int is_next;
    for (int i = 0; i < n;) {
        if (!read_request(warm_conn, &is_next)) { fprintf(stderr, "function closed the connection\n"); return 3; }
        if (is_next) { sent = now_ms(); send_event(warm_conn, event); continue; }
        round_trips[i] = now_ms() - sent;
        send_all(warm_conn, accepted, sizeof accepted - 1);
        i++;
    }
    double elapsed = now_ms() - t0;
    qsort(round_trips, n, sizeof *round_trips, cmp);
    reap(pid, warm_conn, &usage);
    double cpu = usage.ru_utime.tv_sec * 1e6 + usage.ru_utime.tv_usec + usage.ru_stime.tv_sec * 1e6 + usage.ru_stime.tv_usec;
    printf("warm %.0f %.1f %ld %.0f %.0f\n", n / (elapsed / 1e3), (cpu - base_cpu) / n, usage.ru_maxrss,
           round_trips[n / 2] * 1e3, round_trips[n * 99 / 100] * 1e3);
    return 0;
}
