// The floor: a Lambda runtime loop in C over a raw socket, answering each event with itself.
// Built statically; the benchmark's reference for what a runtime cannot beat.
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 20], out[1 << 20];

int main(void) {
    char *api = getenv("AWS_LAMBDA_RUNTIME_API"), host[256];
    if (!api) return 1;
    char *colon = strrchr(api, ':');
    snprintf(host, sizeof host, "%.*s", (int)(colon - api), api);
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, colon + 1, &hints, &res)) return 1;
    int fd = socket(res->ai_family, SOCK_STREAM, 0);
    if (connect(fd, res->ai_addr, res->ai_addrlen)) return 1;
    for (;;) {
        const char next[] = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";
        send(fd, next, sizeof next - 1, 0);
        size_t have = 0;
        char *end;
        while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
            ssize_t n = recv(fd, buf + have, sizeof buf - have, 0);
            if (n <= 0) return 1;
            have += n;
        }
        *end = 0;
        char *id = strcasestr(buf, "lambda-runtime-aws-request-id:") + 30, *cl = strcasestr(buf, "content-length:");
        while (*id == ' ') id++;
        int idlen = strcspn(id, "\r\n");
        size_t body = strtoul(cl + 15, NULL, 10), head = end + 4 - buf;
        while (have - head < body) {
            ssize_t n = recv(fd, buf + have, sizeof buf - have, 0);
            if (n <= 0) return 1;
            have += n;
        }
        int n = snprintf(out, sizeof out,
                         "POST /2018-06-01/runtime/invocation/%.*s/response HTTP/1.1\r\nHost: x\r\nContent-Length: %zu\r\n\r\n",
                         idlen, id, body);
        memcpy(out + n, buf + head, body);
        send(fd, out, n + body, 0);
        have = 0;
        while (!(end = memmem(buf, have, "\r\n\r\n", 4))) {
            ssize_t r = recv(fd, buf + have, sizeof buf - have, 0);
            if (r <= 0) return 1;
            have += r;
        }
        cl = strcasestr(buf, "content-length:");
        size_t rbody = cl ? strtoul(cl + 15, NULL, 10) : 0;
        while (have - (end + 4 - buf) < rbody) {
            ssize_t r = recv(fd, buf + have, sizeof buf - have, 0);
            if (r <= 0) return 1;
            have += r;
        }
    }
}
