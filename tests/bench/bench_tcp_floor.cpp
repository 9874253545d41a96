// The floor under any user-space HTTP proxy on this machine: a byte relay that pairs each client
// connection with its own upstream connection and copies bytes both ways, with no HTTP parsing,
// routing or policy. It makes the same system calls per keep-alive request as the least a proxy
// can (two reads, two writes), so bench_proxy.sh prints it beside the proxy and nginx: what is
// left between the proxy and this row is ServeDeck's own work.
//
//   bench_tcp_floor --upstream 127.0.0.1:PORT [--workers N]     prints listening=127.0.0.1:PORT
//
// Each worker thread has its own epoll loop and its own SO_REUSEPORT listening socket on one port.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Pair;

struct End
{
    int fd = -1;
    End *peer = nullptr;
    Pair *pair = nullptr;
    std::string pending;  // what the peer sent that this end's socket did not take yet
    bool connected = true;
};

struct Pair
{
    End client;
    End upstream;
};

sockaddr_in loopback(uint16_t port)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

int listenOn(uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    const sockaddr_in address = loopback(port);
    if (::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0 || ::listen(fd, 4096) != 0) {
        std::perror("bench_tcp_floor: listen");
        std::exit(1);
    }
    return fd;
}

uint16_t boundPort(int fd)
{
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    return ntohs(address.sin_port);
}

class Worker
{
public:
    Worker(int listener, uint16_t upstreamPort) : m_listener(listener), m_upstreamPort(upstreamPort) {}

    void run()
    {
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.ptr = nullptr;  // the listener
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listener, &event);
        epoll_event events[256];
        for (;;) {
            const int n = ::epoll_wait(m_epoll, events, 256, -1);
            for (int i = 0; i < n; ++i) {
                auto *end = static_cast<End *>(events[i].data.ptr);
                if (!end)
                    accept();
                else if (end->fd >= 0)
                    ready(end, events[i].events);
            }
            // Freed after the batch: a later event of this batch may name a closed pair.
            for (Pair *pair : m_closed)
                delete pair;
            m_closed.clear();
        }
    }

private:
    void accept()
    {
        const int client = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0)
            return;
        const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const sockaddr_in address = loopback(m_upstreamPort);
        if (::connect(upstream, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
            && errno != EINPROGRESS) {
            ::close(client);
            ::close(upstream);
            return;
        }
        auto *pair = new Pair;  // freed when either side ends
        pair->client.fd = client;
        pair->upstream.fd = upstream;
        pair->client.peer = &pair->upstream;
        pair->upstream.peer = &pair->client;
        pair->client.pair = pair->upstream.pair = pair;
        pair->upstream.connected = false;
        const int one = 1;
        for (End *end : {&pair->client, &pair->upstream}) {
            ::setsockopt(end->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            epoll_event event{};
            event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
            event.data.ptr = end;
            ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, end->fd, &event);
        }
    }

    void ready(End *end, uint32_t events)
    {
        if (events & (EPOLLERR | EPOLLHUP)) {
            close(end);
            return;
        }
        if (events & EPOLLOUT) {
            end->connected = true;
            if (!flush(end))
                return;
        }
        if (events & (EPOLLIN | EPOLLRDHUP))
            relay(end);
    }

    // Reads what end received and sends it to its peer; a short read emptied the socket.
    void relay(End *end)
    {
        char buffer[64 * 1024];
        for (;;) {
            const ssize_t n = ::recv(end->fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                if (!send(end->peer, buffer, size_t(n)))
                    return;
                if (size_t(n) < sizeof buffer)
                    return;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return;
            close(end);
            return;
        }
    }

    bool send(End *to, const char *data, size_t size)
    {
        if (!to->pending.empty() || !to->connected) {
            to->pending.append(data, size);
            return true;
        }
        while (size > 0) {
            const ssize_t n = ::send(to->fd, data, size, MSG_NOSIGNAL);
            if (n > 0) {
                data += n;
                size -= size_t(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                to->pending.append(data, size);  // EPOLLOUT sends the rest
                return true;
            }
            close(to);
            return false;
        }
        return true;
    }

    bool flush(End *end)
    {
        std::string pending;
        pending.swap(end->pending);
        return pending.empty() || send(end, pending.data(), pending.size());
    }

    void close(End *end)
    {
        if (end->fd < 0)
            return;
        ::close(end->fd);
        ::close(end->peer->fd);
        end->fd = end->peer->fd = -1;
        m_closed.push_back(end->pair);
    }

    int m_listener;
    uint16_t m_upstreamPort;
    int m_epoll = -1;
    std::vector<Pair *> m_closed;
};

} // namespace

int main(int argc, char **argv)
{
    uint16_t upstreamPort = 0;
    int workers = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string option = argv[i];
        if (option == "--upstream") {
            const char *colon = std::strrchr(argv[i + 1], ':');
            upstreamPort = uint16_t(std::atoi(colon ? colon + 1 : argv[i + 1]));
        } else if (option == "--workers") {
            workers = std::atoi(argv[i + 1]);
        }
    }
    if (upstreamPort == 0 || workers < 1 || workers > 64) {
        std::fprintf(stderr, "usage: bench_tcp_floor --upstream 127.0.0.1:PORT [--workers 1..64]\n");
        return 2;
    }
    std::vector<int> listeners{listenOn(0)};
    const uint16_t port = boundPort(listeners.front());
    while (int(listeners.size()) < workers)
        listeners.push_back(listenOn(port));
    std::vector<std::unique_ptr<Worker>> loops;
    std::vector<std::thread> threads;
    for (int fd : listeners) {
        loops.push_back(std::make_unique<Worker>(fd, upstreamPort));
        threads.emplace_back(&Worker::run, loops.back().get());
    }
    std::printf("listening=127.0.0.1:%u\n", unsigned(port));
    std::fflush(stdout);
    for (std::thread &thread : threads)
        thread.join();
}
